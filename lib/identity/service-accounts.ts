import { db, transaction } from "../db";
import { AppError, fromZodError } from "../errors";
import { requirePermission, type Actor } from "./actor";
import { createServiceAccountSchema, type ServiceAccountDto } from "./schemas";

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
  const groups = data.groups.length ? await db().group.findMany({ where: { key: { in: data.groups } }, select: { id: true, key: true } }) : [];
  const unknown = data.groups.filter((k) => !groups.some((g) => g.key === k));
  if (unknown.length) throw new AppError("VALIDATION_FAILED", `No group ${unknown.map((k) => `"${k}"`).join(", ")}.`, { fieldErrors: [{ path: "groups", message: "unknown group" }] });
  const email = `svc+${data.name.toLowerCase()}@service-account.invalid`;
  if (await db().user.findUnique({ where: { email }, select: { id: true } })) {
    throw new AppError("CONFLICT", `A service account named "${data.name}" exists already.`, { fieldErrors: [{ path: "name", message: "taken" }] });
  }
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
