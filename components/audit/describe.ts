import { format } from "date-fns";
import type { AuditEntryDto } from "@/lib/audit/schemas";
import { humanizeKey } from "@/components/tasks/format";

const ACTION_PHRASES: Record<string, string> = {
  "task.created": "created the task",
  "task.claimed": "claimed the task",
  "task.unclaimed": "released the task to the queue",
  "task.approved": "approved",
  "task.rejected": "rejected",
  "task.decided": "decided",
  "task.decision_undone": "undid the decision",
  "task.cancelled": "cancelled the task",
  "task.info_requested": "asked for more information",
  "task.reminded": "sent an overdue reminder",
  "task.escalated": "escalated the task",
  "task.forwarded": "forwarded the task",
  "calendar.updated": "changed a business calendar",
  "token.created": "created an API token",
  "token.revoked": "revoked an API token",
  "user.login": "signed in",
  "user.login_failed": "failed to sign in",
  "user.out_of_office_set": "set an out-of-office window",
  "user.out_of_office_cleared": "ended an out-of-office window",
  "user.notification_preferences_updated": "changed notification preferences",
  "user.password_reset_requested": "asked for a password reset link",
  "user.password_reset": "chose a new password with a reset link",
  "user.totp_enabled": "turned on two-step sign-in",
  "user.totp_disabled": "turned off two-step sign-in",
  "user.recovery_code_used": "signed in with a recovery code",
  "signin_policy.changed": "changed who must use two-step sign-in",
  "webhook.created": "added a webhook endpoint",
  "webhook.updated": "changed a webhook endpoint",
  "webhook.deleted": "deleted a webhook endpoint",
  "webhook.test_sent": "sent a webhook test event",
  "webhook.redelivered": "sent a failed webhook delivery again",
};

export function actionPhrase(action: string): string {
  return ACTION_PHRASES[action] ?? action.replace(/[._]/g, " ");
}

