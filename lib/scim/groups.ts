import { z } from "zod";
import { db, isUniqueViolation, sql, transaction, type Tx } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../identity/actor";
import { parseFilter } from "./filter";
import { applyPatch, type PatchTarget } from "./patch";
import { checkIfMatch, fromScimZod, invalidPath, invalidValue, listResponse, meta, notFound, requireProvisioning, uniqueness } from "./resources";
import { listQuerySchema, patchRequestSchema, SCIM, scimGroupSchema, scimMemberSchema } from "./schemas";

// SCIM Groups (RFC 7643 section 4.2) over Baton's groups — the queues tasks are routed to. A group
// created here gets a key from its name (routing rules name groups by key; renaming keeps it).
// Members are people; every change of the group or its members bumps its version (ETag).

type GroupRow = { id: string; key: string; name: string; externalId: string | null; createdAt: Date; updatedAt: Date; members: { user: { id: string; name: string } }[] };

const SELECT = {
  id: true,
  key: true,
  name: true,
  externalId: true,
  createdAt: true,
  updatedAt: true,
  members: { select: { user: { select: { id: true, name: true } } }, orderBy: { userId: "asc" as const } },
} as const;

export function toScimGroup(g: GroupRow, baseUrl: string, { members = true } = {}) {
  return {
    schemas: [SCIM.GROUP],
    id: g.id,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    displayName: g.name,
    ...(members ? { members: g.members.map((m) => ({ value: m.user.id, display: m.user.name, $ref: `${baseUrl}/Users/${m.user.id}`, type: "User" })) } : {}),
    meta: meta("Group", baseUrl, g.id, g.createdAt, g.updatedAt),
  };
}
export type ScimGroup = ReturnType<typeof toScimGroup>;

interface GroupState {
  displayName: string;
  externalId: string | null;
  members: Set<string>;
}

async function loadGroup(id: string): Promise<GroupRow> {
  const group = await db().group.findUnique({ where: { id }, select: SELECT });
  if (!group) throw notFound("Group", id);
  return group;
}

/** The members must be people Baton knows (provisioned before the group names them). */
async function checkMembers(ids: Iterable<string>): Promise<void> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return;
  const found = await db().user.findMany({ where: { id: { in: wanted }, kind: "PERSON" }, select: { id: true } });
  const unknown = wanted.filter((id) => !found.some((f) => f.id === id));
  if (unknown.length) throw invalidValue(`No user ${unknown.slice(0, 5).map((id) => JSON.stringify(id)).join(", ")}${unknown.length > 5 ? " …" : ""}: provision members before adding them.`, "members");
}

function conflictOf(e: unknown): never {
  if (isUniqueViolation(e)) throw uniqueness("Another group already has this externalId.");
  throw e;
}

