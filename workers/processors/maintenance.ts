import { UnrecoverableError, type Job } from "bullmq";
import { dispatchOutbox } from "../../lib/outbox/service";
import { sealAll } from "../../lib/audit/sealer";

/** Repeating sweeps that keep Redis in step with PostgreSQL. */
export async function processMaintenanceJob(job: Job): Promise<{ dispatched: number } | { sealed: number }> {
  switch (job.name) {
    case "dispatch-outbox": {
      let total = 0;
      // Drain in batches so a backlog after an outage clears in one sweep.
      for (let i = 0; i < 20; i++) {
        const n = await dispatchOutbox(500);
        total += n;
        if (n < 500) break;
      }
      return { dispatched: total };
    }
    case "seal-audit":
      return { sealed: await sealAll() };
    default:
      throw new UnrecoverableError(`unknown maintenance job "${job.name}"`);
  }
}
