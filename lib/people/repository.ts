import { join, query, sql, type Sql, type Tx } from "../db";
import { AppError } from "../errors";
import type { RoleName } from "../identity/permissions";
import type { UserDto, UserListQuery } from "./schemas";

// The only code of lib/people that knows the tables. A person's groups and manager come with them
// in one statement, for one person and for a page of the directory alike.

interface UserRow {
  id: string;
  name: string;
  email: string;
  role: RoleName;
  active: boolean;
  skills: string[];
  groups: { id: string; key: string; name: string }[];
  managerId: string | null;
  managerName: string | null;
  createdAt: Date;
  lastLoginAt: Date | null;
  invitation: { acceptedAt: string | null; revokedAt: string | null; expiresAt: string } | null;
}

const USER_COLUMNS = sql`u."id", u."name", u."email", u."role"::text AS "role", u."active", u."skills", u."createdAt", u."lastLoginAt",
  m."id" AS "managerId", m."name" AS "managerName",
  COALESCE((SELECT json_agg(json_build_object('id', g."id", 'key', g."key", 'name', g."name") ORDER BY g."name", g."id")
              FROM "GroupMembership" gm JOIN "Group" g ON g."id" = gm."groupId" WHERE gm."userId" = u."id"), '[]'::json) AS "groups",
  (SELECT json_build_object('acceptedAt', i."acceptedAt", 'revokedAt', i."revokedAt", 'expiresAt', i."expiresAt")
     FROM "Invitation" i WHERE i."userId" = u."id" ORDER BY i."createdAt" DESC LIMIT 1) AS "invitation"`;

/** Invited and not yet in: the latest invitation's state (null once they accepted or signed in). */
function invitationState(r: UserRow): UserDto["invitation"] {
  const i = r.invitation;
  if (!i || i.acceptedAt || r.lastLoginAt) return null;
  const expiresAt = new Date(`${i.expiresAt}Z`.replace(/Z+$/, "Z"));
  const status = i.revokedAt ? "revoked" : expiresAt.getTime() <= Date.now() ? "expired" : "pending";
  return { status, expiresAt: expiresAt.toISOString() };
}

export function toUserDto(r: UserRow): UserDto {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    active: r.active,
    skills: r.skills ?? [],
    groups: r.groups,
    manager: r.managerId ? { id: r.managerId, name: r.managerName ?? "" } : null,
    createdAt: r.createdAt.toISOString(),
    lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
    invitation: invitationState(r),
  };
}

type Reader = { query: Tx["query"] } | null;

/** One person (people only, never a service account), or null. */
export async function findUserDto(id: string, tx: Reader = null): Promise<UserDto | null> {
  const q = sql`SELECT ${USER_COLUMNS} FROM "User" u LEFT JOIN "User" m ON m."id" = u."supervisorId" WHERE u."id" = ${id} AND u."kind" = 'PERSON'`;
  const rows = tx ? await tx.query<UserRow>(q) : await query<UserRow>(q);
  return rows[0] ? toUserDto(rows[0]) : null;
}

/** The cursor of a page: the last row's (name, id), the order of the (name, id) index. */
export function encodeCursor(r: { name: string; id: string }): string {
  return Buffer.from(JSON.stringify([r.name, r.id])).toString("base64url");
}

export function decodeCursor(cursor: string): { name: string; id: string } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") return { name: v[0], id: v[1] };
  } catch {
    // not one of ours
  }
  return null;
}

/** A page of people in (name, id) order: keyset pagination, so page 200 costs what page 1 does. */
export async function listUserRows(q: UserListQuery, after: { name: string; id: string } | null): Promise<UserDto[]> {
  const rows = await query<UserRow>(userListSql(q, after));
  return rows.map(toUserDto);
}

/** The statement of one directory page (exported for the plan test, tests/org-scale.int.test.ts). */
export function userListSql(q: UserListQuery, after: { name: string; id: string } | null): Sql {
  const where: Sql[] = [sql`u."kind" = 'PERSON'`];
  if (q.status === "active") where.push(sql`u."active"`);
  if (q.status === "inactive") where.push(sql`NOT u."active"`);
  if (q.role) where.push(sql`u."role" = ${q.role}::"Role"`);
  if (q.skill) where.push(sql`${q.skill} = ANY(u."skills")`);
  if (q.group) where.push(sql`EXISTS (SELECT 1 FROM "GroupMembership" gm JOIN "Group" g ON g."id" = gm."groupId" WHERE gm."userId" = u."id" AND g."key" = ${q.group})`);
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(u."name" ILIKE ${like} OR u."email" ILIKE ${like})`);
  }
  if (after) where.push(sql`(u."name", u."id") > (${after.name}, ${after.id})`);
  return sql`SELECT ${USER_COLUMNS} FROM "User" u LEFT JOIN "User" m ON m."id" = u."supervisorId"
         WHERE ${join(where, " AND ")} ORDER BY u."name", u."id" LIMIT ${q.limit + 1}`;
}

/** The chain of managers above a person, nearest first (stops at a repeat or after 50 steps). */
export async function managerChain(tx: { query: Tx["query"] }, personId: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(sql`
    WITH RECURSIVE up(id, depth) AS (
      SELECT "supervisorId", 1 FROM "User" WHERE "id" = ${personId} AND "supervisorId" IS NOT NULL
      UNION
      SELECT u."supervisorId", up.depth + 1 FROM "User" u JOIN up ON u."id" = up.id WHERE u."supervisorId" IS NOT NULL AND up.depth < 50
    ) SELECT id FROM up ORDER BY depth`);
  return rows.map((r) => r.id);
}


/** An active person (not a service account) by id or e-mail, or a 422 naming `field`. */
export async function findActivePerson(tx: { query: Tx["query"] }, ref: string, field: string): Promise<{ id: string; name: string }> {
  const where = ref.includes("@") ? sql`"email" = ${ref.toLowerCase()}` : sql`"id" = ${ref}`;
  const [p] = await tx.query<{ id: string; name: string }>(sql`SELECT "id", "name" FROM "User" WHERE ${where} AND "active" AND "kind" = 'PERSON'`);
  if (!p) throw new AppError("VALIDATION_FAILED", `No active person "${ref}".`, { fieldErrors: [{ path: field, message: "unknown or inactive person" }] });
  return p;
}
