import { ENUMS } from "../generated/db/schema";
import { z } from "zod";
import { isoDateTime } from "../fields";
import { freshnessSchema } from "../db/freshness";

/** Every action Baton records (the audit page's action filter offers these). */
export const AUDIT_ACTIONS = [
  "task.created",
  "task.routed",
  "task.claimed",
  "task.unclaimed",
  "task.reassigned",
  "task.forwarded",
  "task.approval_recorded",
  "task.approved",
  "task.rejected",
  "task.decided",
  "task.decision_undone",
  "task.info_requested",
  "task.info_answered",
  "task.commented",
  "task.cancelled",
  "task.reminded",
  "task.escalated",
  "task.escalation_retargeted",
  "calendar.updated",
  "process.published",
  "process.deprecated",
  "process.split_set",
  "process.split_cleared",
  "queue.job_retried",
  "queue.job_removed",
  "instance.started",
  "instance.completed",
  "instance.failed",
  "instance.cancelled",
  "instance.compensating",
  "instance.compensated",
  "step.completed",
  "step.waiting",
  "step.attempt_failed",
  "step.failed",
  "step.timed_out",
  "step.retried",
  "instance.migrated",
  "secret.created",
  "secret.rotated",
  "secret.deleted",
  "secret.reencrypted",
  "step.skipped",
  "step.forked",
  "step.joined",
  "step.compensation_started",
  "step.compensated",
  "step.circuit_open",
  "event.received",
  "decision_table.draft_created",
  "decision_table.test_cases_updated",
  "decision_table.published",
  "decision_table.evaluated",
  "decision_table.archived",
  "decision_table.restored",
  "decision_model.draft_created",
  "decision_model.test_cases_updated",
  "decision_model.published",
  "decision_model.evaluated",
  "decision_model.archived",
  "decision_model.restored",
  "token.created",
  "token.revoked",
  "user.login",
  "user.login_failed",
  "user.out_of_office_set",
  "user.out_of_office_cleared",
  "user.updated",
  "user.deactivated",
  "user.reactivated",
  "user.notification_preferences_updated",
  "user.password_reset_requested",
  "user.password_reset_refused",
  "user.password_reset",
  "user.totp_enrolment_started",
  "user.totp_enabled",
  "user.totp_disabled",
  "user.totp_reencrypted",
  "user.recovery_code_used",
  "signin_policy.changed",
  "webhook.created",
  "webhook.updated",
  "webhook.deleted",
  "webhook.test_sent",
  "webhook.redelivered",
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
  from: isoDateTime().optional(),
  to: isoDateTime().optional(),
  q: z.string().trim().max(200).optional(),
  /** Entries about tasks whose context `amount` is at least / at most this (e.g. approvals above 50,000). */
  amountMin: z.coerce.number().finite().optional(),
  amountMax: z.coerce.number().finite().optional(),
  cursor: z.string().regex(/^\d{1,18}$/, "cursor must come from a previous page").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditEntryDtoSchema = z.object({
  seq: z.string(),
  at: z.string(),
  actorType: z.enum(ENUMS.ActorType),
  actorId: z.string().nullable(),
  actorName: z.string(),
  /** Who, in words: the person's name, "… (API token)", or "Escalation (system)" for Baton's own actors. */
  actorLabel: z.string(),
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

/** A page of the log; `freshness` says whether it came from the read replica and how far behind that was (ADR 049). */
export const auditPageSchema = z.object({ data: z.array(auditEntryDtoSchema), nextCursor: z.string().nullable(), freshness: freshnessSchema });
export type AuditPage = z.infer<typeof auditPageSchema>;

/** GET /api/v1/audit/public-key: the keys that verify signed audit checkpoints (ADR 026). */
export const auditPublicKeysSchema = z.object({
  algorithm: z.literal("Ed25519"),
  /** The key id new checkpoints are signed with; null when signing is off (development). */
  current: z.string().nullable(),
  keys: z.array(z.object({ keyId: z.string(), publicKeyPem: z.string(), publicKey: z.string().describe("base64 SPKI DER") })),
});
export type AuditPublicKeys = z.infer<typeof auditPublicKeysSchema>;

/** GET /api/v1/audit/separation-of-duties: decisions made in [from, to) (either end open). */
export const sodQuerySchema = z.object({
  from: isoDateTime().optional(),
  to: isoDateTime().optional(),
});
export type SodQuery = z.infer<typeof sodQuerySchema>;

const sodTaskSchema = z.object({ id: z.string(), reference: z.string(), title: z.string() });
const sodPersonSchema = z.object({ id: z.string(), name: z.string() });

/**
 * The separation-of-duties report: every person decision in the period (a four-eyes vote, an
 * approval, a rejection, a form decision), and the two ways one can break the rule. Empty lists
 * with the counts of what was scanned are the proof that nothing did.
 */
export const sodReportSchema = z.object({
  period: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  checkedAt: z.string(),
  /** Read from the read replica when one is configured (ADR 049): how far behind it may be. */
  freshness: freshnessSchema,
  scanned: z.object({
    /** Person decisions in the period (each four-eyes vote counts). */
    decisions: z.number().int(),
    /** Distinct tasks those decisions were on. */
    tasks: z.number().int(),
    /** Distinct cases (process instances) those tasks belong to. */
    cases: z.number().int(),
    /** Decisions whose task or case names a requester (the ones the first rule can apply to). */
    withRequester: z.number().int(),
  }),
  /** Someone approved (any outcome but reject) a task they requested, or of a case they started. */
  selfApprovals: z.array(
    z.object({
      task: sodTaskSchema,
      person: sodPersonSchema,
      outcome: z.string(),
      decidedAt: z.string(),
      /** Where the person is named as requester: the task itself, or the case it belongs to. */
      requesterOf: z.enum(["task", "case"]),
    }),
  ),
  /** Someone decided two or more tasks of one case. */
  repeatDeciders: z.array(
    z.object({
      case: z.object({ id: z.string(), process: z.string(), businessKey: z.string().nullable() }),
      person: sodPersonSchema,
      decisions: z.array(z.object({ task: sodTaskSchema, outcome: z.string(), decidedAt: z.string() })),
    }),
  ),
});
export type SodReport = z.infer<typeof sodReportSchema>;
