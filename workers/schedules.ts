import type { JobSchedulerTemplateOptions } from "bullmq";
import type { Env } from "../lib/env";
import { queue, QUEUES, type JobName, type QueueName } from "../lib/queues";

// The worker's periodic jobs, each spelled once. Each is a BullMQ job scheduler whose id is also
// the name of the jobs it produces; boot registers the table.

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
    // Held decisions whose delayed commit job Redis lost (lib/tasks/held-decisions.ts).
    s(QUEUES.maintenance, "commit-held-decisions", 5000, QUIET),
    // The engine's jobs rebuilt from PostgreSQL when Redis lost them (lib/engine/recovery.ts).
    s(QUEUES.engine, "recover-engine", env.ENGINE_RECOVERY_MS, QUIET),
    // Audit retention (lib/audit/archive.ts), only with AUDIT_RETENTION_DAYS set.
    s(QUEUES.maintenance, "archive-audit", HOUR, KEPT, { enabled: env.AUDIT_RETENTION_DAYS > 0 }),
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
