import { AppError } from "../errors";
import { evaluateDecisionTable } from "./evaluate";
import type { DecisionTableModel, TestCase, TestCaseResult } from "./schemas";

// A table's test cases: inputs and the exact outputs the table must answer. All must pass
// before a version is published.

export function runTestCases(model: DecisionTableModel, testCases: TestCase[]): TestCaseResult[] {
  return testCases.map((t) => {
    try {
      const r = evaluateDecisionTable(model, t.inputs);
      return {
        name: t.name,
        passed: sameOutputs(r.outputs, t.expected),
        expected: t.expected,
        actual: r.outputs,
        matchedRules: r.matchedRules.map((m) => m.id),
        error: null,
      };
    } catch (e) {
      return { name: t.name, passed: false, expected: t.expected, actual: null, matchedRules: [], error: e instanceof AppError ? e.message : String(e) };
    }
  });
}

function sameOutputs(actual: Record<string, unknown>[], expected: Record<string, unknown>[]): boolean {
  return actual.length === expected.length && actual.every((a, i) => canonical(a) === canonical(expected[i]));
}

/** A JSON value as text with object keys sorted: equal values, equal text. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  return `{${Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}
