import type { JobSchedulerTemplateOptions } from "bullmq";
import type { RedisClient } from "../lib/redis";
import type { Env } from "../lib/env";
import { logger } from "../lib/logger";
import { queue, QUEUES, type JobName, type QueueName } from "../lib/queues";

// The worker's periodic jobs, each spelled once. Each is a BullMQ job scheduler whose id is also
// the name of the jobs it produces. Boot registers the table; the guard below puts back what
// Redis lost (ADR 019). Every job here is an idempotent sweep over PostgreSQL, so a run too many
// (two workers re-creating the same scheduler at once) costs a sweep, never a duplicate effect.

export interface Schedule {
  queue: QueueName;
  name: JobName;
  everyMs: number;
  opts: JobSchedulerTemplateOptions;
  /** Also run once when the worker starts (an existing scheduler's next run may be far off). */
  runAtStart: boolean;
  /** A disabled schedule is removed at boot, so turning a feature off stops its job. */
  enabled: boolean;
}

const HOUR = 60 * 60 * 1000;
// Frequent sweeps keep no history; the hourly ones keep their last hundred runs to look at.
const QUIET = { removeOnComplete: true, removeOnFail: 100 } as const;
const KEPT = { removeOnComplete: 100, removeOnFail: 100 } as const;

export function scheduleTable(env: Env): Schedule[] {
  const s = (queue: QueueName, name: JobName, everyMs: number, opts: JobSchedulerTemplateOptions, extra: Partial<Schedule> = {}): Schedule => ({
    queue,
    name,
    everyMs,
    opts,
    runAtStart: false,
    enabled: true,
    ...extra,
  });
  return [
    // Outbox messages their committer did not hand over (a crash, Redis down) go out.
    s(QUEUES.maintenance, "dispatch-outbox", env.OUTBOX_SWEEP_MS, QUIET),
    // Dispatched outbox rows past OUTBOX_RETENTION_HOURS: the table stays the size of recent work.
    s(QUEUES.maintenance, "prune-outbox", HOUR, KEPT),
    // New audit entries are linked into the hash chain (ADR 003).
    s(QUEUES.maintenance, "seal-audit", env.AUDIT_SEAL_MS, QUIET),
    // KPI rollups for the dashboard (lib/kpi/rollup.ts); at start too, so a fresh install or a
    // restored database shows numbers at once.
    s(QUEUES.maintenance, "refresh-kpis", env.KPI_REFRESH_MS, QUIET, { runAtStart: true }),
    // Retention (lib/retention): old event receipts, idempotency keys, webhook deliveries,
    // notifications and signed-out sessions, in batches; at start too, to clear a backlog.
    s(QUEUES.maintenance, "prune-retention", env.RETENTION_SWEEP_MS, KEPT, { runAtStart: true }),
    // Daily digests for people who chose them, from 07:00 their time (lib/notifications/digest.ts).
    s(QUEUES.maintenance, "send-digests", 15 * 60 * 1000, KEPT),
    // Held decisions whose delayed commit job Redis lost (lib/tasks/held-decisions.ts).
    s(QUEUES.maintenance, "commit-held-decisions", 5000, QUIET),
    // The engine's jobs rebuilt from PostgreSQL when Redis lost them (lib/engine/recovery.ts).
    s(QUEUES.engine, "recover-engine", env.ENGINE_RECOVERY_MS, QUIET),
    // Audit retention (lib/audit/archive.ts), only with AUDIT_RETENTION_DAYS set.
    s(QUEUES.maintenance, "archive-audit", HOUR, KEPT, { enabled: env.AUDIT_RETENTION_DAYS > 0 }),
    // Signed checkpoints anchored outside the database (lib/audit/anchor.ts, ADR 026), only with
    // AUDIT_ANCHOR_DIR or AUDIT_ANCHOR_WEBHOOK_URL set; at start too.
    s(QUEUES.maintenance, "anchor-audit", Math.max(env.AUDIT_ANCHOR_MS, 1000), KEPT, {
      enabled: env.AUDIT_ANCHOR_MS > 0 && !!(env.AUDIT_ANCHOR_DIR || env.AUDIT_ANCHOR_WEBHOOK_URL || env.AUDIT_ANCHOR_EMAIL),
      runAtStart: true,
    }),
  ];
}

