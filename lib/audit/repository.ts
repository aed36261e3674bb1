import type { Prisma, Tx } from "../db";
import type { Actor } from "../identity/actor";
import type { AuditQuery } from "./schemas";

export interface AuditInput {
  action: string;
  subjectType: string;
  subjectId: string;
  taskId?: string | null;
  instanceId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
  reason?: string | null;
}

/** Appends one entry inside the caller's transaction, so the entry commits with the change. */
export async function insertAuditEntry(tx: Tx, actor: Actor, input: AuditInput) {
  return tx.auditEntry.create({
    data: {
      actorType: actor.type,
      actorId: actor.id,
      actorName: actor.name,
      onBehalfOfId: actor.onBehalfOfId ?? null,
      action: input.action,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      taskId: input.taskId ?? null,
      instanceId: input.instanceId ?? null,
      before: input.before ?? undefined,
      after: input.after ?? undefined,
      reason: input.reason ?? null,
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
    },
    select: { seq: true },
  });
}

export function auditWhere(q: AuditQuery): Prisma.AuditEntryWhereInput {
  const and: Prisma.AuditEntryWhereInput[] = [];
  if (q.actor) and.push({ OR: [{ actorId: q.actor }, { actorName: { contains: q.actor, mode: "insensitive" } }] });
  if (q.action) and.push({ action: q.action.endsWith("*") ? { startsWith: q.action.slice(0, -1) } : q.action });
  if (q.subjectType) and.push({ subjectType: q.subjectType });
  if (q.subjectId) and.push({ subjectId: q.subjectId });
  if (q.taskId) and.push({ taskId: q.taskId });
  if (q.from) and.push({ at: { gte: new Date(q.from) } });
  if (q.to) and.push({ at: { lt: new Date(q.to) } });
  if (q.q)
    and.push({
      OR: [
        { reason: { contains: q.q, mode: "insensitive" } },
        { actorName: { contains: q.q, mode: "insensitive" } },
        { subjectId: { contains: q.q } },
        { action: { contains: q.q } },
      ],
    });
  if (q.cursor) and.push({ seq: { lt: BigInt(q.cursor) } });
  return and.length ? { AND: and } : {};
}
