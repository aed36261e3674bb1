import { isAppError } from "../../errors";
import type { Actor } from "../../identity/actor";
import { evaluateGuard } from "../../processes/expressions";
import { getPath, setPath } from "../../paths";
import type { DecisionStep } from "../../processes/schemas";
import { findLatestPublished, findVersion } from "../../rules/repository";
import { defaultInputs } from "../../rules/evaluate";
import { decisionTableModelSchema } from "../../rules/schemas";
import { evaluateDecisionInTx, evaluateModelDecisionInTx } from "../../rules/service";
import { evaluateDecisionModelInTx } from "../../rules/models";
import { skipped, transition, variablesOf, type Ctx, type StepResult } from "../kernel";
import { finishStepInTx } from "../transitions";

// A decision step: the first branch whose condition holds, or a decision table's answer that the
// branches then test.

export function run(ctx: Ctx, step: DecisionStep, actor: Actor): Promise<StepResult> | StepResult {
  if (ctx.stepRun.status !== "PENDING") return skipped(`step ${ctx.stepRun.status}`);
  const variables = variablesOf(ctx);
  if (step.model) return byDecisionModel(ctx, step, step.model, variables, actor);
  if (step.table?.decision) return byModelDecision(ctx, step, step.table, step.table.decision, variables, actor);
  if (step.table) return byTable(ctx, step, step.table, variables, actor);
  const i = step.branches.findIndex((b) => evaluateGuard(b.when, variables));
  const next = i >= 0 ? step.branches[i]!.next : step.otherwise;
  const output = { branch: i >= 0 ? i : "otherwise", next };
  return transition("decision", (tx) =>
    finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "COMPLETED", output, next, action: "step.completed", auditAfter: { branch: output.branch } }),
  );
}

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A decision step with a DMN table (lib/rules): the latest published version, or the pinned one,
 * evaluated in the step's transaction (audited as decision_table.evaluated with the inputs, the
 * matched rules and the outputs). The first output lands in a variable the branches then test;
 * the step run records the version and the rules that decided. A table that cannot answer fails
 * the step, naming the table.
 */
function byTable(ctx: Ctx, step: DecisionStep, table: NonNullable<DecisionStep["table"]>, variables: Record<string, unknown>, actor: Actor): Promise<StepResult> {
  return transition("decision (table)", async (tx) => {
    const fail = (why: string) =>
      finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "FAILED", error: `Step "${step.id}": decision table "${table.key}" ${why}`, next: null, action: "step.failed" });
    const row = table.version ? await findVersion(table.key, table.version, tx) : await findLatestPublished(table.key, tx);
    if (!row) return fail(table.version ? `has no version ${table.version}` : "has no published version");
    if (row.status !== "PUBLISHED") return fail(`version ${row.version} is a draft; publish it first`);
    const model = decisionTableModelSchema.parse(row.model);
    let mapping = table.inputs;
    if (!mapping) {
      mapping = {};
      for (const { name, label } of defaultInputs(model)) {
        if (!SIMPLE_NAME.test(name)) return fail(`input "${label}" is the expression "${name}"; map it with table.inputs`);
        mapping[name] = name;
      }
    }
    const inputs: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(mapping)) inputs[name] = getPath(variables, path) ?? null;
    let evaluation;
    try {
      evaluation = await evaluateDecisionInTx(tx, actor, table.key, inputs, row.version, { instanceId: ctx.instance.id });
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      return fail(`v${row.version} could not decide: ${e.message}`);
    }
    const value = evaluation.outputs.length > 1 ? evaluation.outputs : (evaluation.outputs[0] ?? null);
    const outPath = table.output ?? step.id;
    const decided = setPath(variables, outPath, value);
    const i = step.branches.findIndex((b) => evaluateGuard(b.when, decided));
    const next = i >= 0 ? step.branches[i]!.next : step.otherwise;
    const output = { table: table.key, version: evaluation.version, matchedRules: evaluation.matchedRules, inputs, outputs: evaluation.outputs, branch: i >= 0 ? i : "otherwise", next };
    return finishStepInTx(tx, actor, ctx, ["PENDING"], {
      status: "COMPLETED",
      output,
      assign: [[outPath, value]],
      next,
      action: "step.completed",
      auditAfter: { table: table.key, tableVersion: evaluation.version, matchedRules: evaluation.matchedRules.map((r) => r.id), branch: output.branch },
    });
  });
}

