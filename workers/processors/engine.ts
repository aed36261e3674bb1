import { UnrecoverableError, type Job } from "bullmq";
import { JOB_SCHEMAS } from "../../lib/queues";
import { onTaskDecided, onWaitTimeout, runFirstSteps, runStep, type JobResult } from "../../lib/engine";
import { recoverEngineJobs } from "../../lib/engine";
import { runCompanions } from "../../lib/db";
import { eventActor, processEventReceiptIn } from "../../lib/events/service";
import type { EventResult } from "../../lib/events/parse";

/** The request that started the work (copied by the outbox), else the job's own id. */
function requestIdOf(job: Job): string | undefined {
  const id = (job.data as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === "string" ? id : job.id;
}

/**
 * The process engine's queue: each job moves one instance one step. Idempotent: a duplicate or
 * late job finds the step already moved on (guarded transitions) and returns "skipped".
 */
export async function processEngineJob(job: Job): Promise<JobResult | { requeued: number } | { event: EventResult["outcome"] | "unknown" }> {
  // Jobs riding along in this one's payload (a decision's notification with "human-decided"):
  // handled first, so a failure of the engine's part cannot hold them back (ADR 017).
  await runCompanions(job.data);
  switch (job.name) {
    case "process-event": {
      const data = JOB_SCHEMAS["process-event"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid process-event payload: ${data.error.message}`);
      const requestId = requestIdOf(job);
      const { result, firstStepRuns } = await processEventReceiptIn(data.data.receiptId, eventActor(data.data.by, requestId), { inline: true });
      // The started instances' first steps run in this job (ADR 015).
      await runFirstSteps(firstStepRuns, requestId);
      return { event: result?.outcome ?? "unknown" };
    }
    case "run-step": {
      const data = JOB_SCHEMAS["run-step"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid run-step payload: ${data.error.message}`);
      return runStep(data.data.stepRunId, requestIdOf(job));
    }
    case "human-decided": {
      const data = JOB_SCHEMAS["human-decided"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid human-decided payload: ${data.error.message}`);
      return onTaskDecided(data.data.taskId, data.data.requestId);
    }
    case "wait-timeout": {
      const data = JOB_SCHEMAS["wait-timeout"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid wait-timeout payload: ${data.error.message}`);
      return onWaitTimeout(data.data.stepRunId, requestIdOf(job));
    }
    case "recover-engine":
      return recoverEngineJobs();
    default:
      throw new UnrecoverableError(`unknown engine job "${job.name}"`);
  }
}
