import { db } from "../db";

export function findUserByEmail(email: string) {
  return db().user.findUnique({ where: { email } });
}

export function findUserById(id: string) {
  return db().user.findUnique({ where: { id } });
}

/**
 * The groups a user belongs to or supervises, and their team: the people who report to them plus
 * the members of the groups they supervise (the supervisor console's definition of a team).
 */
export async function loadUserScope(userId: string) {
  const [memberships, supervised, reports, me] = await Promise.all([
    db().groupMembership.findMany({ where: { userId }, select: { group: { select: { id: true, key: true, name: true } } } }),
    db().group.findMany({ where: { supervisorId: userId }, select: { id: true, members: { select: { userId: true } } } }),
    db().user.findMany({ where: { supervisorId: userId }, select: { id: true } }),
    db().user.findUnique({ where: { id: userId }, select: { skills: true } }),
  ]);
  return {
    /** The user's skills (tasks with required skills are only theirs to take if they have them all). */
    skills: me?.skills ?? [],
    groups: memberships.map((m) => m.group),
    groupIds: memberships.map((m) => m.group.id),
    supervisedGroupIds: supervised.map((g) => g.id),
    reportIds: [...new Set([...reports.map((r) => r.id), ...supervised.flatMap((g) => g.members.map((m) => m.userId))])].filter((id) => id !== userId),
  };
}
export type UserScope = Awaited<ReturnType<typeof loadUserScope>>;

export function findTokenByHash(tokenHash: string) {
  return db().apiToken.findUnique({ where: { tokenHash } });
}

export function touchToken(id: string) {
  return db().apiToken.update({ where: { id }, data: { lastUsedAt: new Date() } });
}