/**
 * A decision step with any decision of a published table's DMN model (a literal expression, a
 * context, a decision requiring others…): evaluated with its requirements in the step's
 * transaction; its value lands in the output variable the branches then test. Input data are
 * the variables of the same name unless `table.inputs` maps them.
 */
function byModelDecision(ctx: Ctx, step: DecisionStep, table: NonNullable<DecisionStep["table"]>, decision: string, variables: Record<string, unknown>, actor: Actor): Promise<StepResult> {
  return transition("decision (model)", async (tx) => {
    const fail = (why: string) =>
      finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "FAILED", error: `Step "${step.id}": decision "${decision}" of "${table.key}" ${why}`, next: null, action: "step.failed" });
    const row = table.version ? await findVersion(table.key, table.version, tx) : await findLatestPublished(table.key, tx);
    if (!row) return fail(table.version ? `has no version ${table.version}` : "has no published version");
    if (row.status !== "PUBLISHED") return fail(`version ${row.version} is a draft; publish it first`);
    const inputs: Record<string, unknown> = {};
    if (table.inputs) for (const [name, path] of Object.entries(table.inputs)) inputs[name] = getPath(variables, path) ?? null;
    let evaluation;
    try {
      evaluation = await evaluateModelDecisionInTx(tx, actor, table.key, decision, table.inputs ? inputs : variables, row.version, { instanceId: ctx.instance.id });
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      return fail(`v${row.version} could not decide: ${e.message}`);
    }
    return completeWithValue(tx, ctx, step, actor, variables, table.output, evaluation, { table: table.key }, { table: table.key, tableVersion: evaluation.version });
  });
}

/**
 * A decision step with a decision of a DMN model (ADR 054): `model: { key, decision }`, evaluated
 * with its requirements in the step's transaction (audited as decision_model.evaluated). Unless a
 * version is pinned, the instance uses the version that was published when it started, so a
 * publish never changes a case half-way. Input data are the variables of the same name unless
 * `model.inputs` maps them; the value lands in the output variable the branches then test.
 */
function byDecisionModel(ctx: Ctx, step: DecisionStep, model: NonNullable<DecisionStep["model"]>, variables: Record<string, unknown>, actor: Actor): Promise<StepResult> {
  return transition("decision (model)", async (tx) => {
    const fail = (why: string) =>
      finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "FAILED", error: `Step "${step.id}": decision "${model.decision}" of model "${model.key}": ${why}`, next: null, action: "step.failed" });
    const inputs: Record<string, unknown> = {};
    if (model.inputs) for (const [name, path] of Object.entries(model.inputs)) inputs[name] = getPath(variables, path) ?? null;
    let evaluation;
    try {
      evaluation = await evaluateDecisionModelInTx(tx, actor, model.key, model.decision, model.inputs ? inputs : variables, {
        version: model.version,
        publishedOnly: true,
        refs: { instanceId: ctx.instance.id },
      });
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      return fail(e.message);
    }
    return completeWithValue(tx, ctx, step, actor, variables, model.output, evaluation, { model: model.key }, { model: model.key, modelVersion: evaluation.version });
  });
}

/** A decision's value lands in the output variable, the branches test it, and the step completes recording what decided. */
function completeWithValue(
  tx: Parameters<typeof finishStepInTx>[0],
  ctx: Ctx,
  step: DecisionStep,
  actor: Actor,
  variables: Record<string, unknown>,
  output: string | undefined,
  evaluation: { version: number; decision: string; inputs: Record<string, unknown>; value?: unknown },
  source: Record<string, string>,
  audited: Record<string, unknown>,
) {
  const outPath = output ?? step.id;
  const decided = setPath(variables, outPath, evaluation.value);
  const i = step.branches.findIndex((b) => evaluateGuard(b.when, decided));
  const next = i >= 0 ? step.branches[i]!.next : step.otherwise;
  const branch = i >= 0 ? i : "otherwise";
  return finishStepInTx(tx, actor, ctx, ["PENDING"], {
    status: "COMPLETED",
    output: { ...source, version: evaluation.version, decision: evaluation.decision, inputs: evaluation.inputs, value: evaluation.value, branch, next },
    assign: [[outPath, evaluation.value]],
    next,
    action: "step.completed",
    auditAfter: { ...audited, decision: evaluation.decision, branch },
  });
}
