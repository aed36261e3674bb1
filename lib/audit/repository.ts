import type { Prisma } from "../db";
import type { AuditQuery } from "./schemas";

// Entries are written by the transaction that makes the change (Tx.audit in lib/db); this module
// holds the log's read filters.

export function auditWhere(q: AuditQuery): Prisma.AuditEntryWhereInput {
  const and: Prisma.AuditEntryWhereInput[] = [];
  if (q.actor) and.push({ OR: [{ actorId: q.actor }, { actorName: { contains: q.actor, mode: "insensitive" } }] });
  if (q.action) and.push({ action: q.action.endsWith("*") ? { startsWith: q.action.slice(0, -1) } : q.action });
  if (q.subjectType) and.push({ subjectType: q.subjectType });
  if (q.subjectId) and.push({ subjectId: q.subjectId });
  if (q.taskId) and.push({ taskId: q.taskId });
  if (q.instanceId) and.push({ instanceId: q.instanceId });
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
