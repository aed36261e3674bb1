import { db, sql, type Tx } from "../db";
import type { CommentKind as DbCommentKind } from "../generated/prisma/client";
import type { CommentDto, CommentKind } from "./schemas";

const FROM_DB: Record<DbCommentKind, CommentKind> = { COMMENT: "comment", QUESTION: "question", ANSWER: "answer" };

export async function findComments(taskId: string): Promise<CommentDto[]> {
  const rows = await db().comment.findMany({
    where: { taskId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
    include: { author: { select: { id: true, name: true } } },
  });
  const mentionedIds = [...new Set(rows.flatMap((r) => r.mentionedUserIds))];
  const people = mentionedIds.length ? await db().user.findMany({ where: { id: { in: mentionedIds } }, select: { id: true, name: true } }) : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  return rows.map((r) => ({
    id: r.id,
    taskId: r.taskId,
    kind: FROM_DB[r.kind],
    body: r.body,
    author: r.author,
    authorName: r.author?.name ?? r.authorName,
    mentions: r.mentionedUserIds.map((id) => byId.get(id)).filter((p): p is { id: string; name: string } => !!p),
    createdAt: r.createdAt.toISOString(),
  }));
}

/** Active users by e-mail (lower-cased) or id. */
export function findUsersByRefs(tx: Tx, refs: string[]) {
  const emails = refs.filter((r) => r.includes("@")).map((r) => r.toLowerCase());
  const ids = refs.filter((r) => !r.includes("@"));
  return tx.query<{ id: string; name: string; email: string }>(
    sql`SELECT "id", "name", "email" FROM "User" WHERE "active" AND ("email" = ANY(${emails}::text[]) OR "id" = ANY(${ids}::text[]))`,
  );
}
