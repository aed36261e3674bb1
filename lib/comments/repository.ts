import { db, type Tx } from "../db";
import type { CommentKind as DbCommentKind } from "../generated/prisma/client";
import type { CommentDto, CommentKind } from "./schemas";

const TO_DB: Record<CommentKind, DbCommentKind> = { comment: "COMMENT", question: "QUESTION", answer: "ANSWER" };
const FROM_DB: Record<DbCommentKind, CommentKind> = { COMMENT: "comment", QUESTION: "question", ANSWER: "answer" };

export function insertComment(
  tx: Tx,
  data: { taskId: string; kind: CommentKind; body: string; authorId: string | null; authorName: string; mentionedUserIds: string[] },
) {
  return tx.comment.create({ data: { ...data, kind: TO_DB[data.kind] } });
}

export async function findComments(taskId: string): Promise<CommentDto[]> {
  const rows = await db().comment.findMany({
    where: { taskId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
    include: { author: { select: { id: true, name: true } } },
  });
  const mentionedIds = [...new Set(rows.flatMap((r) => r.mentionedUserIds))];
  const people = mentionedIds.length
    ? await db().user.findMany({ where: { id: { in: mentionedIds } }, select: { id: true, name: true } })
    : [];
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

export function findComment(id: string) {
  return db().comment.findUnique({ where: { id }, include: { task: true } });
}

/** Active users by e-mail (lower-cased) or id. */
export function findUsersByRefs(tx: Tx, refs: string[]) {
  const emails = refs.filter((r) => r.includes("@")).map((r) => r.toLowerCase());
  const ids = refs.filter((r) => !r.includes("@"));
  return tx.user.findMany({
    where: { active: true, OR: [{ email: { in: emails } }, { id: { in: ids } }] },
    select: { id: true, name: true, email: true },
  });
}

/** Adds people to the task's participants (array union in SQL, so concurrent adds never drop one). */
export async function addParticipants(tx: Tx, taskId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx.$executeRaw`UPDATE "Task" SET "participantIds" = ARRAY(SELECT DISTINCT unnest("participantIds" || ${userIds}::text[])) WHERE id = ${taskId}`;
}
