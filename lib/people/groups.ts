import { NOW, join, query, sql, transaction, type Sql, type Tx } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { decodeCursor, encodeCursor, findActivePerson } from "./repository";
import {
  groupArchiveSchema,
  groupCreateSchema,
  groupListQuerySchema,
  groupMembersAddSchema,
  groupMembersQuerySchema,
  groupPatchSchema,
  type GroupDetail,
  type GroupMembersPage,
  type GroupPage,
} from "./schemas";

// Groups (teams and queues) as administrators manage them (issue #20): create, rename, describe,
// supervisor, the skills the team offers, members, archive and restore. Every change is one
// transaction with its `group.*` entry (before/after of exactly what changed). The group's
// business calendar is lib/sla's (PUT /api/v1/groups/{key}/calendar). Lists page along a
// (name, id) keyset cursor, so a long list costs the same on every page.

interface GroupRow {
  id: string;
  key: string;
  name: string;
  description: string | null;
  skills: string[] | null;
  archivedAt: Date | null;
  externalId: string | null;
  createdAt: Date;
  supervisorId: string | null;
  supervisorName: string | null;
  memberCount: number;
}

const GROUP_COLUMNS = sql`g."id", g."key", g."name", g."description", g."skills", g."archivedAt", g."externalId", g."createdAt",
  s."id" AS "supervisorId", s."name" AS "supervisorName",
  (SELECT count(*)::int FROM "GroupMembership" m WHERE m."groupId" = g."id") AS "memberCount"`;

function toGroupDetail(r: GroupRow): GroupDetail {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    skills: r.skills ?? [],
    archivedAt: r.archivedAt?.toISOString() ?? null,
    externalId: r.externalId,
    createdAt: r.createdAt.toISOString(),
    supervisor: r.supervisorId ? { id: r.supervisorId, name: r.supervisorName ?? "" } : null,
    memberCount: r.memberCount,
  };
}

