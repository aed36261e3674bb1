import type { Job } from "bullmq";
import { dispatchOutbox, pruneOutbox } from "../../lib/db";
import { sealAll } from "../../lib/audit/sealer";
import { archiveAuditEntries } from "../../lib/audit/archive";
import { anchorAuditCheckpoint } from "../../lib/audit/anchor";
import { workerActor } from "../../lib/identity/actor";
import { env } from "../../lib/env";
import { refreshKpiRollups } from "../../lib/kpi/rollup";
import { pruneExpiredRows } from "../../lib/retention/service";
import { commitDueHeldDecisions, commitHeldDecision } from "../../lib/tasks";
import { sendDailyDigests } from "../../lib/notifications/digest";
import { parseJob } from "../parse-job";

const MAINTENANCE_JOBS = ["dispatch-outbox", "prune-outbox", "prune-retention", "commit-decision", "commit-held-decisions", "send-digests", "seal-audit", "archive-audit", "anchor-audit", "refresh-kpis"] as const;

/** Drains the outbox in batches, so a backlog after an outage clears in one sweep. */
async function sweepOutbox(): Promise<number> {
  let total = 0;
  for (let i = 0; i < 20; i++) {
    // Messages younger than two seconds are still their committer's to hand over or handle
    // (lib/db/outbox.ts).
    const n = await dispatchOutbox(500, { minAgeMs: 2000 });
    total += n;
    if (n < 500) break;
  }
  return total;
}

/** The maintenance queue: the worker's periodic sweeps (workers/schedules.ts) and held-decision commits. */
export async function processMaintenanceJob(raw: Job) {
  const job = parseJob(raw, MAINTENANCE_JOBS);
  switch (job.name) {
    case "dispatch-outbox":
      return { dispatched: await sweepOutbox() };
    case "prune-outbox":
      return { pruned: await pruneOutbox(env().OUTBOX_RETENTION_HOURS) };
    case "prune-retention":
      return { pruned: await pruneExpiredRows() };
    case "commit-decision": {
      // The undo window of a held decision closed: commit it unless it was undone.
      const result = await commitHeldDecision(job.data.taskId, raw.id);
      // Clocks of Redis and PostgreSQL may differ by a little: retry (backoff) until it is due.
      if (result === "not_due") throw new Error("held decision not due yet");
      return { committed: result };
    }
    case "commit-held-decisions":
      return { committed: await commitDueHeldDecisions() };
    case "send-digests":
      return { sent: await sendDailyDigests() };
    case "seal-audit":
      return { sealed: await sealAll() };
    case "archive-audit": {
      const days = env().AUDIT_RETENTION_DAYS;
      if (days === 0) return { archived: 0 };
      return archiveAuditEntries({ olderThan: new Date(Date.now() - days * 86_400_000), dir: env().AUDIT_ARCHIVE_DIR, actor: workerActor("worker:audit-retention", raw.id) });
    }
    case "anchor-audit":
      return anchorAuditCheckpoint();
    case "refresh-kpis":
      return refreshKpiRollups({ rebuild: job.data.rebuild });
  }
}
