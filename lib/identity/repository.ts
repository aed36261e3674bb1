import { db, query, sql, ts, type Sql } from "../db";
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
  /** The sign-in policy requires a second factor of the person's role, they sign in with a password and have no factor (ADR 044). */
  secondFactorMissing: boolean;
}

/**
 * The user and their scope — the groups they belong to or supervise, and their team: the people
 * who report to them plus the members of the groups they supervise (the supervisor console's
 * definition of a team) — in ONE round trip: every API request starts with it.
 */
export async function loadUserWithScope(userId: string, sessionId: string | null = null): Promise<UserWithScope | null> {
  const rows = await query<
    {
      id: string;
      name: string;
      role: string;
      active: boolean;
      timeZone: string;
      sessionsValidAfter: Date | null;
      revoked: boolean;
      secondFactorMissing: boolean;
    } & ScopeColumns
  >(
    // The session checks (logout, endSessionsOf) and the sign-in policy's second-factor requirement
    // ride on this statement: no extra round trip.
    `SELECT u."id", u."name", u."role"::text AS "role", u."active", u."timeZone", u."sessionsValidAfter",
            EXISTS (SELECT 1 FROM "RevokedSession" s WHERE s."id" = $2::text) AS "revoked",
            (EXISTS (SELECT 1 FROM "SignInPolicy" p WHERE p."id" = 1 AND u."role" = ANY(p."mfaRequiredRoles"))
              AND u."passwordHash" NOT LIKE '!%'
              AND NOT EXISTS (SELECT 1 FROM "UserTotp" f WHERE f."userId" = u."id" AND f."confirmedAt" IS NOT NULL)) AS "secondFactorMissing",
            ${scopeColumns("u")}
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
    secondFactorMissing: r.secondFactorMissing,
    scope: scopeFrom(r),
  };
}

/**
 * A person's scope as columns of the query that reads them (`u`: the person's alias): their skills,
 * groups, the groups they supervise, and their team (people who report to them plus the members
 * of the groups they supervise — the supervisor console's definition of a team).
 */
function scopeColumns(u: string): string {
  return `${u}."skills",
            COALESCE((SELECT json_agg(json_build_object('id', g."id", 'key', g."key", 'name', g."name") ORDER BY g."name", g."id")
                        FROM "GroupMembership" m JOIN "Group" g ON g."id" = m."groupId" WHERE m."userId" = ${u}."id"), '[]'::json) AS "groups",
            ARRAY(SELECT g."id" FROM "Group" g WHERE g."supervisorId" = ${u}."id" ORDER BY g."id") AS "supervised",
            ARRAY(SELECT r."id" FROM "User" r WHERE r."supervisorId" = ${u}."id" AND r."id" <> ${u}."id"
                  UNION
                  SELECT m."userId" FROM "GroupMembership" m JOIN "Group" g ON g."id" = m."groupId" WHERE g."supervisorId" = ${u}."id" AND m."userId" <> ${u}."id") AS "reports"`;
}

type ScopeColumns = { skills: string[] | null; groups: { id: string; key: string; name: string }[] | null; supervised: string[] | null; reports: string[] | null };

function scopeFrom(r: ScopeColumns): UserScope {
  const groups = r.groups ?? [];
  return { skills: r.skills ?? [], groups, groupIds: groups.map((g) => g.id), supervisedGroupIds: r.supervised ?? [], reportIds: r.reports ?? [] };
}

export async function loadUserScope(userId: string): Promise<UserScope> {
  const u = await loadUserWithScope(userId);
  return u?.scope ?? { skills: [], groups: [], groupIds: [], supervisedGroupIds: [], reportIds: [] };
}

export interface TokenRow {
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
  /** The owner's scope, read with the token (a token acting on tasks needs it; one round trip). */
  ownerScope: UserScope | null;
}

const TOKEN_WITH_OWNER = `SELECT t."id", t."name", t."role"::text AS "role", t."scopes", t."expiresAt", t."revokedAt", t."rateLimitPerMinute",
            o."id" AS "ownerId", o."name" AS "ownerName", o."role"::text AS "ownerRole", o."kind"::text AS "ownerKind", o."active" AS "ownerActive",
            o."mayStartProcesses" AS "ownerProcesses", o."mayPostEvents" AS "ownerEvents", ${scopeColumns("o")}
       FROM "ApiToken" t LEFT JOIN "User" o ON o."id" = t."ownerId"`;

/** The token's row, with its owner's scope (a token acting on tasks needs it; one round trip). */
function tokenRow(r: (Omit<TokenRow, "ownerScope"> & ScopeColumns) | undefined): TokenRow | null {
  if (!r) return null;
  const { skills, groups, supervised, reports, ...token } = r;
  return { ...token, ownerScope: token.ownerId ? scopeFrom({ skills, groups, supervised, reports }) : null };
}

/** The token a request presents (every machine call starts here, so one prepared statement). */
export async function findTokenByHash(tokenHash: string): Promise<TokenRow | null> {
  return tokenRow((await query<Omit<TokenRow, "ownerScope"> & ScopeColumns>(`${TOKEN_WITH_OWNER} WHERE t."tokenHash" = $1`, [tokenHash]))[0]);
}


/** A token and its owner as one JSON value (dates as ISO text): read inside another statement. */
export type TokenJson = Omit<TokenRow, "ownerScope" | "expiresAt" | "revokedAt"> & { expiresAt: string | null; revokedAt: string | null };

/**
 * A scalar subquery: the token `id` names, with its owner as they are now, as JSON (TokenJson) — so
 * a statement that reads another row (an event's receipt) reads its producer too, with no round
 * trip of its own.
 */
export function tokenJsonSql(id: Sql): Sql {
  return sql`(SELECT json_build_object('id', t."id", 'name', t."name", 'role', t."role", 'scopes', t."scopes", 'expiresAt', t."expiresAt", 'revokedAt', t."revokedAt",
                 'rateLimitPerMinute', t."rateLimitPerMinute", 'ownerId', o."id", 'ownerName', o."name", 'ownerRole', o."role", 'ownerKind', o."kind",
                 'ownerActive', o."active", 'ownerProcesses', o."mayStartProcesses", 'ownerEvents', o."mayPostEvents")
                FROM "ApiToken" t LEFT JOIN "User" o ON o."id" = t."ownerId" WHERE t."id" = ${id})`;
}

export function tokenRowFromJson(j: TokenJson): TokenRow {
  // The columns are timestamp(3) in UTC without a zone: JSON renders them without one.
  const date = (v: string | null) => (v === null ? null : new Date(`${v}Z`));
  return { ...j, expiresAt: date(j.expiresAt), revokedAt: date(j.revokedAt), ownerScope: null };
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
