import { db, query, sql, ts } from "../db";
import type { RoleName } from "./permissions";

export function findUserByEmail(email: string) {
  return db().user.findUnique({ where: { email } });
}

export function findUserById(id: string) {
  return db().user.findUnique({ where: { id } });
}

export interface UserScope {
  /** The user's skills (tasks with required skills are only theirs to take if they have them all). */
  skills: string[];
  groups: { id: string; key: string; name: string }[];
  groupIds: string[];
  supervisedGroupIds: string[];
  reportIds: string[];
}

/** A signed-in person as the API needs them: who they are and their scope, from one query. */
interface UserWithScope {
  id: string;
  name: string;
  role: string;
  active: boolean;
  timeZone: string;
  scope: UserScope;
  /** Sessions signed in before this are over (endSessionsOf). */
  sessionsValidAfter: Date | null;
  /** Whether the session named in the call was signed out. */
  sessionRevoked: boolean;
}

/**
 * The user and their scope — the groups they belong to or supervise, and their team: the people
 * who report to them plus the members of the groups they supervise (the supervisor console's
 * definition of a team) — in ONE round trip: every API request starts with it.
 */
export async function loadUserWithScope(userId: string, sessionId: string | null = null): Promise<UserWithScope | null> {
  const rows = await query<{
    id: string;
    name: string;
    role: string;
    active: boolean;
    timeZone: string;
    skills: string[];
    groups: { id: string; key: string; name: string }[];
    supervised: string[];
    reports: string[];
    sessionsValidAfter: Date | null;
    revoked: boolean;
  }>(
    // The session checks (logout, endSessionsOf) ride on this statement: no extra round trip.
    `SELECT u."id", u."name", u."role"::text AS "role", u."active", u."timeZone", u."skills", u."sessionsValidAfter",
            EXISTS (SELECT 1 FROM "RevokedSession" s WHERE s."id" = $2::text) AS "revoked",
            COALESCE((SELECT json_agg(json_build_object('id', g."id", 'key', g."key", 'name', g."name") ORDER BY g."name", g."id")
                        FROM "GroupMembership" m JOIN "Group" g ON g."id" = m."groupId" WHERE m."userId" = u."id"), '[]'::json) AS "groups",
            ARRAY(SELECT g."id" FROM "Group" g WHERE g."supervisorId" = u."id" ORDER BY g."id") AS "supervised",
            ARRAY(SELECT r."id" FROM "User" r WHERE r."supervisorId" = u."id" AND r."id" <> u."id"
                  UNION
                  SELECT m."userId" FROM "GroupMembership" m JOIN "Group" g ON g."id" = m."groupId" WHERE g."supervisorId" = u."id" AND m."userId" <> u."id") AS "reports"
       FROM "User" u WHERE u."id" = $1`,
    [userId, sessionId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    active: r.active,
    timeZone: r.timeZone,
    sessionsValidAfter: r.sessionsValidAfter,
    sessionRevoked: r.revoked,
    scope: { skills: r.skills ?? [], groups: r.groups, groupIds: r.groups.map((g) => g.id), supervisedGroupIds: r.supervised ?? [], reportIds: r.reports ?? [] },
  };
}

export async function loadUserScope(userId: string): Promise<UserScope> {
  const u = await loadUserWithScope(userId);
  return u?.scope ?? { skills: [], groups: [], groupIds: [], supervisedGroupIds: [], reportIds: [] };
}

interface TokenRow {
  id: string;
  name: string;
  role: RoleName;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  rateLimitPerMinute: number | null;
  /** The person or service account the token acts for (null: an ownerless legacy token, refused). */
  ownerId: string | null;
  ownerName: string | null;
  ownerRole: RoleName | null;
  ownerKind: "PERSON" | "SERVICE" | null;
  ownerActive: boolean | null;
  ownerProcesses: string[] | null;
  ownerEvents: string[] | null;
}

const TOKEN_WITH_OWNER = `SELECT t."id", t."name", t."role"::text AS "role", t."scopes", t."expiresAt", t."revokedAt", t."rateLimitPerMinute",
            o."id" AS "ownerId", o."name" AS "ownerName", o."role"::text AS "ownerRole", o."kind"::text AS "ownerKind", o."active" AS "ownerActive",
            o."mayStartProcesses" AS "ownerProcesses", o."mayPostEvents" AS "ownerEvents"
       FROM "ApiToken" t LEFT JOIN "User" o ON o."id" = t."ownerId"`;

/** The token a request presents (every machine call starts here, so one prepared statement). */
export async function findTokenByHash(tokenHash: string): Promise<TokenRow | null> {
  const rows = await query<TokenRow>(`${TOKEN_WITH_OWNER} WHERE t."tokenHash" = $1`, [tokenHash]);
  return rows[0] ?? null;
}

/** A token by id with its owner as they are now (the worker re-checks an event's producer). */
export async function findTokenById(id: string): Promise<TokenRow | null> {
  const rows = await query<TokenRow>(`${TOKEN_WITH_OWNER} WHERE t."id" = $1`, [id]);
  return rows[0] ?? null;
}

// "Last used" is shown to the minute; writing it on every call would make every request of a
// busy token (an event source posting hundreds a second) queue on the same row lock.
const TOUCH_EVERY_MS = 60_000;
const touched = new Map<string, number>();

/** Records that a token was used: at most once a minute per token and process, and only if the stored time is older. */
export async function touchToken(id: string): Promise<void> {
  const now = Date.now();
  if ((touched.get(id) ?? 0) > now - TOUCH_EVERY_MS) return;
  if (touched.size > 10_000) touched.clear();
  touched.set(id, now);
  await query(sql`UPDATE "ApiToken" SET "lastUsedAt" = ${ts(new Date(now))}
    WHERE "id" = ${id} AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ${ts(new Date(now - TOUCH_EVERY_MS))})`);
}
