import { UnrecoverableError, type Job } from "bullmq";
import { dispatchOutbox, pruneOutbox } from "../../lib/db";
import { sealAll } from "../../lib/audit/sealer";
import { archiveAuditEntries, type ArchiveResult } from "../../lib/audit/archive";
import { workerActor } from "../../lib/identity/actor";
import { env } from "../../lib/env";
import { JOB_SCHEMAS } from "../../lib/queues";
import { refreshKpiRollups, type RefreshResult } from "../../lib/kpi/rollup";
import { commitDueHeldDecisions, commitHeldDecision } from "../../lib/tasks";

/** Repeating sweeps that keep Redis in step with PostgreSQL. */
export async function processMaintenanceJob(job: Job): Promise<{ dispatched: number } | { pruned: number } | { sealed: number } | ArchiveResult | RefreshResult | { committed: number | string }> {
  switch (job.name) {
    case "dispatch-outbox": {
      let total = 0;
      // Drain in batches so a backlog after an outage clears in one sweep. Messages younger than
      // two seconds are still their committer's to hand over or handle (lib/outbox/service.ts).
      for (let i = 0; i < 20; i++) {
        const n = await dispatchOutbox(500, { minAgeMs: 2000 });
        total += n;
        if (n < 500) break;
      }
      return { dispatched: total };
    }
    case "prune-outbox":
      return { pruned: await pruneOutbox(env().OUTBOX_RETENTION_HOURS) };
    case "commit-decision": {
      // The undo window of a held decision closed: commit it unless it was undone.
      const data = JOB_SCHEMAS["commit-decision"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid commit-decision payload: ${data.error.message}`);
      const result = await commitHeldDecision(data.data.taskId, job.id);
      // Clocks of Redis and PostgreSQL may differ by a little: retry (backoff) until it is due.
      if (result === "not_due") throw new Error("held decision not due yet");
      return { committed: result };
    }
    case "commit-held-decisions":
      return { committed: await commitDueHeldDecisions() };
    case "seal-audit":
      return { sealed: await sealAll() };
    case "archive-audit": {
      const days = env().AUDIT_RETENTION_DAYS;
      if (days === 0) return { archived: 0 };
      return archiveAuditEntries({
        olderThan: new Date(Date.now() - days * 86_400_000),
        dir: env().AUDIT_ARCHIVE_DIR,
        actor: workerActor("worker:audit-retention", job.id),
      });
    }
    case "refresh-kpis": {
      const data = JOB_SCHEMAS["refresh-kpis"].safeParse(job.data ?? {});
      if (!data.success) throw new UnrecoverableError(`invalid refresh-kpis payload: ${data.error.message}`);
      return refreshKpiRollups({ rebuild: data.data.rebuild });
    }
    default:
      throw new UnrecoverableError(`unknown maintenance job "${job.name}"`);
  }
}
