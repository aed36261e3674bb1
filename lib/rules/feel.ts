import {
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelTime,
  date,
  dateAndTime,
  duration,
  evaluate,
  isNumber,
  parseExpression,
  parseUnaryTests,
  time,
  toJsNumber,
  type EvalContext,
} from "./feel/feelin/index.js";
import { evaluateCompiled, unaryTestCompiled } from "./feel-compiled";
import type { FeelType } from "./schemas";

// Thin wrappers over feelin (the FEEL parser and interpreter): readable syntax errors, the type
// of the literals in a cell, and conversion of JSON inputs to FEEL values and back. Pure and
// browser-safe: the table editor checks cells as you type with the same code.

interface FeelSyntaxProblem {
  message: string;
  /** Character offset in the cell where the parser gave up. */
  position: number;
}

/** The first syntax error in a parse tree: lezer recovers from errors and marks them with error nodes. */
function firstSyntaxError(tree: { iterate(spec: { enter(node: { type: { isError: boolean }; from: number; to: number }): boolean | void }): void }, text: string): FeelSyntaxProblem | null {
  let found: FeelSyntaxProblem | null = null;
  tree.iterate({
    enter(node) {
      if (found) return false;
      if (!node.type.isError) return;
      const position = node.from;
      const rest = text.slice(position).trim();
      found = rest === ""
        ? { message: `the expression is incomplete (at character ${position + 1})`, position }
        : { message: `unexpected "${rest.slice(0, 12)}" (at character ${position + 1})`, position };
      return false;
    },
  });
  return found;
}

function parseProblem(e: unknown): FeelSyntaxProblem {
  const err = e as { message?: string; position?: { from: number } };
  const position = err.position?.from ?? 0;
  return { message: `${err.message ?? "syntax error"} (at character ${position + 1})`, position };
}

/** A syntax problem in a unary-tests cell (an input entry, input values, output values), or null. An empty cell means "-". */
export function checkUnaryTests(text: string, names: Record<string, unknown> = {}): FeelSyntaxProblem | null {
  if (text.trim() === "") return null;
  try {
    return firstSyntaxError(parseUnaryTests(text, names, undefined), text);
  } catch (e) {
    return parseProblem(e);
  }
}

/**
 * A syntax problem in an expression cell (an input expression, an output entry), or null. `names`
 * are the names in scope (values do not matter): a name with operators in it (`Net-Income`) parses
 * as one only when the parser knows it.
 */
export function checkExpression(text: string, { allowEmpty = true } = {}, names: Record<string, unknown> = {}): FeelSyntaxProblem | null {
  if (text.trim() === "") return allowEmpty ? null : { message: "the expression is empty", position: 0 };
  try {
    return firstSyntaxError(parseExpression(text, names, undefined), text);
  } catch (e) {
    return parseProblem(e);
  }
}

/** Maps the typeRef spellings of DMN tools to the base types Baton checks. */
export function normaliseTypeRef(typeRef: string | null | undefined): FeelType {
  const t = (typeRef ?? "").trim().replace(/^feel:/, "").toLowerCase();
  if (["number", "integer", "int", "long", "double", "decimal"].includes(t)) return "number";
  if (t === "string") return "string";
  if (t === "boolean") return "boolean";
  if (t === "date") return "date";
  if (t === "time") return "time";
  if (["datetime", "date and time"].includes(t)) return "dateTime";
  if (["duration", "daytimeduration", "yearmonthduration", "days and time duration", "years and months duration"].includes(t)) return "duration";
  return "any";
}

type TreeCursorNode = { name: string; from: number; to: number; parent: TreeCursorNode | null; firstChild: TreeCursorNode | null; nextSibling: TreeCursorNode | null };

// Where a literal may stand and still be the value the input is compared with: `"a"`, `< 5`,
// `[1..10]`, `-5`, `not(…)`. Literals inside function calls or `?`-expressions are left alone.
const VALUE_POSITIONS = new Set(["PositiveUnaryTest", "SimplePositiveUnaryTest", "Interval", "PositiveUnaryTests", "UnaryTests"]);

/** The FEEL types of the literal values a unary-tests cell compares the input with. */
export function literalTypesOfUnaryTests(text: string): { type: FeelType; text: string }[] {
  if (text.trim() === "" || checkUnaryTests(text)) return [];
  const tree = parseUnaryTests(text, {}, undefined);
  const out: { type: FeelType; text: string }[] = [];
  const visit = (node: TreeCursorNode) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      const literal = literalType(child, text);
      if (literal) out.push({ type: literal, text: text.slice(child.from, child.to) });
      else if (VALUE_POSITIONS.has(child.name) || child.name === "not") visit(child);
    }
  };
  visit(tree.topNode as unknown as TreeCursorNode);
  return out;
}

