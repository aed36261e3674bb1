import { query } from "../db";
import { logger } from "../logger";
import { queue } from "../queues";
import { ctxFromCarried, engineActor, loadCtx, skipped, type JobResult, type StepResult } from "./kernel";
import { liveStatusesFor, runStepMessage } from "./store";
import type { Advanced } from "./transitions";
import * as decision from "./steps/decision";
import * as end from "./steps/end";
import * as http from "./steps/http";
import * as human from "./steps/human";
import * as parallel from "./steps/parallel";
import * as set from "./steps/set";
import * as wait from "./steps/wait";

// The worker side of the engine: turns one job into step transitions. Every one is idempotent: a
// duplicate or late job finds the step already moved on and does nothing. The steps a job's
// transition creates run in the same job, one after the other (ADR 015).

/** How many steps one job runs back to back before it queues the rest (fairness between instances). */
const INLINE_STEPS_MAX = 16;

/** Runs one step run: the dispatcher over the step kinds (one module each, ./steps). */
async function runStepOnce(stepRunId: string, requestId?: string, inline = true, carried?: Advanced["carried"]): Promise<StepResult> {
  const ctx = (carried?.stepRun.id === stepRunId ? await ctxFromCarried(carried) : null) ?? (await loadCtx(stepRunId, inline));
  if (!ctx) return skipped("no such step run");
  if (!liveStatusesFor(ctx.stepRun).includes(ctx.instance.status)) return skipped(`instance ${ctx.instance.status}`);
  const actor = engineActor(requestId);
  const { step } = ctx;
  switch (step.kind) {
    case "end":
      return end.run(ctx, actor);
    case "set":
      return set.run(ctx, step, actor);
    case "decision":
      return decision.run(ctx, step, actor);
    case "http":
      return http.run(ctx, step, actor);
    case "human":
      return human.run(ctx, step, actor);
    case "wait":
      return wait.run(ctx, step, actor);
    case "parallel":
      return parallel.run(ctx, step, actor);
    case "join":
      // Joins complete inside the transaction of the last branch to arrive; they never run as jobs.
      return skipped("a join completes when its branches arrive");
  }
}

/**
 * Runs the step runs a job's transition created, one after the other in this job, instead of one
 * BullMQ job each (ADR 015): an instance moves from one wait (a person, an event, a backoff) to the
 * next in one job. A step that throws, or one past INLINE_STEPS_MAX, gets its own job; should this
 * worker die first, the recovery sweep finds the run PENDING and queues it.
 */
async function continueInline(first: StepResult, requestId?: string): Promise<JobResult> {
  const result: JobResult = { steps: [summary(first)] };
  let next = first.kind === "moved" ? first.next : null;
  let carried = first.kind === "moved" ? first.carried : undefined;
  for (let n = 0; next; n++) {
    if (n >= INLINE_STEPS_MAX) {
      result.queued = { stepRunId: next, why: "inline step limit" };
      await queueStep(next, requestId, "inline step limit");
      break;
    }
    let r: StepResult;
    try {
      r = await runStepOnce(next, requestId, true, carried);
    } catch (err) {
      // Its own job retries it (BullMQ's attempts and backoff), as if it had been queued.
      const why = err instanceof Error ? err.message : String(err);
      result.queued = { stepRunId: next, why };
      await queueStep(next, requestId, why);
      break;
    }
    result.steps.push(summary(r));
    next = r.kind === "moved" ? r.next : null;
    carried = r.kind === "moved" ? r.carried : undefined;
  }
  return result;
}

const summary = (r: StepResult): JobResult["steps"][number] => (r.kind === "moved" ? { kind: "moved", what: r.what } : { kind: "skipped", why: r.why });

async function queueStep(stepRunId: string, requestId: string | undefined, why: string): Promise<void> {
  try {
    const [run] = await query<{ instanceId: string }>(`SELECT "instanceId" FROM "StepRun" WHERE "id" = $1`, [stepRunId]);
    if (!run) return;
    const m = runStepMessage(run.instanceId, stepRunId);
    await queue(m.queue).add(m.name, { ...m.payload, ...(requestId ? { requestId } : {}) }, { jobId: m.jobId });
  } catch (err) {
    logger.warn({ err: String(err), stepRunId, why }, "step left to the recovery sweep");
  }
}

/** A run-step job. `chain: false` runs this one step and queues the next as a job (operators' tools, tests). */
export async function runStep(stepRunId: string, requestId?: string, opts: { chain?: boolean } = {}): Promise<JobResult> {
  const first = await runStepOnce(stepRunId, requestId, opts.chain !== false);
  return opts.chain === false ? { steps: [summary(first)] } : continueInline(first, requestId);
}

/** Runs the first steps of instances a worker just started (event processing with inline), from what it wrote. */
export async function runFirstSteps(first: NonNullable<Advanced["carried"]>[], requestId?: string): Promise<JobResult[]> {
  const out: JobResult[] = [];
  for (const carried of first) out.push(await continueInline({ kind: "moved", what: "started", next: carried.stepRun.id, carried }, requestId));
  return out;
}

/** A human step's task was decided: continue along the outcome's `next`. */
export async function onTaskDecided(taskId: string, requestId?: string): Promise<JobResult> {
  return continueInline(await human.decided(taskId, requestId), requestId);
}

/** A wait step's timeout came. */
export async function onWaitTimeout(stepRunId: string, requestId?: string): Promise<JobResult> {
  return continueInline(await wait.timedOut(stepRunId, requestId), requestId);
}
