import type { Tx } from "../db";
import type { Person } from "./select";

const personSelect = {
  id: true,
  name: true,
  active: true,
  skills: true,
  outOfOfficeFrom: true,
  outOfOfficeUntil: true,
  delegateId: true,
} as const;

export type PersonWithDelegate = Person & { delegateId: string | null };

export function findPerson(tx: Tx, ref: string): Promise<PersonWithDelegate | null> {
  return tx.user.findFirst({ where: ref.includes("@") ? { email: ref.toLowerCase() } : { id: ref }, select: personSelect });
}

export function findGroup(tx: Tx, key: string) {
  return tx.group.findUnique({ where: { key }, select: { id: true, key: true, name: true } });
}

export async function groupMembers(tx: Tx, groupId: string): Promise<Person[]> {
  const rows = await tx.groupMembership.findMany({ where: { groupId }, select: { user: { select: personSelect } } });
  return rows.map((r) => r.user);
}

/**
 * Takes the group's routing turn: creates its cursor row if needed and locks it until the
 * transaction ends, so concurrent routings in one group run one after another.
 */
export async function lockRoutingCursor(tx: Tx, groupId: string): Promise<{ lastUserId: string | null }> {
  await tx.$executeRaw`INSERT INTO "RoutingCursor" ("groupId", "turns", "updatedAt") VALUES (${groupId}, 0, now()) ON CONFLICT ("groupId") DO NOTHING`;
  const rows = await tx.$queryRaw<{ lastUserId: string | null }[]>`SELECT "lastUserId" FROM "RoutingCursor" WHERE "groupId" = ${groupId} FOR UPDATE`;
  return { lastUserId: rows[0]?.lastUserId ?? null };
}

export async function advanceRoutingCursor(tx: Tx, groupId: string, userId: string): Promise<void> {
  await tx.routingCursor.update({ where: { groupId }, data: { lastUserId: userId, turns: { increment: 1 } } });
}

/** Open work (OPEN or INFO_REQUESTED) assigned to each person, counted by priority. */
export async function openWorkByPriority(tx: Tx, userIds: string[]) {
  if (userIds.length === 0) return new Map<string, Record<string, number>>();
  const rows = await tx.task.groupBy({
    by: ["assigneeId", "priority"],
    where: { assigneeId: { in: userIds }, status: { in: ["OPEN", "INFO_REQUESTED"] } },
    _count: { _all: true },
  });
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    if (!r.assigneeId) continue;
    const m = out.get(r.assigneeId) ?? {};
    m[r.priority] = r._count._all;
    out.set(r.assigneeId, m);
  }
  return out;
}
