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
  "calendar.updated": "changed a business calendar",
  "token.created": "created an API token",
  "token.revoked": "revoked an API token",
  "user.login": "signed in",
  "user.login_failed": "failed to sign in",
  "user.out_of_office_set": "set an out-of-office window",
  "user.out_of_office_cleared": "ended an out-of-office window",
  "user.notification_preferences_updated": "changed notification preferences",
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
  "task.reminded": "Reminder sent (SLA)",
  "task.escalated": "Task escalated (SLA)",
  "calendar.updated": "Business calendar changed",
  "task.approval_recorded": "Approval recorded (four-eyes)",
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
  "task.commented": "Commented",
  "attachment.added": "File attached",
  "attachment.downloaded": "File opened",
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
  "webhook.created": "Webhook added",
  "webhook.updated": "Webhook changed",
  "webhook.deleted": "Webhook deleted",
  "webhook.test_sent": "Webhook test sent",
  "webhook.redelivered": "Webhook redelivered",
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

function show(key: string, v: unknown, entry: AuditEntryDto): string {
  if (v === null || v === undefined || v === "") return "—";
  if (key.endsWith("Id") && typeof v === "string") {
    if (/group/i.test(key)) return "a group";
    return v === entry.actorId ? entry.actorName : "another person";
  }
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v)) return format(new Date(v), "d MMM yyyy HH:mm");
  if (typeof v === "string") return v.length > 40 ? `${v.slice(0, 37)}…` : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v).slice(0, 40);
}

/** "Status: OPEN → DECIDED; Outcome: — → approve" from an entry's before/after snapshots. */
export function changeSummary(entry: AuditEntryDto): { key: string; label: string; from: string | null; to: string }[] {
  const before = (entry.before && typeof entry.before === "object" ? entry.before : {}) as Record<string, unknown>;
  const after = (entry.after && typeof entry.after === "object" ? entry.after : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== "version" && k !== "reason");
  const out: { key: string; label: string; from: string | null; to: string }[] = [];
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const from = entry.before ? show(k, a, entry) : null;
    const to = show(k, b, entry);
    if (from === to || (from === null && to === "—")) continue;
    out.push({ key: k, label: humanizeKey(k.replace(/Id$/, "")), from, to });
  }
  return out;
}
