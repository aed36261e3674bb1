import { requirementsScope } from "./drg-evaluate";
import { decideTable } from "./decide-table";
import { fromFeelValue, normaliseTypeRef, toFeelValue } from "./feel";
import type { DecisionTableModel, EvaluationResult } from "./schemas";

// Evaluating a decision table for the API, the routing and the engine: JSON inputs in (ISO strings
// become dates by the column's type), JSON outputs out. The rules are applied by decide-table.ts.

export { evaluationError } from "./decide-table";

/** Evaluates a table on JSON inputs for the API: ISO strings become dates, outputs come back as JSON. */
export function evaluateDecisionTable(model: DecisionTableModel, inputs: Record<string, unknown>): EvaluationResult {
  // A table of a decision graph first evaluates what its decision requires, from the model's input data.
  const context = model.graph ? requirementsScope(model.graph, model.key, inputs).scope : { ...inputs };
  const r = decideTable(model, context, { convertInput: (value, typeRef) => toFeelValue(value, normaliseTypeRef(typeRef)) });
  return { outputs: r.outputs.map((o) => fromFeelValue(o) as Record<string, unknown>), matchedRules: r.matchedRules };
}


/**
 * What a caller supplies when it maps no inputs: the names the table's input expressions read, or,
 * for a table of a decision graph, the model's input data (the table reads required decisions).
 */
export function defaultInputs(model: DecisionTableModel): { name: string; label: string }[] {
  if (model.graph) return model.graph.elements.filter((e) => e.kind === "inputData").map((e) => ({ name: e.name, label: e.name }));
  return model.inputs.map((i) => ({ name: i.expression.trim(), label: i.label ?? i.expression.trim() }));
}
