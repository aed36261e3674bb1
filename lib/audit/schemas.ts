import { z } from "zod";

/** Every action Baton records (the audit page's action filter offers these). */
export const AUDIT_ACTIONS = [
  "task.created",
  "task.routed",
  "task.claimed",
  "task.unclaimed",
  "task.reassigned",
  "task.approval_recorded",
  "task.approved",
  "task.rejected",
  "task.decided",
  "task.info_requested",
  "task.info_answered",
  "task.commented",
  "task.cancelled",
  "process.published",
  "process.deprecated",
  "instance.started",
  "instance.completed",
  "instance.failed",
  "step.completed",
  "step.waiting",
  "step.attempt_failed",
  "step.failed",
  "step.timed_out",
  "step.retried",
  "event.received",
  "decision_table.draft_created",
  "decision_table.test_cases_updated",
  "decision_table.published",
  "decision_table.evaluated",
  "token.created",
  "token.revoked",
  "user.login",
  "user.login_failed",
  "audit.verified",
  "audit.archived",
] as const;

export const auditQuerySchema = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  subjectType: z.string().trim().max(50).optional(),
  subjectId: z.string().trim().max(100).optional(),
  taskId: z.string().trim().max(100).optional(),
  instanceId: z.string().trim().max(100).optional(),
  /** Entries about instances of this process definition key. */
  process: z.string().trim().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  q: z.string().trim().max(200).optional(),
  /** Entries about tasks whose context `amount` is at least / at most this (e.g. approvals above 50,000). */
  amountMin: z.coerce.number().finite().optional(),
  amountMax: z.coerce.number().finite().optional(),
  cursor: z.string().regex(/^\d+$/, "cursor must come from a previous page").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditEntryDtoSchema = z.object({
  seq: z.string(),
  at: z.string(),
  actorType: z.enum(["USER", "TOKEN", "WORKER", "SYSTEM"]),
  actorId: z.string().nullable(),
  actorName: z.string(),
  onBehalfOfId: z.string().nullable(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  taskId: z.string().nullable(),
  instanceId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  hash: z.string().nullable(),
  /** The task the entry is about, for display ("TSK-12 · Approve invoice …"). */
  task: z.object({ reference: z.string(), title: z.string() }).nullable(),
});
export type AuditEntryDto = z.infer<typeof auditEntryDtoSchema>;