function upsert(s: Schedule) {
  return queue(s.queue).upsertJobScheduler(s.name, { every: s.everyMs }, { name: s.name, data: {}, opts: s.opts });
}

/** Boot: every enabled schedule as the table says (an interval changed in the env takes effect), the disabled ones removed. */
export async function registerSchedules(table: Schedule[]): Promise<void> {
  for (const s of table) {
    if (!s.enabled) {
      await queue(s.queue).removeJobScheduler(s.name);
      continue;
    }
    await upsert(s);
    if (s.runAtStart) await queue(s.queue).add(s.name, {}, s.opts);
  }
}

export type Repair = { schedule: string; reason: "scheduler missing" | "next job missing" };

/**
 * Puts back what Redis lost: a scheduler that is gone, or one whose next job is gone or already
 * finished (Redis lost the job, or failed while the worker was adding the next one), which
 * otherwise never runs again. Only what is missing is written: a healthy scheduler is left as
 * it is, so workers checking at the same time do not push each other's next runs around.
 */
export async function repairSchedules(table: Schedule[]): Promise<Repair[]> {
  const found = await Promise.all(table.filter((s) => s.enabled).map(async (s) => ({ s, reason: await whatIsMissing(s) })));
  const repairs: Repair[] = [];
  for (const { s, reason } of found) {
    if (!reason) continue;
    // A scheduler without its next job is replaced whole: re-created, it runs at once instead of
    // an interval after the run that was lost.
    if (reason === "next job missing") await queue(s.queue).removeJobScheduler(s.name);
    await upsert(s);
    repairs.push({ schedule: s.name, reason });
  }
  return repairs;
}

async function whatIsMissing(s: Schedule): Promise<Repair["reason"] | null> {
  const q = queue(s.queue);
  const scheduler = await q.getJobScheduler(s.name);
  if (!scheduler) return "scheduler missing";
  if (scheduler.next == null) return null;
  // BullMQ names a scheduler's next job repeat:<scheduler id>:<its time> (its own scripts rely on it).
  const next = await q.getJob(`repeat:${s.name}:${scheduler.next}`);
  if (next && !next.finishedOn) return null;
  // Or the job ran and the scheduler moved on between the two reads.
  const again = await q.getJobScheduler(s.name);
  if (!again) return "scheduler missing";
  return again.next === scheduler.next ? "next job missing" : null;
}

/**
 * Checks the schedules every `everyMs` and after every reconnect of `connection` (a Redis that
 * restarted without its data), repairs what is missing, and then runs `afterCheck`.
 */
export function guardSchedules(opts: {
  table: Schedule[];
  connection: RedisClient;
  everyMs: number;
  onRepair: (repair: Repair) => void;
  afterCheck: () => Promise<void>;
}): { checkNow: () => Promise<void>; stop: () => Promise<void> } {
  let checking: Promise<void> | null = null;
  const checkNow = () => {
    checking ??= repairSchedules(opts.table)
      .then((repairs) => {
        for (const r of repairs) {
          logger.warn(r, "job scheduler re-created");
          opts.onRepair(r);
        }
        return opts.afterCheck();
      })
      .catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "schedule check failed; the next one retries"))
      .finally(() => {
        checking = null;
      });
    return checking;
  };
  const timer = setInterval(() => void checkNow(), opts.everyMs);
  // ioredis emits "ready" on every (re)connection: after a reconnect Redis may be a new, empty
  // one. (A check on the first connection is merely early.)
  const onReady = () => void checkNow();
  opts.connection.on("ready", onReady);
  return {
    checkNow,
    stop: async () => {
      clearInterval(timer);
      opts.connection.off("ready", onReady);
      await checking;
    },
  };
}