const ACTION_LABELS: Record<string, string> = {
  "task.created": "Task created",
  "task.claimed": "Task claimed",
  "task.unclaimed": "Task released",
  "task.approved": "Task approved",
  "task.rejected": "Task rejected",
  "task.decided": "Task decided",
  "task.decision_undone": "Decision undone",
  "task.cancelled": "Task cancelled",
  "task.info_requested": "Info requested",
  "task.info_answered": "Info answered",
  "task.routed": "Task routed",
  "task.reassigned": "Task reassigned",
  "task.forwarded": "Task forwarded",
  "task.reminded": "Reminder sent (SLA)",
  "task.escalated": "Task escalated (SLA)",
  "calendar.updated": "Business calendar changed",
  "task.approval_recorded": "Partial approval (four-eyes: more approvers needed)",
  "process.published": "Process published",
  "process.deprecated": "Process deprecated",
  "process.split_set": "Version split set",
  "process.split_cleared": "Version split removed",
  "queue.job_retried": "Failed job retried",
  "queue.job_removed": "Failed job removed",
  "instance.started": "Instance started",
  "instance.completed": "Instance completed",
  "instance.failed": "Instance failed",
  "instance.cancelled": "Instance cancelled",
  "instance.compensating": "Compensation started",
  "instance.compensated": "Instance compensated",
  "step.completed": "Step completed",
  "step.waiting": "Step waiting",
  "step.attempt_failed": "Step attempt failed",
  "step.failed": "Step failed",
  "step.timed_out": "Step timed out",
  "step.retried": "Step retried",
  "instance.migrated": "Instance moved to a newer version",
  "secret.created": "Secret created",
  "secret.rotated": "Secret rotated",
  "secret.deleted": "Secret deleted",
  "secret.reencrypted": "Secret re-encrypted (key rotation)",
  "step.skipped": "Step skipped",
  "step.forked": "Parallel branches started",
  "step.joined": "Branches joined",
  "step.compensation_started": "Compensation step started",
  "step.compensated": "Step compensated",
  "step.circuit_open": "Circuit open: step deferred",
  "event.received": "Event received",
  "decision_table.draft_created": "Decision table draft",
  "decision_table.test_cases_updated": "Test cases updated",
  "decision_table.published": "Decision table published",
  "decision_table.evaluated": "Decision table evaluated",
  "decision_table.archived": "Decision table archived",
  "decision_table.restored": "Decision table restored",
  "decision_model.draft_created": "Decision model draft",
  "decision_model.test_cases_updated": "Model test cases updated",
  "decision_model.published": "Decision model published",
  "decision_model.evaluated": "Decision model evaluated",
  "decision_model.archived": "Decision model archived",
  "decision_model.restored": "Decision model restored",
  "task.commented": "Commented",
  "attachment.added": "File attached",
  "attachment.downloaded": "File opened",
  "attachment.linked": "File filed with a request",
  "audit.verified": "Chain verified",
  "audit.archived": "Entries archived",
  "token.created": "Token created",
  "token.revoked": "Token revoked",
  "user.login": "Signed in",
  "user.login_failed": "Sign-in failed",
  "user.out_of_office_set": "Out of office set",
  "user.out_of_office_cleared": "Out of office ended",
  "user.updated": "Person changed",
  "user.deactivated": "Person deactivated",
  "user.reactivated": "Person reactivated",
  "task.escalation_retargeted": "Escalation backup replaced",
  "user.notification_preferences_updated": "Notification preferences",
  "user.password_reset_requested": "Password reset asked for",
  "user.password_reset_refused": "Password reset not sent",
  "user.password_reset": "Password reset",
  "user.totp_enrolment_started": "Two-step set-up started",
  "user.totp_enabled": "Two-step sign-in on",
  "user.totp_disabled": "Two-step sign-in off",
  "user.totp_reencrypted": "Two-step secret re-encrypted (key rotation)",
  "user.recovery_code_used": "Recovery code used",
  "signin_policy.changed": "Sign-in policy changed",
  "webhook.created": "Webhook added",
  "webhook.updated": "Webhook changed",
  "webhook.deleted": "Webhook deleted",
  "webhook.test_sent": "Webhook test sent",
  "webhook.redelivered": "Webhook redelivered",
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** Ids the history can name: people (the directory) and groups; unknown ones stay "another person". */
export type KnownNames = ReadonlyMap<string, string>;

const STATUS_WORDS: Record<string, string> = { OPEN: "open", INFO_REQUESTED: "waiting for information", DECIDED: "decided", CANCELLED: "cancelled" };

function show(key: string, v: unknown, entry: AuditEntryDto, names: KnownNames): string {
  if (v === null || v === undefined || v === "") return "—";
  if (key.endsWith("Id") && typeof v === "string") {
    const known = names.get(v) ?? (v === entry.actorId ? entry.actorName : undefined);
    if (known) return known;
    return /group/i.test(key) ? "a group" : "another person";
  }
  if (key === "status" && typeof v === "string") return STATUS_WORDS[v] ?? v.toLowerCase();
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v)) return format(new Date(v), "d MMM yyyy HH:mm");
  if (typeof v === "string") return v.length > 40 ? `${v.slice(0, 37)}…` : v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "yes" : "no";
  // Words, never raw JSON: a thing by its name or key, a list by its names or its length.
  if (Array.isArray(v)) {
    if (v.length === 0) return "none";
    const labels = v.map((x) => (x && typeof x === "object" ? ((x as { name?: unknown }).name ?? (x as { key?: unknown }).key) : x)).filter((x) => typeof x === "string" || typeof x === "number");
    return labels.length === v.length ? labels.join(", ") : `${v.length} items`;
  }
  if (typeof v === "object") {
    const o = v as { name?: unknown; key?: unknown };
    if (typeof o.name === "string") return o.name;
    if (typeof o.key === "string") return o.key;
    return `${Object.keys(v).length} fields`;
  }
  return String(v);
}

/**
 * "Status: open → decided; Assignee: Dana Lee → Leo Martin" from an entry's before/after
 * snapshots. Only what the entry changed: a key the after snapshot leaves out was not touched; a
 * key only after has is a plain value ("Action: remind"), not a change from nothing. An id with a
 * name beside it (assigneeId + assigneeName) shows as one line, by name.
 */
export function changeSummary(entry: AuditEntryDto, names: KnownNames = new Map()): { key: string; label: string; from: string | null; to: string }[] {
  const before = (entry.before && typeof entry.before === "object" ? entry.before : {}) as Record<string, unknown>;
  const after = (entry.after && typeof entry.after === "object" ? entry.after : {}) as Record<string, unknown>;
  const hasBefore = !!entry.before && typeof entry.before === "object";
  const keys = Object.keys(after).filter((k) => k !== "version" && k !== "reason" && !(k.endsWith("Name") && `${k.slice(0, -4)}Id` in after));
  const out: { key: string; label: string; from: string | null; to: string }[] = [];
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const nameKey = k.endsWith("Id") ? `${k.slice(0, -2)}Name` : null;
    const withName = (snap: Record<string, unknown>, v: unknown) => (nameKey && typeof snap[nameKey] === "string" && typeof v === "string" ? new Map([[v, snap[nameKey] as string]]) : null);
    const from = hasBefore && k in before ? show(k, a, entry, withName(before, a) ?? names) : null;
    const to = show(k, b, entry, withName(after, b) ?? names);
    if (from === to || (from === null && to === "—")) continue;
    out.push({ key: k, label: humanizeKey(k.replace(/Id$/, "")), from, to });
  }
  return out;
}
