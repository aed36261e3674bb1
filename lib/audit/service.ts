import { db } from "../db";
import type { Prisma } from "../db";
import { requirePermission, type Actor } from "../identity/actor";
import { auditWhere } from "./repository";
import { auditQuerySchema, type AuditEntryDto } from "./schemas";
import { AppError } from "../errors";

export { insertAuditEntry as appendAuditEntry } from "./repository";

type Row = Prisma.AuditEntryGetPayload<object>;

export function toAuditDto(row: Row): AuditEntryDto {
  return {
    seq: row.seq.toString(),
    at: row.at.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorName: row.actorName,
    onBehalfOfId: row.onBehalfOfId,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    taskId: row.taskId,
    instanceId: row.instanceId,
    before: row.before ?? null,
    after: row.after ?? null,
    reason: row.reason,
    requestId: row.requestId,
    ip: row.ip,
    hash: row.hash,
  };
}

/** Newest first, keyset-paginated on the sequence number. */
export async function searchAuditLog(actor: Actor, rawQuery: unknown) {
  requirePermission(actor, "audit:read");
  const q = auditQuerySchema.parse(rawQuery);
  if (q.from && q.to && new Date(q.from) >= new Date(q.to)) {
    throw new AppError("VALIDATION_FAILED", "`from` must be before `to`", { fieldErrors: [{ path: "from", message: "must be before to" }] });
  }
  const rows = await db().auditEntry.findMany({ where: auditWhere(q), orderBy: { seq: "desc" }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    data: page.map(toAuditDto),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.seq.toString() : null,
  };
}
