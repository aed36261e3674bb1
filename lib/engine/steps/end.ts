import type { Actor } from "../../identity/actor";
import { skipped, transition, type Ctx, type StepResult } from "../kernel";
import { finishStepInTx } from "../transitions";

// An end step: the instance completes.

export function run(ctx: Ctx, actor: Actor): Promise<StepResult> | StepResult {
  if (ctx.stepRun.status !== "PENDING") return skipped(`step ${ctx.stepRun.status}`);
  return transition("end", (tx) => finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "COMPLETED", next: null, action: "step.completed" }));
}
