import { AppError } from "../errors";
import type { DecisionModel } from "./drg";
import { evaluateModelDecision, inputDataFromJson } from "./drg-evaluate";
import { fromFeelValue } from "./feel";
import type { ModelTestCase, ModelTestCaseResult } from "./model-schemas";
import { findDecision } from "./model-upload";
import { canonical } from "./test-cases";

// One decision of a model on JSON inputs, and a model's test cases (ADR 054). Pure: no database.

export interface DecisionAnswer {
  /** The decision's name. */
  decision: string;
  decisionId: string;
  /** The input data the decision read (others are ignored). */
  inputs: Record<string, unknown>;
  /** The value as JSON. */
  value: unknown;
  /** What went wrong along the way, when something did (a null value then means a failure). */
  problems: string[];
}

/**
 * Evaluates a decision (name or id) with its requirements on JSON inputs keyed by input data name.
 * NOT_FOUND for an unknown decision; DECISION_EVALUATION_FAILED for a wrong input type, or when
 * the decision is null because something failed — never a silent null.
 */
export function answerDecision(graph: DecisionModel, decision: string, inputs: Record<string, unknown>, what: string): DecisionAnswer {
  const d = findDecision(graph, decision);
  if (!d) throw new AppError("NOT_FOUND", `${what} has no decision "${decision}".`);
  const inputNames = new Set(graph.elements.filter((e) => e.kind === "inputData").map((e) => e.name));
  const used = Object.fromEntries(Object.entries(inputs).filter(([name]) => inputNames.has(name)));
  const { value, problems } = evaluateModelDecision(graph, d.id, inputDataFromJson(graph, used));
  if ((value === null || value === undefined) && problems.length > 0) {
    throw new AppError("DECISION_EVALUATION_FAILED", `Decision "${d.name}" of ${what} could not decide: ${problems.join("; ")}`, { details: { elementId: d.id, problems } });
  }
  return { decision: d.name, decisionId: d.id, inputs: used, value: fromFeelValue(value), problems };
}

/** Runs each test case's decision on its inputs; a case passes when the value equals `expected` exactly (object keys in any order). */
export function runModelTestCases(graph: DecisionModel, testCases: ModelTestCase[], what: string): ModelTestCaseResult[] {
  return testCases.map((t) => {
    try {
      const r = answerDecision(graph, t.decision, t.inputs, what);
      return { name: t.name, decision: r.decision, passed: canonical(r.value) === canonical(t.expected ?? null), expected: t.expected ?? null, actual: r.value, error: null };
    } catch (e) {
      return { name: t.name, decision: t.decision, passed: false, expected: t.expected ?? null, actual: null, error: e instanceof AppError ? e.message : String(e) };
    }
  });
}