/** "Finance AP" → "finance-ap" (then -2, -3 … when taken). */
async function freeKey(tx: Tx, name: string): Promise<string> {
  const base = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "group";
  const taken = new Set((await tx.query<{ key: string }>(sql`SELECT "key" FROM "Group" WHERE "key" = ${base} OR "key" LIKE ${`${base}-%`}`)).map((r) => r.key));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export async function getGroup(actor: Actor, baseUrl: string, id: string, rawQuery: Record<string, string> = {}): Promise<ScimGroup> {
  requireProvisioning(actor);
  return toScimGroup(await loadGroup(id), baseUrl, { members: !excludesMembers(rawQuery) });
}

const excludesMembers = (q: Record<string, string>) => (q.excludedAttributes ?? "").split(",").some((a) => a.trim().toLowerCase() === "members");

const GROUP_FILTERS = ["displayname", "externalid", "id"] as const;

export async function listGroups(actor: Actor, baseUrl: string, rawQuery: Record<string, string>) {
  requireProvisioning(actor);
  const query = listQuerySchema.parse(rawQuery);
  const where: Record<string, unknown> = {};
  for (const term of query.filter ? parseFilter(query.filter, GROUP_FILTERS) : []) {
    if (term.attribute === "displayname") where.name = { equals: term.value, mode: "insensitive" };
    else if (term.attribute === "externalid") where.externalId = term.value;
    else where.id = term.value;
  }
  const [total, rows] = await Promise.all([
    db().group.count({ where }),
    query.count === 0 ? Promise.resolve([]) : db().group.findMany({ where, select: SELECT, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: query.startIndex - 1, take: query.count }),
  ]);
  const members = !excludesMembers(rawQuery);
  return listResponse((rows as GroupRow[]).map((g) => toScimGroup(g, baseUrl, { members })), total, query);
}

export async function createGroup(actor: Actor, baseUrl: string, body: unknown): Promise<ScimGroup> {
  requireProvisioning(actor);
  const parsed = scimGroupSchema.safeParse(body);
  if (!parsed.success) throw fromScimZod(parsed.error, "The group");
  const { displayName, externalId } = parsed.data;
  const members = [...new Set((parsed.data.members ?? []).map((m) => m.value))];
  await checkMembers(members);
  if (await db().group.findFirst({ where: { name: { equals: displayName, mode: "insensitive" } }, select: { id: true } })) throw uniqueness(`A group named "${displayName}" exists already.`);
  const id = await transaction(async (tx) => {
    const now = new Date();
    const key = await freeKey(tx, displayName);
    const group = await tx.insert("Group", { key, name: displayName, externalId: externalId ?? null, createdAt: now, updatedAt: now });
    for (const userId of members) await tx.insert("GroupMembership", { userId, groupId: group.id, createdAt: now });
    tx.audit(actor, { action: "group.provisioned", subjectType: "group", subjectId: group.id, after: { key, name: displayName, externalId: externalId ?? null, members } });
    return group.id;
  }).catch(conflictOf);
  return toScimGroup(await loadGroup(id), baseUrl);
}

async function save(actor: Actor, baseUrl: string, current: GroupRow, state: GroupState, ifMatch: string | null): Promise<ScimGroup> {
  const before = new Set(current.members.map((m) => m.user.id));
  const added = [...state.members].filter((id) => !before.has(id));
  const removed = [...before].filter((id) => !state.members.has(id));
  await checkMembers(added);
  const renamed = state.displayName !== current.name || state.externalId !== current.externalId;
  await transaction(async (tx) => {
    const [row] = await tx.query<{ updatedAt: Date }>(sql`SELECT "updatedAt" FROM "Group" WHERE "id" = ${current.id} FOR UPDATE`);
    if (!row) throw notFound("Group", current.id);
    checkIfMatch(ifMatch, row.updatedAt);
    if (!renamed && !added.length && !removed.length) return;
    await tx.update("Group", { name: state.displayName, externalId: state.externalId }, sql`"id" = ${current.id}`);
    const now = new Date();
    for (const userId of added) await tx.write(sql`INSERT INTO "GroupMembership" ("userId", "groupId", "createdAt") VALUES (${userId}, ${current.id}, ${now}) ON CONFLICT DO NOTHING`);
    if (removed.length) await tx.write(sql`DELETE FROM "GroupMembership" WHERE "groupId" = ${current.id} AND "userId" = ANY(${removed})`);
    tx.audit(actor, {
      action: "group.provisioned_update",
      subjectType: "group",
      subjectId: current.id,
      before: { name: current.name, externalId: current.externalId, ...(removed.length ? { removedMembers: removed } : {}) },
      after: { name: state.displayName, externalId: state.externalId, ...(added.length ? { addedMembers: added } : {}) },
    });
  }).catch(conflictOf);
  return toScimGroup(await loadGroup(current.id), baseUrl);
}

export async function replaceGroup(actor: Actor, baseUrl: string, id: string, body: unknown, ifMatch: string | null): Promise<ScimGroup> {
  requireProvisioning(actor);
  const current = await loadGroup(id);
  const parsed = scimGroupSchema.safeParse(body);
  if (!parsed.success) throw fromScimZod(parsed.error, "The group");
  const members = new Set((parsed.data.members ?? []).map((m) => m.value));
  return save(actor, baseUrl, current, { displayName: parsed.data.displayName, externalId: parsed.data.externalId ?? null, members }, ifMatch);
}

const memberValues = (value: unknown): string[] => z.array(scimMemberSchema).parse(Array.isArray(value) ? value : [value]).map((m) => m.value);

const GROUP_PATCH: PatchTarget<GroupState> = {
  set(state, path, value, op) {
    const bare = path.toLowerCase().startsWith(`${SCIM.GROUP.toLowerCase()}:`) ? path.slice(SCIM.GROUP.length + 1) : path;
    const p = bare.toLowerCase();
    const one = /^members\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]$/i.exec(bare);
    if (one) {
      if (op !== "remove") throw invalidPath(path);
      state.members.delete(JSON.parse(`"${one[1]}"`) as string);
      return;
    }
    switch (p) {
      case "displayname":
        if (op === "remove") throw invalidValue("displayName cannot be removed.", "displayName");
        state.displayName = z.string().trim().min(1).max(200).parse(value);
        return;
      case "externalid":
        state.externalId = op === "remove" || value === null ? null : z.string().trim().max(255).parse(value);
        return;
      case "members":
        if (op === "replace") state.members = new Set(memberValues(value ?? []));
        else if (op === "add") for (const id of memberValues(value)) state.members.add(id);
        else if (value === undefined) state.members.clear();
        else for (const id of memberValues(value)) state.members.delete(id);
        return;
      default:
        throw invalidPath(path);
    }
  },
};

export async function patchGroup(actor: Actor, baseUrl: string, id: string, body: unknown, ifMatch: string | null): Promise<ScimGroup> {
  requireProvisioning(actor);
  const current = await loadGroup(id);
  const parsed = patchRequestSchema.safeParse(body);
  if (!parsed.success) throw fromScimZod(parsed.error, "The PATCH request");
  const state: GroupState = { displayName: current.name, externalId: current.externalId, members: new Set(current.members.map((m) => m.user.id)) };
  applyPatch(state, parsed.data.Operations, GROUP_PATCH);
  return save(actor, baseUrl, current, state, ifMatch);
}

/** DELETE: only a group no open task waits in (its queue would lose its work). */
export async function deleteGroup(actor: Actor, id: string, ifMatch: string | null): Promise<void> {
  requireProvisioning(actor);
  const current = await loadGroup(id);
  await transaction(async (tx) => {
    const [row] = await tx.query<{ updatedAt: Date; open: number }>(
      sql`SELECT g."updatedAt", (SELECT count(*)::int FROM "Task" t WHERE t."candidateGroupId" = g."id" AND t."status" IN ('OPEN', 'INFO_REQUESTED')) AS "open" FROM "Group" g WHERE g."id" = ${id} FOR UPDATE`,
    );
    if (!row) throw notFound("Group", id);
    checkIfMatch(ifMatch, row.updatedAt);
    if (row.open > 0) throw new AppError("CONFLICT", `${row.open} open task(s) wait in "${current.name}": move them before deleting the group.`);
    await tx.write(sql`DELETE FROM "Group" WHERE "id" = ${id}`);
    tx.audit(actor, { action: "group.deprovisioned", subjectType: "group", subjectId: id, before: { key: current.key, name: current.name, members: current.members.map((m) => m.user.id) } });
  });
}
