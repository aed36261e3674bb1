import { query } from "../db";
import { env } from "../env";

// Retention (security review L5): rows that only serve for a while are deleted by the worker's
// hourly `prune-retention` job, so the tables stay the size of recent work and old personal data
// (notification texts, webhook payloads, event data) does not pile up. Each statement deletes at
// most RETENTION_BATCH_SIZE rows, so a first run over a large backlog never holds long locks.
// Audit entries are never touched here: they follow AUDIT_RETENTION_DAYS (archive, then delete).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Rule {
  table: string;
  /** Rows past their age; $1 = a cutoff computed from the rule's age. */
  where: string;
  cutoff: (now: number) => Date;
  order: string;
}

function rules(): Record<string, Rule> {
  const e = env();
  return {
    // Receipts answer replays of (source, id) and tell producers the outcome: kept RETENTION_EVENT_RECEIPT_DAYS.
    eventReceipts: { table: "EventReceipt", where: `"receivedAt" < $1`, cutoff: (now) => new Date(now - e.RETENTION_EVENT_RECEIPT_DAYS * DAY), order: `"receivedAt"` },
    // Events kept for correlation that no wait took within EVENT_PENDING_TTL_HOURS have expired.
    expiredPendingEvents: {
      table: "EventReceipt",
      where: `"receivedAt" < $1 AND "consumedAt" IS NULL AND "result"->>'outcome' = 'pending'`,
      cutoff: (now) => new Date(now - e.EVENT_PENDING_TTL_HOURS * HOUR),
      order: `"receivedAt"`,
    },
    // Idempotency keys past their replay window; never one whose first attempt still holds its lease.
    idempotencyRecords: {
      table: "IdempotencyRecord",
      where: `"createdAt" < $1 AND ("leaseUntil" IS NULL OR "leaseUntil" < $1)`,
      cutoff: (now) => new Date(now - e.RETENTION_IDEMPOTENCY_HOURS * HOUR),
      order: `"createdAt"`,
    },
    // Webhook deliveries (their delivery log) once finished; one still being retried stays.
    webhookDeliveries: {
      table: "WebhookDelivery",
      where: `"createdAt" < $1 AND "status" <> 'PENDING'`,
      cutoff: (now) => new Date(now - e.RETENTION_WEBHOOK_DELIVERY_DAYS * DAY),
      order: `"createdAt"`,
    },
    // Notifications (bell and e-mail), unless an e-mail is still on its way.
    notifications: {
      table: "Notification",
      where: `"createdAt" < $1 AND "emailStatus" IS DISTINCT FROM 'PENDING'`,
      cutoff: (now) => new Date(now - e.RETENTION_NOTIFICATION_DAYS * DAY),
      order: `"createdAt"`,
    },
    // Files uploaded for a start form whose request was never filed (ADR 052): a filed one belongs to its request.
    unfiledUploads: {
      table: "Attachment",
      where: `"createdAt" < $1 AND "taskId" IS NULL AND "instanceId" IS NULL AND "commentId" IS NULL`,
      cutoff: (now) => new Date(now - DAY),
      order: `"createdAt"`,
    },
    // Signed-out sessions, once their JWT would have expired anyway (lib/identity/sessions.ts).
    revokedSessions: { table: "RevokedSession", where: `"expiresAt" < $1`, cutoff: (now) => new Date(now), order: `"expiresAt"` },
  };
}

export type RetentionCounts = Record<keyof ReturnType<typeof rules>, number>;

/** Deletes one rule's rows in batches; returns how many. Stops after `maxBatches` (the next run goes on). */
async function prune(rule: Rule, now: number, batch: number, maxBatches: number): Promise<number> {
  let total = 0;
  // The tables keep UTC wall-clock times (timestamp without time zone): the cutoff is turned into one.
  const where = rule.where.replaceAll("$1", "($1::timestamptz AT TIME ZONE 'UTC')");
  for (let i = 0; i < maxBatches; i++) {
    const [row] = await query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM "${rule.table}" WHERE ctid IN (SELECT ctid FROM "${rule.table}" WHERE ${where} ORDER BY ${rule.order} LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS "n" FROM gone`,
      [rule.cutoff(now).toISOString(), batch],
    );
    const n = row?.n ?? 0;
    total += n;
    if (n < batch) break;
  }
  return total;
}

/** The worker's retention sweep: every rule, oldest rows first, in batches. */
export async function pruneExpiredRows(opts: { now?: Date; batch?: number; maxBatches?: number } = {}): Promise<RetentionCounts> {
  const now = (opts.now ?? new Date()).getTime();
  const batch = opts.batch ?? env().RETENTION_BATCH_SIZE;
  const maxBatches = opts.maxBatches ?? 100;
  const out = {} as RetentionCounts;
  for (const [name, rule] of Object.entries(rules()) as [keyof RetentionCounts, Rule][]) out[name] = await prune(rule, now, batch, maxBatches);
  return out;
}