function literalType(node: TreeCursorNode, text: string): FeelType | null {
  switch (node.name) {
    case "NumericLiteral":
      return "number";
    case "StringLiteral":
      return "string";
    case "BooleanLiteral":
      return "boolean";
    case "DateTimeLiteral": {
      const src = text.slice(node.from, node.to).replace(/\s+/g, " ");
      if (src.startsWith("date and time")) return "dateTime";
      if (src.startsWith("date")) return "date";
      if (src.startsWith("time")) return "time";
      if (src.startsWith("duration")) return "duration";
      return null;
    }
    default:
      return null;
  }
}

/** The FEEL type of an evaluated value, in Baton's names; null for null. */
export function feelTypeOf(value: unknown): FeelType | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return "string";
  if (isNumber(value)) return "number";
  if (typeof value === "boolean") return "boolean";
  if (value instanceof FeelDateTime) return "dateTime";
  if (value instanceof FeelDate) return "date";
  if (value instanceof FeelTime) return "time";
  if (value instanceof FeelDuration) return "duration";
  return "any";
}

/**
 * Converts one JSON value to the FEEL value a column's type expects: ISO strings become dates,
 * times, date-times and durations. Returns an error message for a value of the wrong type.
 */
export function toFeelValue(value: unknown, type: FeelType): { value: unknown } | { error: string } {
  if (value === null || value === undefined) return { value: null };
  const bad = (what: string) => ({ error: `expected ${what}, got ${JSON.stringify(value)}` });
  try {
    switch (type) {
      case "number":
        return isNumber(value) && (typeof value !== "number" || Number.isFinite(value)) ? { value } : bad("a number");
      case "string":
        return typeof value === "string" ? { value } : bad("a string");
      case "boolean":
        return typeof value === "boolean" ? { value } : bad("true or false");
      case "date":
        if (feelTypeOf(value) === "date") return { value };
        return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? checked(date(value), "a date (YYYY-MM-DD)") : bad("a date (YYYY-MM-DD)");
      case "time":
        if (feelTypeOf(value) === "time") return { value };
        return typeof value === "string" ? checked(time(value), "a time (hh:mm:ss)") : bad("a time (hh:mm:ss)");
      case "dateTime":
        if (feelTypeOf(value) === "dateTime") return { value };
        return typeof value === "string" ? checked(dateAndTime(value), "a date and time (ISO 8601)") : bad("a date and time (ISO 8601)");
      case "duration":
        if (feelTypeOf(value) === "duration") return { value };
        return typeof value === "string" ? checked(duration(value), "an ISO 8601 duration (P2D, PT8H, P1M)") : bad("an ISO 8601 duration (P2D, PT8H, P1M)");
      default:
        return { value };
    }
  } catch {
    return bad(type);
  }
}

function checked(v: unknown, what: string): { value: unknown } | { error: string } {
  return v === null || v === undefined ? { error: `expected ${what}` } : { value: v };
}

/**
 * A FEEL value as plain JSON: temporal values as their ISO strings, ranges and functions as text.
 * A number leaves as the nearest JavaScript number to its decimal value (ADR 046).
 */
export function fromFeelValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  if (isNumber(value)) return toJsNumber(value);
  if (Array.isArray(value)) return value.map(fromFeelValue);
  const t = feelTypeOf(value);
  if (t === "date" || t === "time" || t === "dateTime" || t === "duration") return String(value);
  if (typeof value === "function") return null;
  if (typeof value === "object") {
    if (Object.getPrototypeOf(value) === Object.prototype) return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromFeelValue(v)]));
    return String(value);
  }
  return null;
}

export function evaluateExpression(text: string, context: EvalContext): unknown {
  if (text.trim() === "") return null;
  return evaluateCompiled(text, context);
}

/** Evaluates a unary-tests cell against `input`; an empty cell matches anything. Null (an error) counts as no match. */
export function matchesUnaryTests(text: string, input: unknown, context: EvalContext): boolean {
  if (text.trim() === "" || text.trim() === "-") return true;
  return unaryTestCompiled(text, { ...context, "?": input }) === true;
}

/** The values listed in an output-values cell (`"high","medium","low"`), in order. */
export function listedValues(text: string | null): unknown[] {
  if (!text || text.trim() === "") return [];
  try {
    const v = evaluate(`[${text}]`, {}).value;
    return Array.isArray(v) ? v.map(fromFeelValue) : [];
  } catch {
    return [];
  }
}
