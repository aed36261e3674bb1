import { feelNumber, isFunction } from "../../lib/rules/feel/feelin/index.js";
import Decimal from "decimal.js";
import { feelTypeOf, toFeelValue } from "../../lib/rules/feel";
import { child, childrenNamed, type XmlNode } from "./xml";

// TCK values: an XML node holds a <value> (typed by xsi:type, or xsi:nil), <component>s (a
// context) or a <list> of <item>s. Read into FEEL values, and compared as the TCK's runners do.

export function readTckValue(node: XmlNode): unknown {
  const value = child(node, "value");
  if (value) return readScalar(value);
  const list = child(node, "list");
  if (list) return list.attrs.nil === "true" ? null : childrenNamed(list, "item").map(readTckValue);
  const components = childrenNamed(node, "component");
  if (components.length > 0) return Object.fromEntries(components.map((c) => [c.attrs.name ?? "", readTckValue(c)]));
  return null;
}

const TEMPORAL: Record<string, "date" | "time" | "dateTime" | "duration"> = { date: "date", time: "time", dateTime: "dateTime", duration: "duration", dayTimeDuration: "duration", yearMonthDuration: "duration" };

function readScalar(v: XmlNode): unknown {
  if (v.attrs.nil === "true") return null;
  const type = (v.attrs.type ?? "").replace(/^\w+:/, "");
  const text = v.text;
  if (type === "decimal" || type === "double" || type === "integer" || type === "int" || type === "long") return numberOf(text.trim());
  if (type === "boolean") return text.trim() === "true";
  const temporal = TEMPORAL[type];
  if (temporal) {
    const converted = toFeelValue(text.trim(), temporal);
    return "value" in converted ? converted.value : text;
  }
  if (v.children.length > 0) return readTckValue(v);
  return text;
}

function numberOf(text: string): unknown {
  if (text === "NaN" || text === "INF" || text === "-INF") return null;
  // the decimal the TCK wrote, 34 digits and all
  return feelNumber(text);
}

/** Why `actual` is not the TCK's `expected`, or null when they agree. */
export function compareTckValue(actual: unknown, expected: unknown): string | null {
  if (expected === null || expected === undefined) return actual === null || actual === undefined ? null : "expected null";
  if (actual === null || actual === undefined) return "got null";
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return "expected a list";
    if (actual.length !== expected.length) return `expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = compareTckValue(actual[i], expected[i]);
      if (m) return `item ${i + 1}: ${m}`;
    }
    return null;
  }
  if (typeof expected === "number" || Decimal.isDecimal(expected)) return numbersAgree(actual, expected) ? null : "different number";
  if (typeof expected === "string" || typeof expected === "boolean") return actual === expected ? null : `different ${typeof expected}`;
  const t = feelTypeOf(expected);
  if (t && t !== "any") return feelTypeOf(actual) === t && String(actual) === String(expected) ? null : `different ${t}`;
  if (typeof expected === "object") {
    if (typeof actual !== "object" || Array.isArray(actual) || isFunction(actual) || feelTypeOf(actual) !== "any") return "expected a context";
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const extra = Object.keys(a).filter((k) => !(k in e));
    if (extra.length > 0) return `unexpected entries ${extra.join(", ")}`;
    for (const k of Object.keys(e)) {
      const m = compareTckValue(a[k] ?? null, e[k]);
      if (m) return `${k}: ${m}`;
    }
    return null;
  }
  return "incomparable";
}

/**
 * Numbers agree when equal as decimals, or within a relative 1e-12: some expected values of the
 * TCK were printed from binary floating-point computations (0008's loan payment is
 * 562.707359373292 where the 34-digit decimal result is 562.70735937326592…), so an exact
 * comparison would fail correct decimal arithmetic.
 */
function numbersAgree(actual: unknown, expected: unknown): boolean {
  const a = typeof actual === "number" ? new Decimal(actual) : Decimal.isDecimal(actual) ? (actual as Decimal) : null;
  if (!a) return false;
  const e = new Decimal(expected as Decimal.Value);
  if (a.equals(e)) return true;
  if (e.isZero()) return a.abs().lte(1e-12);
  return a.minus(e).abs().div(e.abs()).lte(1e-12);
}
