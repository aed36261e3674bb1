import type { Job } from "bullmq";
import { onTaskDecided, onWaitTimeout, runFirstSteps, runStep, type JobResult } from "../../lib/engine";
import { recoverEngineJobs } from "../../lib/engine";
import { runCompanions } from "../../lib/db";
import { eventActor, processEventReceiptIn } from "../../lib/events/service";
import type { EventResult } from "../../lib/events/parse";
import { parseJob, requestIdOf } from "../parse-job";

const ENGINE_JOBS = ["process-event", "run-step", "human-decided", "wait-timeout", "recover-engine"] as const;

/**
 * The process engine's queue: each job moves one instance one step. Idempotent: a duplicate or
 * late job finds the step already moved on (guarded transitions) and returns "skipped".
 */
export async function processEngineJob(raw: Job): Promise<JobResult | { requeued: number } | { event: EventResult["outcome"] | "unknown" }> {
  // Jobs riding along in this one's payload (a decision's notification with "human-decided"):
  // handled first, so a failure of the engine's part cannot hold them back (ADR 017).
  await runCompanions(raw.data);
  const job = parseJob(raw, ENGINE_JOBS);
  // The request that started the work (copied by the outbox), else the job's own id.
  const requestId = requestIdOf(raw) ?? raw.id;
  switch (job.name) {
    case "process-event": {
      const { result, firstStepRuns } = await processEventReceiptIn(job.data.receiptId, eventActor(job.data.by, requestId), { inline: true, recheckProducer: true });
      // The started instances' first steps run in this job (ADR 015).
      await runFirstSteps(firstStepRuns, requestId);
      return { event: result?.outcome ?? "unknown" };
    }
    case "run-step":
      return runStep(job.data.stepRunId, requestId);
    case "human-decided":
      return onTaskDecided(job.data.taskId, job.data.requestId);
    case "wait-timeout":
      return onWaitTimeout(job.data.stepRunId, requestId);
    case "recover-engine":
      return recoverEngineJobs();
  }
}
