import { db, sql, transaction } from "../db";
import { AppError, fromZodError } from "../errors";
import { requirePermission, type Actor } from "./actor";
import { createServiceAccountSchema, updateServiceAccountSchema, type ServiceAccountDto } from "./schemas";
import { announceSessionsEnded } from "./sessions";

// Service accounts (ADR 021): the owners of integration tokens that are not a person. One never
// signs in (no usable password, refused by kind) and is never routed work; its grants are its
// group memberships (which tasks it may see and decide), the processes it may start and the
// event source/type pairs it may post. Made in the token admin by whoever manages tokens.

const SELECT = { id: true, name: true, role: true, active: true, createdAt: true, mayStartProcesses: true, mayPostEvents: true, memberships: { select: { group: { select: { key: true } } } } } as const;

type Row = { id: string; name: string; role: ServiceAccountDto["role"]; active: boolean; createdAt: Date; mayStartProcesses: string[]; mayPostEvents: string[]; memberships: { group: { key: string } }[] };

function toDto(r: Row): ServiceAccountDto {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    groups: r.memberships.map((m) => m.group.key).sort(),
    mayStartProcesses: r.mayStartProcesses,
    mayPostEvents: r.mayPostEvents,
    active: r.active,
    createdAt: r.createdAt.toISOString(),
  };
}

/** The groups named by key, or a 422 naming the unknown ones. */
async function groupsByKey(keys: string[]): Promise<{ id: string; key: string }[]> {
  const groups = keys.length ? await db().group.findMany({ where: { key: { in: keys } }, select: { id: true, key: true } }) : [];
  const unknown = keys.filter((k) => !groups.some((g) => g.key === k));
  if (unknown.length) throw new AppError("VALIDATION_FAILED", `No group ${unknown.map((k) => `"${k}"`).join(", ")}.`, { fieldErrors: [{ path: "groups", message: "unknown group" }] });
  return groups;
}

/** A service account's (unusable, unique) e-mail comes from its name: a 409 when another has that name. */
async function freeEmailFor(name: string, self?: string): Promise<string> {
  const email = `svc+${name.toLowerCase()}@service-account.invalid`;
  const holder = await db().user.findUnique({ where: { email }, select: { id: true } });
  if (holder && holder.id !== self) throw new AppError("CONFLICT", `A service account named "${name}" exists already.`, { fieldErrors: [{ path: "name", message: "taken" }] });
  return email;
}

export async function listServiceAccounts(actor: Actor): Promise<{ data: ServiceAccountDto[] }> {
  requirePermission(actor, "tokens:manage");
  const rows = await db().user.findMany({ where: { kind: "SERVICE" }, orderBy: { name: "asc" }, select: SELECT, take: 500 });
  return { data: rows.map(toDto) };
}

export async function createServiceAccount(actor: Actor, input: unknown): Promise<ServiceAccountDto> {
  requirePermission(actor, "tokens:manage");
  const parsed = createServiceAccountSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, "Service account");
  const data = parsed.data;
  if (actor.type !== "SYSTEM" && actor.role !== "ADMIN" && data.role === "ADMIN") {
    throw new AppError("FORBIDDEN", "Only admins create admin service accounts.", { fieldErrors: [{ path: "role", message: "beyond yours" }] });
  }
  const groups = await groupsByKey(data.groups);
  const email = await freeEmailFor(data.name);
  const id = await transaction(
    async (tx) => {
      const now = new Date();
      const user = await tx.insert("User", {
        email,
        name: data.name,
        // Never a usable hash: a service account cannot sign in (also refused by kind).
        passwordHash: "!service-account",
        role: data.role,
        kind: "SERVICE",
        mayStartProcesses: data.mayStartProcesses,
        mayPostEvents: data.mayPostEvents,
        createdAt: now,
        updatedAt: now,
      });
      for (const g of groups) await tx.insert("GroupMembership", { userId: user.id, groupId: g.id, createdAt: now });
      tx.audit(actor, {
        action: "service_account.created",
        subjectType: "user",
        subjectId: user.id,
        after: { name: data.name, role: data.role, groups: groups.map((g) => g.key), mayStartProcesses: data.mayStartProcesses, mayPostEvents: data.mayPostEvents },
      });
      return user.id;
    },
    { batched: true },
  );
  return toDto((await db().user.findUniqueOrThrow({ where: { id }, select: SELECT })) as Row);
}

/**
 * Edits a service account's name, role or grants, or (de)activates it, audited with before and
 * after. Deactivation stops its tokens at once: every token request reads its owner's active flag
 * (actorForToken), and its open live streams are told to close.
 */
export async function updateServiceAccount(actor: Actor, id: string, input: unknown): Promise<ServiceAccountDto> {
  requirePermission(actor, "tokens:manage");
  const parsed = updateServiceAccountSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, "Service account");
  const data = parsed.data;
  const current = (await db().user.findFirst({ where: { id, kind: "SERVICE" }, select: SELECT })) as Row | null;
  if (!current) throw new AppError("NOT_FOUND", "No service account with this id.");
  if (actor.type !== "SYSTEM" && actor.role !== "ADMIN" && (data.role === "ADMIN" || current.role === "ADMIN")) {
    throw new AppError("FORBIDDEN", "Only admins change admin service accounts.", { fieldErrors: [{ path: "role", message: "beyond yours" }] });
  }
  const groups = data.groups ? await groupsByKey(data.groups) : null;
  const email = data.name && data.name !== current.name ? await freeEmailFor(data.name, id) : null;
  const before = toDto(current);
  await transaction(async (tx) => {
    // Guarded: two admins editing at once apply one after the other, each audited against what it changed.
    const [locked] = await tx.query<{ id: string }>(sql`SELECT "id" FROM "User" WHERE "id" = ${id} AND "kind" = 'SERVICE' FOR UPDATE`);
    if (!locked) throw new AppError("NOT_FOUND", "No service account with this id.");
    const changes = {
      ...(data.name !== undefined ? { name: data.name } : {}),
      ...(email ? { email } : {}),
      ...(data.role !== undefined ? { role: data.role } : {}),
      ...(data.mayStartProcesses !== undefined ? { mayStartProcesses: data.mayStartProcesses } : {}),
      ...(data.mayPostEvents !== undefined ? { mayPostEvents: data.mayPostEvents } : {}),
      ...(data.active !== undefined ? { active: data.active } : {}),
      updatedAt: new Date(),
    };
    await tx.update("User", changes, sql`"id" = ${id}`);
    if (groups) {
      const keep = groups.map((g) => g.id);
      await tx.write(sql`DELETE FROM "GroupMembership" WHERE "userId" = ${id} AND NOT ("groupId" = ANY(${keep}::text[]))`);
      for (const g of groups) {
        await tx.write(sql`INSERT INTO "GroupMembership" ("userId", "groupId", "createdAt") VALUES (${id}, ${g.id}, ${new Date()}) ON CONFLICT DO NOTHING`);
      }
    }
    const after = { ...before, ...data, ...(data.groups ? { groups: [...data.groups].sort() } : {}) };
    const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, o[k]]));
    const action = data.active === false && before.active ? "service_account.deactivated" : data.active === true && !before.active ? "service_account.reactivated" : "service_account.updated";
    tx.audit(actor, { action, subjectType: "user", subjectId: id, before: pick(before), after: pick(after) });
  });
  // Its tokens' open live streams close now, not at their next heartbeat.
  if (data.active === false) await announceSessionsEnded(id);
  return toDto((await db().user.findUniqueOrThrow({ where: { id }, select: SELECT })) as Row);
}
