// The small, safe expression language of process definitions: dotted variable paths,
// `{{ path }}` templates and conditions such as `{ "var": "amount", "op": ">=", "value": 10000 }`.
// Nothing here evaluates code; every operator is listed below.

import { getPath } from "../paths";

export const CONDITION_OPS = ["==", "!=", ">", ">=", "<", "<=", "in", "not in", "contains", "exists", "not exists"] as const;
type ConditionOp = (typeof CONDITION_OPS)[number];

export interface Condition {
  var: string;
  op: ConditionOp;
  value?: unknown;
}

/** A branch guard: one condition, a list (all must hold), or `{ all: [...] }` / `{ any: [...] }`. */
export type Guard = Condition | Condition[] | { all: Condition[] } | { any: Condition[] };

const PATH_RE = /^\$?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

export function isPath(s: string): boolean {
  return PATH_RE.test(s);
}



const TEMPLATE_RE = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const WHOLE_TEMPLATE_RE = /^\{\{\s*([^{}\s]+)\s*\}\}$/;

/** Paths a template refers to that are not valid paths (reported by validation). */
export function badTemplatePaths(template: string): string[] {
  return [...template.matchAll(TEMPLATE_RE)].map((m) => m[1]!).filter((p) => !isPath(p));
}

function stringify(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Renders `Approve {{ invoice.number }}`: missing values render as "". */
export function renderTemplate(template: string, scope: unknown): string {
  return template.replace(TEMPLATE_RE, (_, path: string) => stringify(getPath(scope, path)));
}

/**
 * Evaluates a value of a `set` assignment or a body template: a string that is exactly
 * `{{ path }}` keeps the value's type; other strings are rendered; `{ "var": path }` reads a
 * value; arrays and objects are evaluated member by member; anything else is a literal.
 */
export function evaluateValue(value: unknown, scope: unknown): unknown {
  if (typeof value === "string") {
    const whole = WHOLE_TEMPLATE_RE.exec(value);
    if (whole) return getPath(scope, whole[1]!) ?? null;
    return renderTemplate(value, scope);
  }
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, scope));
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "var" && typeof (value as { var: unknown }).var === "string") {
      return getPath(scope, (value as { var: string }).var) ?? null;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateValue(v, scope)]));
  }
  return value;
}

function compare(a: unknown, b: unknown): number | null {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") {
    // ISO dates and plain strings compare lexically; numeric strings numerically.
    const na = Number(a);
    const nb = Number(b);
    if (a.trim() !== "" && b.trim() !== "" && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "number" && typeof b === "string" && b.trim() !== "" && !Number.isNaN(Number(b))) return a - Number(b);
  if (typeof a === "string" && typeof b === "number" && a.trim() !== "" && !Number.isNaN(Number(a))) return Number(a) - b;
  return null;
}

function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const c = compare(a, b);
  if (c !== null) return c === 0;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function evaluateCondition(c: Condition, scope: unknown): boolean {
  const left = getPath(scope, c.var);
  switch (c.op) {
    case "exists":
      return left !== undefined && left !== null;
    case "not exists":
      return left === undefined || left === null;
    case "==":
      return equals(left, c.value);
    case "!=":
      return !equals(left, c.value);
    case ">":
    case ">=":
    case "<":
    case "<=": {
      const d = compare(left, c.value);
      if (d === null) return false;
      return c.op === ">" ? d > 0 : c.op === ">=" ? d >= 0 : c.op === "<" ? d < 0 : d <= 0;
    }
    case "in":
      return Array.isArray(c.value) && c.value.some((v) => equals(left, v));
    case "not in":
      return Array.isArray(c.value) && !c.value.some((v) => equals(left, v));
    case "contains":
      if (Array.isArray(left)) return left.some((v) => equals(v, c.value));
      return typeof left === "string" && typeof c.value === "string" && left.includes(c.value);
  }
}

export function evaluateGuard(g: Guard, scope: unknown): boolean {
  if (Array.isArray(g)) return g.every((c) => evaluateCondition(c, scope));
  if ("all" in g) return g.all.every((c) => evaluateCondition(c, scope));
  if ("any" in g) return g.any.some((c) => evaluateCondition(c, scope));
  return evaluateCondition(g, scope);
}


