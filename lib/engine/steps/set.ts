import type { Actor } from "../../identity/actor";
import { evaluateValue } from "../../processes/expressions";
import type { SetStep } from "../../processes/schemas";
import { skipped, transition, variablesOf, type Ctx, type StepResult } from "../kernel";
import type { Assignment } from "../store";
import { finishStepInTx } from "../transitions";

// A set step: evaluates expressions into variables.

export function run(ctx: Ctx, step: SetStep, actor: Actor): Promise<StepResult> | StepResult {
  if (ctx.stepRun.status !== "PENDING") return skipped(`step ${ctx.stepRun.status}`);
  const variables = variablesOf(ctx);
  const assigned: Record<string, unknown> = {};
  const assign: Assignment[] = [];
  for (const [name, expr] of Object.entries(step.assign)) {
    const value = evaluateValue(expr, variables);
    assigned[name] = value;
    assign.push([name, value]);
  }
  return transition("set", (tx) => finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "COMPLETED", output: assigned, assign, next: step.next ?? null, action: "step.completed" }));
}
