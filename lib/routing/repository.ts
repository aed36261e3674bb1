import { NOW, sql, type Tx } from "../db";
import type { Person } from "./select";

// Routing runs in the transaction that creates the task.

const PERSON_COLUMNS = sql`u."id", u."name", u."active", u."skills", u."outOfOfficeFrom", u."outOfOfficeUntil", u."delegateId"`;

export type PersonWithDelegate = Person & { delegateId: string | null };

export async function findPerson(tx: Tx, ref: string): Promise<PersonWithDelegate | null> {
  const where = ref.includes("@") ? sql`u."email" = ${ref.toLowerCase()}` : sql`u."id" = ${ref}`;
  const [found] = await tx.lookup<PersonWithDelegate>(sql`SELECT ${PERSON_COLUMNS} FROM "User" u WHERE ${where} LIMIT 1`);
  return found ?? null;
}

/** A group that takes work: an archived group is "no group" to routing (issue #20). */
export async function findGroup(tx: Tx, key: string): Promise<{ id: string; key: string; name: string } | null> {
  const [found] = await tx.lookup<{ id: string; key: string; name: string }>(sql`SELECT "id", "key", "name" FROM "Group" WHERE "key" = ${key} AND "archivedAt" IS NULL`);
  return found ?? null;
}

export function groupMembers(tx: Tx, groupId: string): Promise<Person[]> {
  return tx.query<Person>(sql`SELECT ${PERSON_COLUMNS} FROM "GroupMembership" m JOIN "User" u ON u."id" = m."userId" WHERE m."groupId" = ${groupId} AND u."kind" = 'PERSON'`);
}

/**
 * Takes the group's routing turn: creates its cursor row if needed and locks it until the
 * transaction ends, so concurrent routings in one group run one after another.
 */
export async function lockRoutingCursor(tx: Tx, groupId: string): Promise<{ lastUserId: string | null }> {
  await tx.query(sql`INSERT INTO "RoutingCursor" ("groupId", "turns", "updatedAt") VALUES (${groupId}, 0, ${NOW}) ON CONFLICT ("groupId") DO NOTHING`);
  const [cursor] = await tx.query<{ lastUserId: string | null }>(sql`SELECT "lastUserId" FROM "RoutingCursor" WHERE "groupId" = ${groupId} FOR UPDATE`);
  return { lastUserId: cursor?.lastUserId ?? null };
}

export async function advanceRoutingCursor(tx: Tx, groupId: string, userId: string): Promise<void> {
  await tx.query(sql`UPDATE "RoutingCursor" SET "lastUserId" = ${userId}, "turns" = "turns" + 1, "updatedAt" = ${NOW} WHERE "groupId" = ${groupId}`);
}

/** Open work (OPEN or INFO_REQUESTED) assigned to each person, counted by priority. */
export async function openWorkByPriority(tx: Tx, userIds: string[]) {
  const out = new Map<string, Record<string, number>>();
  if (userIds.length === 0) return out;
  const counted = await tx.query<{ assigneeId: string; priority: string; n: number }>(
    sql`SELECT "assigneeId", "priority"::text AS "priority", count(*)::int AS "n" FROM "Task"
      WHERE "assigneeId" = ANY(${userIds}::text[]) AND "status" IN ('OPEN', 'INFO_REQUESTED') GROUP BY 1, 2`,
  );
  for (const r of counted) {
    const m = out.get(r.assigneeId) ?? {};
    m[r.priority] = r.n;
    out.set(r.assigneeId, m);
  }
  return out;
}
