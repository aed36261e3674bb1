import { AppError } from "../errors";
import { compareNumbers, FeelDecimal, feelNumber, isNumber, type FeelNumber } from "./feel/feelin/index.js";
import { evaluateExpression, fromFeelValue, listedValues, matchesUnaryTests } from "./feel";
import type { DecisionTableModel, MatchedRule, TableRule } from "./schemas";

// The core of evaluating one decision table, in FEEL values (DMN 1.3, section 8.2.8–8.2.11): evaluate each input expression
// against the inputs, test every rule's input entries (FEEL unary tests) against those values,
// then let the hit policy turn the matching rules into the result. Pure: no database, no clock.

export function evaluationError(message: string, details: { elementId: string | null; rules?: string[] }): AppError {
  return new AppError("DECISION_EVALUATION_FAILED", message, { details });
}

interface Match {
  rule: TableRule;
  index: number;
  output: Record<string, unknown>;
}

export interface TableOptions {
  /** Turns an input expression's value into the FEEL value the column compares (the API converts ISO strings to dates); returns an error message for a value of the wrong type. */
  convertInput?: (value: unknown, typeRef: string | null) => { value: unknown } | { error: string };
}

/** A table's result in FEEL values: one output object per result, and the rules that produced them. */
export interface TableDecision {
  outputs: Record<string, unknown>[];
  matchedRules: MatchedRule[];
}

/** Evaluates a table against a FEEL context (the decision's inputs and required decisions). Throws DECISION_EVALUATION_FAILED. */
export function decideTable(model: DecisionTableModel, context: Record<string, unknown>, options: TableOptions = {}): TableDecision {
  const values = model.inputs.map((input) => {
    const label = input.label ?? input.expression;
    let raw: unknown;
    try {
      raw = evaluateExpression(input.expression, context);
    } catch (e) {
      throw evaluationError(`Input "${label}": the expression "${input.expression}" could not be evaluated (${(e as Error).message}).`, { elementId: input.id });
    }
    const converted = options.convertInput ? options.convertInput(raw, input.typeRef) : { value: raw };
    if ("error" in converted) throw evaluationError(`Input "${label}" (${input.expression}): ${converted.error}.`, { elementId: input.id });
    if (input.inputValues && converted.value !== null && !matchesUnaryTests(input.inputValues, converted.value, context)) {
      throw evaluationError(`Input "${label}" is ${JSON.stringify(fromFeelValue(converted.value))}, which is not one of its allowed values (${input.inputValues}).`, {
        elementId: input.id,
      });
    }
    return converted.value;
  });

  const matches: Match[] = [];
  model.rules.forEach((rule, n) => {
    const hit = rule.inputEntries.every((cell, k) => matchesUnaryTests(cell.text, values[k], context));
    if (!hit) return;
    const output: Record<string, unknown> = {};
    rule.outputEntries.forEach((cell, k) => {
      const name = model.outputs[k]!.name;
      try {
        output[name] = evaluateExpression(cell.text, context);
      } catch (e) {
        throw evaluationError(`Rule ${n + 1}, output "${name}": "${cell.text}" could not be evaluated (${(e as Error).message}).`, { elementId: cell.id, rules: [rule.id] });
      }
    });
    matches.push({ rule, index: n + 1, output });
  });

  if (matches.length === 0) return noMatch(model, context);
  const ruleRef = (m: Match): MatchedRule => ({ id: m.rule.id, index: m.index, annotation: m.rule.annotation });
  const result = (ms: Match[]): TableDecision => ({ outputs: ms.map((m) => m.output), matchedRules: ms.map(ruleRef) });
  const names = (ms: Match[]) => ms.map((m) => `${m.index} (${m.rule.id})`).join(", ");

  switch (model.hitPolicy) {
    case "UNIQUE":
      if (matches.length > 1) {
        throw evaluationError(`The UNIQUE hit policy allows one matching rule, but rules ${names(matches)} all match these inputs.`, {
          elementId: model.tableId,
          rules: matches.map((m) => m.rule.id),
        });
      }
      return result(matches);
    case "ANY": {
      const first = JSON.stringify(fromFeelValue(matches[0]!.output));
      const differing = matches.filter((m) => JSON.stringify(fromFeelValue(m.output)) !== first);
      if (differing.length > 0) {
        throw evaluationError(`The ANY hit policy needs matching rules to agree, but rules ${names(matches)} match with different outputs.`, {
          elementId: model.tableId,
          rules: matches.map((m) => m.rule.id),
        });
      }
      return result(matches.slice(0, 1));
    }
    case "FIRST":
      return result(matches.slice(0, 1));
    case "PRIORITY":
      return result(sortByOutputPriority(model, matches).slice(0, 1));
    case "OUTPUT ORDER":
      return result(sortByOutputPriority(model, matches));
    case "RULE ORDER":
      return result(matches);
    case "COLLECT":
      if (!model.aggregation) return result(matches);
      return { outputs: [{ [model.outputs[0]!.name]: aggregate(model, matches) }], matchedRules: matches.map(ruleRef) };
  }
}

