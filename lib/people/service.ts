import { NOW, sql, transaction, type Tx } from "../db";
import { AppError, parse } from "../errors";
import { principalId, requirePermission, type Actor } from "../identity/actor";
import { decodeCursor, encodeCursor, findActivePerson, findUserDto, listUserRows, managerChain } from "./repository";
import { userListQuerySchema, userPatchSchema, type UserDto, type UserList } from "./schemas";

// The directory and its administration. Everyone who works with tasks may look people up (the
// active ones); changing anyone, or seeing who has left, is users:manage. Every change is one
// transaction with its `user.updated` entry (before/after of exactly what changed).

export async function listUsers(actor: Actor, rawQuery: unknown): Promise<UserList> {
  requirePermission(actor, "users:read");
  const q = parse(userListQuerySchema, rawQuery ?? {}, "Query");
  if (q.status !== "active") requirePermission(actor, "users:manage");
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  if (q.cursor && !after) throw new AppError("VALIDATION_FAILED", "The cursor is not one this list gave.", { fieldErrors: [{ path: "cursor", message: "invalid cursor" }] });
  const rows = await listUserRows(q, after);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { data: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}

export async function getUser(actor: Actor, id: string): Promise<UserDto> {
  requirePermission(actor, "users:read");
  const user = await findUserDto(id);
  if (!user || (!user.active && !actor.permissions.has("users:manage"))) throw new AppError("NOT_FOUND", "No such person.");
  return user;
}

export async function resolveManager(tx: Tx, personId: string, ref: string): Promise<{ id: string; name: string }> {
  const m = await findActivePerson(tx, ref, "managerId");
  if (m.id === personId) throw new AppError("VALIDATION_FAILED", "Nobody can be their own manager.", { fieldErrors: [{ path: "managerId", message: "choose someone else" }] });
  // No cycles: the new manager must not report (directly or not) to this person.
  const above = await managerChain(tx, m.id);
  if (above.includes(personId)) {
    throw new AppError("VALIDATION_FAILED", `${m.name} already reports to this person (directly or through others): that would make a reporting loop.`, {
      fieldErrors: [{ path: "managerId", message: "would make a reporting loop" }],
    });
  }
  return m;
}

export async function resolveGroups(tx: Tx, keys: string[]): Promise<{ id: string; key: string; name: string }[]> {
  const unique = [...new Set(keys)];
  const groups = await tx.query<{ id: string; key: string; name: string }>(sql`SELECT "id", "key", "name" FROM "Group" WHERE "key" = ANY(${unique}::text[]) ORDER BY "name"`);
  const missing = unique.filter((k) => !groups.some((g) => g.key === k));
  if (missing.length) throw new AppError("VALIDATION_FAILED", `No group with key ${missing.map((k) => `"${k}"`).join(", ")}.`, { fieldErrors: [{ path: "groups", message: "unknown group" }] });
  return groups;
}

/** Changes a person's name, role, skills, groups or manager (users:manage). */
export async function updateUser(actor: Actor, id: string, input: unknown): Promise<UserDto> {
  requirePermission(actor, "users:manage");
  const data = parse(userPatchSchema, input, "Person");
  if (data.role && data.role !== "ADMIN" && principalId(actor) === id) {
    throw new AppError("VALIDATION_FAILED", "You cannot take away your own administrator role; ask another administrator.", { fieldErrors: [{ path: "role", message: "your own role" }] });
  }
  return transaction(async (tx) => {
    const [locked] = await tx.query<{ id: string }>(sql`SELECT "id" FROM "User" WHERE "id" = ${id} AND "kind" = 'PERSON' FOR UPDATE`);
    if (!locked) throw new AppError("NOT_FOUND", "No such person.");
    const before = (await findUserDto(id, tx))!;
    const set: Record<string, unknown> = {};
    const b: Record<string, unknown> = {};
    const a: Record<string, unknown> = {};
    if (data.name !== undefined && data.name !== before.name) {
      set.name = data.name;
      b.name = before.name;
      a.name = data.name;
    }
    if (data.role !== undefined && data.role !== before.role) {
      set.role = data.role;
      b.role = before.role;
      a.role = data.role;
    }
    if (data.skills !== undefined) {
      const skills = [...new Set(data.skills)].sort();
      if (skills.join("\n") !== [...before.skills].sort().join("\n")) {
        set.skills = skills;
        b.skills = before.skills;
        a.skills = skills;
      }
    }
    if (data.managerId !== undefined) {
      const manager = data.managerId === null ? null : await resolveManager(tx, id, data.managerId);
      if ((manager?.id ?? null) !== (before.manager?.id ?? null)) {
        set.supervisorId = manager?.id ?? null;
        b.manager = before.manager;
        a.manager = manager;
      }
    }
    if (Object.keys(set).length) {
      await tx.query(sql`UPDATE "User" SET
        "name" = COALESCE(${(set.name as string | undefined) ?? null}, "name"),
        "role" = COALESCE(${(set.role as string | undefined) ?? null}::"Role", "role"),
        "skills" = COALESCE(${(set.skills as string[] | undefined) ?? null}::text[], "skills"),
        "supervisorId" = CASE WHEN ${"supervisorId" in set} THEN ${(set.supervisorId as string | null | undefined) ?? null} ELSE "supervisorId" END,
        "updatedAt" = ${NOW}
        WHERE "id" = ${id}`);
    }
    if (data.groups !== undefined) {
      const groups = await resolveGroups(tx, data.groups);
      const ids = groups.map((g) => g.id);
      const had = before.groups.map((g) => g.id);
      if (ids.slice().sort().join() !== had.slice().sort().join()) {
        await tx.query(sql`DELETE FROM "GroupMembership" WHERE "userId" = ${id} AND NOT ("groupId" = ANY(${ids}::text[]))`);
        await tx.query(sql`INSERT INTO "GroupMembership" ("userId", "groupId", "createdAt") SELECT ${id}, g, ${NOW} FROM unnest(${ids}::text[]) AS g ON CONFLICT DO NOTHING`);
        b.groups = before.groups.map((g) => g.key);
        a.groups = groups.map((g) => g.key);
      }
    }
    if (Object.keys(a).length === 0) return before;
    tx.audit(actor, { action: "user.updated", subjectType: "user", subjectId: id, before: b, after: a, reason: data.reason ?? null });
    return (await findUserDto(id, tx))!;
  });
}
