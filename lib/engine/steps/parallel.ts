import type { Actor } from "../../identity/actor";
import type { ParallelStep } from "../../processes/schemas";
import { skipped, transition, type Ctx, type StepResult } from "../kernel";
import { forkInTx } from "../transitions";

// A parallel step: forks one branch per declared branch; the join completes inside the transaction
// of the last branch to arrive (lib/engine/transitions.ts), so a join never runs as a job.

export function run(ctx: Ctx, step: ParallelStep, actor: Actor): Promise<StepResult> | StepResult {
  if (ctx.stepRun.status !== "PENDING") return skipped(`step ${ctx.stepRun.status}`);
  return transition("fork", (tx) => forkInTx(tx, { doc: ctx.doc, actor }, ctx.instance.id, ctx.stepRun, step));
}
