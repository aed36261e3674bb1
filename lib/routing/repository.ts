import { Prisma } from "../db";
import { rows, tsValue, type AnyTx } from "../sql-tx";
import type { Person } from "./select";

// Plain SQL (`rows`): routing runs in the creating transaction, a Prisma interactive one
// (POST /tasks) or a worker's PgTx (a process's human step, ADR 016).

const PERSON_COLUMNS = Prisma.sql`u."id", u."name", u."active", u."skills", u."outOfOfficeFrom", u."outOfOfficeUntil", u."delegateId"`;

export type PersonWithDelegate = Person & { delegateId: string | null };

export async function findPerson(tx: AnyTx, ref: string): Promise<PersonWithDelegate | null> {
  const where = ref.includes("@") ? Prisma.sql`u."email" = ${ref.toLowerCase()}` : Prisma.sql`u."id" = ${ref}`;
  const [found] = await rows<PersonWithDelegate>(tx, Prisma.sql`SELECT ${PERSON_COLUMNS} FROM "User" u WHERE ${where} LIMIT 1`);
  return found ?? null;
}

export async function findGroup(tx: AnyTx, key: string): Promise<{ id: string; key: string; name: string } | null> {
  const [found] = await rows<{ id: string; key: string; name: string }>(tx, Prisma.sql`SELECT "id", "key", "name" FROM "Group" WHERE "key" = ${key}`);
  return found ?? null;
}

export function groupMembers(tx: AnyTx, groupId: string): Promise<Person[]> {
  return rows<Person>(tx, Prisma.sql`SELECT ${PERSON_COLUMNS} FROM "GroupMembership" m JOIN "User" u ON u."id" = m."userId" WHERE m."groupId" = ${groupId}`);
}

/**
 * Takes the group's routing turn: creates its cursor row if needed and locks it until the
 * transaction ends, so concurrent routings in one group run one after another.
 */
export async function lockRoutingCursor(tx: AnyTx, groupId: string): Promise<{ lastUserId: string | null }> {
  await rows(tx, Prisma.sql`INSERT INTO "RoutingCursor" ("groupId", "turns", "updatedAt") VALUES (${groupId}, 0, now()) ON CONFLICT ("groupId") DO NOTHING`);
  const [cursor] = await rows<{ lastUserId: string | null }>(tx, Prisma.sql`SELECT "lastUserId" FROM "RoutingCursor" WHERE "groupId" = ${groupId} FOR UPDATE`);
  return { lastUserId: cursor?.lastUserId ?? null };
}

export async function advanceRoutingCursor(tx: AnyTx, groupId: string, userId: string): Promise<void> {
  await rows(tx, Prisma.sql`UPDATE "RoutingCursor" SET "lastUserId" = ${userId}, "turns" = "turns" + 1, "updatedAt" = ${tsValue(new Date())} WHERE "groupId" = ${groupId}`);
}

/** Open work (OPEN or INFO_REQUESTED) assigned to each person, counted by priority. */
export async function openWorkByPriority(tx: AnyTx, userIds: string[]) {
  const out = new Map<string, Record<string, number>>();
  if (userIds.length === 0) return out;
  const counted = await rows<{ assigneeId: string; priority: string; n: number }>(
    tx,
    Prisma.sql`SELECT "assigneeId", "priority"::text AS "priority", count(*)::int AS "n" FROM "Task"
      WHERE "assigneeId" = ANY(${userIds}::text[]) AND "status" IN ('OPEN', 'INFO_REQUESTED') GROUP BY 1, 2`,
  );
  for (const r of counted) {
    const m = out.get(r.assigneeId) ?? {};
    m[r.priority] = r.n;
    out.set(r.assigneeId, m);
  }
  return out;
}