/** No rule matched: the outputs' default values if the table has any, else no result (COUNT: 0). */
function noMatch(model: DecisionTableModel, context: Record<string, unknown>): TableDecision {
  if (model.aggregation === "COUNT") return { outputs: [{ [model.outputs[0]!.name]: 0 }], matchedRules: [] };
  if (!model.outputs.some((o) => o.defaultOutput)) return { outputs: [], matchedRules: [] };
  const output: Record<string, unknown> = {};
  for (const o of model.outputs) output[o.name] = o.defaultOutput ? evaluateExpression(o.defaultOutput, context) : null;
  return { outputs: [output], matchedRules: [] };
}

/** Decreasing priority = the order of each output's allowed values, first output first (stable for ties). */
function sortByOutputPriority(model: DecisionTableModel, matches: Match[]): Match[] {
  const orders = model.outputs.map((o) => ({ name: o.name, values: listedValues(o.outputValues).map((v) => JSON.stringify(v)) }));
  const rank = (m: Match) =>
    orders.map(({ name, values }) => {
      if (values.length === 0) return 0;
      const i = values.indexOf(JSON.stringify(fromFeelValue(m.output[name] ?? null)));
      return i === -1 ? values.length : i;
    });
  return matches
    .map((m) => ({ m, r: rank(m) }))
    .sort((a, b) => {
      for (let i = 0; i < a.r.length; i++) if (a.r[i] !== b.r[i]) return a.r[i]! - b.r[i]!;
      return a.m.index - b.m.index;
    })
    .map(({ m }) => m);
}

function aggregate(model: DecisionTableModel, matches: Match[]): unknown {
  const name = model.outputs[0]!.name;
  const values = matches.map((m) => m.output[name]).filter((v) => v !== null && v !== undefined);
  // DMN 1.3 §8.2.11: COUNT is the number of distinct outputs.
  if (model.aggregation === "COUNT") return new Set(values.map((v) => JSON.stringify(fromFeelValue(v)))).size;
  const bad = values.find((v) => !isNumber(v));
  if (bad !== undefined) {
    throw evaluationError(`COLLECT ${model.aggregation} needs numeric outputs, but "${name}" is ${JSON.stringify(bad)}.`, {
      elementId: model.outputs[0]!.id,
      rules: matches.map((m) => m.rule.id),
    });
  }
  const nums = values as FeelNumber[];
  if (nums.length === 0) return null;
  // Summed in decimal, as FEEL numbers are: 0.1 + 0.2 is 0.3, not 0.30000000000000004.
  if (model.aggregation === "SUM") return feelNumber(nums.reduce<InstanceType<typeof FeelDecimal>>((a, b) => a.plus(b), new FeelDecimal(0)));
  const sign = model.aggregation === "MIN" ? -1 : 1;
  return nums.reduce((best, n) => (compareNumbers(n, best) * sign > 0 ? n : best));
}