const likeOf = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Groups in (name, id) order, searchable by name or key; archived ones on request. */
export async function listGroups(actor: Actor, rawQuery: unknown = {}): Promise<GroupPage> {
  requirePermission(actor, "users:read");
  const q = parse(groupListQuerySchema, rawQuery ?? {}, "Query");
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  if (q.cursor && !after) throw new AppError("VALIDATION_FAILED", "The cursor is not one this list gave.", { fieldErrors: [{ path: "cursor", message: "invalid cursor" }] });
  const where: Sql[] = [sql`TRUE`];
  if (q.status === "active") where.push(sql`g."archivedAt" IS NULL`);
  if (q.status === "archived") where.push(sql`g."archivedAt" IS NOT NULL`);
  if (q.q) where.push(sql`(g."name" ILIKE ${likeOf(q.q)} OR g."key" ILIKE ${likeOf(q.q)})`);
  if (after) where.push(sql`(g."name", g."id") > (${after.name}, ${after.id})`);
  const rows = await query<GroupRow>(sql`SELECT ${GROUP_COLUMNS} FROM "Group" g LEFT JOIN "User" s ON s."id" = g."supervisorId"
    WHERE ${join(where, " AND ")} ORDER BY g."name", g."id" LIMIT ${q.limit + 1}`);
  const page = rows.slice(0, q.limit).map(toGroupDetail);
  const last = page[page.length - 1];
  return { data: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}

async function findGroupDetail(reader: { query: Tx["query"] } | null, key: string): Promise<GroupDetail | null> {
  const q = sql`SELECT ${GROUP_COLUMNS} FROM "Group" g LEFT JOIN "User" s ON s."id" = g."supervisorId" WHERE g."key" = ${key}`;
  const rows = reader ? await reader.query<GroupRow>(q) : await query<GroupRow>(q);
  return rows[0] ? toGroupDetail(rows[0]) : null;
}

export async function getGroup(actor: Actor, key: string): Promise<GroupDetail> {
  requirePermission(actor, "users:read");
  const g = await findGroupDetail(null, key);
  if (!g) throw new AppError("NOT_FOUND", "No such group.");
  return g;
}

async function lockGroup(tx: Tx, key: string): Promise<GroupDetail> {
  const [locked] = await tx.query<{ id: string }>(sql`SELECT "id" FROM "Group" WHERE "key" = ${key} FOR UPDATE`);
  if (!locked) throw new AppError("NOT_FOUND", "No such group.");
  return (await findGroupDetail(tx, key))!;
}

const sortedSkills = (skills: string[]) => [...new Set(skills)].sort();

/** Creates a group (users:manage). Audited group.created. */
export async function createGroup(actor: Actor, raw: unknown): Promise<GroupDetail> {
  requirePermission(actor, "users:manage");
  const input = parse(groupCreateSchema, raw, "Group");
  return transaction(async (tx) => {
    const [taken] = await tx.query<{ id: string }>(sql`SELECT "id" FROM "Group" WHERE "key" = ${input.key}`);
    if (taken) throw new AppError("CONFLICT", `A group with key "${input.key}" exists already (archived groups keep their key).`, { fieldErrors: [{ path: "key", message: "already taken" }] });
    const supervisor = input.supervisorId ? await findActivePerson(tx, input.supervisorId, "supervisorId") : null;
    const now = new Date();
    const skills = sortedSkills(input.skills);
    const row = await tx.insert("Group", { key: input.key, name: input.name, description: input.description ?? null, supervisorId: supervisor?.id ?? null, skills, createdAt: now, updatedAt: now });
    tx.audit(actor, { action: "group.created", subjectType: "group", subjectId: row.id, after: { key: input.key, name: input.name, description: input.description ?? null, supervisor, skills } });
    return (await findGroupDetail(tx, input.key))!;
  });
}

/** Renames, describes, sets the supervisor or the skills (users:manage). Audited group.updated with before/after. */
export async function updateGroup(actor: Actor, key: string, raw: unknown): Promise<GroupDetail> {
  requirePermission(actor, "users:manage");
  const data = parse(groupPatchSchema, raw, "Group");
  return transaction(async (tx) => {
    const before = await lockGroup(tx, key);
    if (before.archivedAt) throw new AppError("CONFLICT", `Group "${key}" is archived: restore it first.`);
    const b: Record<string, unknown> = {};
    const a: Record<string, unknown> = {};
    const set: Record<string, unknown> = {};
    if (data.name !== undefined && data.name !== before.name) [b.name, a.name, set.name] = [before.name, data.name, data.name];
    if (data.description !== undefined && (data.description || null) !== before.description) {
      [b.description, a.description, set.description] = [before.description, data.description || null, data.description || null];
    }
    if (data.skills !== undefined) {
      const skills = sortedSkills(data.skills);
      if (skills.join("\n") !== before.skills.join("\n")) [b.skills, a.skills, set.skills] = [before.skills, skills, skills];
    }
    if (data.supervisorId !== undefined) {
      const s = data.supervisorId === null ? null : await findActivePerson(tx, data.supervisorId, "supervisorId");
      if ((s?.id ?? null) !== (before.supervisor?.id ?? null)) [b.supervisor, a.supervisor, set.supervisorId] = [before.supervisor, s, s?.id ?? null];
    }
    if (!Object.keys(set).length) return before;
    await tx.update("Group", set, sql`"id" = ${before.id}`, { expect: 1 });
    tx.audit(actor, { action: "group.updated", subjectType: "group", subjectId: before.id, before: b, after: a, reason: data.reason ?? null });
    return (await findGroupDetail(tx, key))!;
  });
}

/** Archives a group (users:manage): refused while open tasks wait in it; its members stay, it takes no new work. */
export async function archiveGroup(actor: Actor, key: string, raw: unknown = {}): Promise<GroupDetail> {
  requirePermission(actor, "users:manage");
  const { reason } = parse(groupArchiveSchema, raw ?? {}, "Archive");
  return transaction(async (tx) => {
    const g = await lockGroup(tx, key);
    if (g.archivedAt) throw new AppError("CONFLICT", `Group "${key}" is archived already.`);
    const [open] = await tx.query<{ n: number }>(sql`SELECT count(*)::int AS "n" FROM "Task" WHERE "candidateGroupId" = ${g.id} AND "status" IN ('OPEN', 'INFO_REQUESTED')`);
    if (open!.n > 0) throw new AppError("CONFLICT", `${open!.n} open task(s) wait in "${g.name}": move or finish them before archiving it.`);
    await tx.update("Group", { archivedAt: new Date() }, sql`"id" = ${g.id} AND "archivedAt" IS NULL`, { expect: 1 });
    tx.audit(actor, { action: "group.archived", subjectType: "group", subjectId: g.id, before: { archived: false }, after: { archived: true }, reason: reason ?? null });
    return (await findGroupDetail(tx, key))!;
  });
}

/** Restores an archived group (users:manage). Audited group.restored. */
export async function restoreGroup(actor: Actor, key: string): Promise<GroupDetail> {
  requirePermission(actor, "users:manage");
  return transaction(async (tx) => {
    const g = await lockGroup(tx, key);
    if (!g.archivedAt) throw new AppError("CONFLICT", `Group "${key}" is not archived.`);
    await tx.update("Group", { archivedAt: null }, sql`"id" = ${g.id}`, { expect: 1 });
    tx.audit(actor, { action: "group.restored", subjectType: "group", subjectId: g.id, before: { archived: true }, after: { archived: false } });
    return (await findGroupDetail(tx, key))!;
  });
}

/** A page of a group's members in (name, id) order, searchable. */
export async function listGroupMembers(actor: Actor, key: string, rawQuery: unknown = {}): Promise<GroupMembersPage> {
  requirePermission(actor, "users:read");
  const q = parse(groupMembersQuerySchema, rawQuery ?? {}, "Query");
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  if (q.cursor && !after) throw new AppError("VALIDATION_FAILED", "The cursor is not one this list gave.", { fieldErrors: [{ path: "cursor", message: "invalid cursor" }] });
  const [g] = await query<{ id: string }>(sql`SELECT "id" FROM "Group" WHERE "key" = ${key}`);
  if (!g) throw new AppError("NOT_FOUND", "No such group.");
  const where: Sql[] = [sql`m."groupId" = ${g.id}`, sql`u."kind" = 'PERSON'`];
  if (!actor.permissions.has("users:manage")) where.push(sql`u."active"`);
  if (q.q) where.push(sql`(u."name" ILIKE ${likeOf(q.q)} OR u."email" ILIKE ${likeOf(q.q)})`);
  if (after) where.push(sql`(u."name", u."id") > (${after.name}, ${after.id})`);
  const rows = await query<{ id: string; name: string; email: string; role: GroupMembersPage["data"][number]["role"]; active: boolean; skills: string[] }>(sql`
    SELECT u."id", u."name", u."email", u."role"::text AS "role", u."active", u."skills"
      FROM "GroupMembership" m JOIN "User" u ON u."id" = m."userId"
     WHERE ${join(where, " AND ")} ORDER BY u."name", u."id" LIMIT ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { data: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}

/** Adds people (by id or e-mail) to a group (users:manage). Audited group.members_added (only those new to it). */
export async function addGroupMembers(actor: Actor, key: string, raw: unknown): Promise<GroupDetail> {
  requirePermission(actor, "users:manage");
  const { people } = parse(groupMembersAddSchema, raw, "Members");
  return transaction(async (tx) => {
    const g = await lockGroup(tx, key);
    if (g.archivedAt) throw new AppError("CONFLICT", `Group "${key}" is archived: restore it first.`);
    const found: { id: string; name: string }[] = [];
    for (const ref of new Set(people)) found.push(await findActivePerson(tx, ref, "people"));
    const added = await tx.query<{ userId: string }>(sql`
      INSERT INTO "GroupMembership" ("userId", "groupId", "createdAt") SELECT p, ${g.id}, ${NOW} FROM unnest(${found.map((p) => p.id)}::text[]) AS p
      ON CONFLICT DO NOTHING RETURNING "userId"`);
    if (!added.length) return g;
    await tx.update("Group", { updatedAt: new Date() }, sql`"id" = ${g.id}`);
    const who = found.filter((p) => added.some((a) => a.userId === p.id));
    tx.audit(actor, { action: "group.members_added", subjectType: "group", subjectId: g.id, before: { memberCount: g.memberCount }, after: { memberCount: g.memberCount + who.length, added: who } });
    return (await findGroupDetail(tx, key))!;
  });
}

/** Removes one person from a group (users:manage). Audited group.member_removed. Work they hold stays with them. */
export async function removeGroupMember(actor: Actor, key: string, userId: string): Promise<GroupDetail> {
  requirePermission(actor, "users:manage");
  return transaction(async (tx) => {
    const g = await lockGroup(tx, key);
    const gone = await tx.query<{ name: string }>(sql`
      DELETE FROM "GroupMembership" m USING "User" u WHERE m."groupId" = ${g.id} AND m."userId" = ${userId} AND u."id" = m."userId" RETURNING u."name"`);
    if (!gone.length) throw new AppError("NOT_FOUND", "That person is not a member of this group.");
    await tx.update("Group", { updatedAt: new Date() }, sql`"id" = ${g.id}`);
    tx.audit(actor, {
      action: "group.member_removed",
      subjectType: "group",
      subjectId: g.id,
      before: { memberCount: g.memberCount, member: { id: userId, name: gone[0]!.name } },
      after: { memberCount: g.memberCount - 1 },
    });
    return (await findGroupDetail(tx, key))!;
  });
}
