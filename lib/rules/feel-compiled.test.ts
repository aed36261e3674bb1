import { beforeEach, describe, expect, it } from "vitest";
import { evaluate, unaryTest } from "./feel/feelin/index.js";
import { clearCompiledFeel, compiledFeelStats, evaluateCompiled, MAX_COMPILED, namesOf, unaryTestCompiled } from "./feel-compiled";
import { fromFeelValue } from "./feel";

// Compiled FEEL (ADR 054): a cell is parsed once and its tree run against every context; the
// answers must be exactly feelin's, and a different set of names must never reuse a tree.

beforeEach(() => clearCompiledFeel());

const json = (v: unknown) => JSON.stringify(fromFeelValue(v));

describe("compiled FEEL", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["amount * 0.015", { amount: 999.99 }],
    ["decimal(amount * 0.0125, 2)", { amount: 1000 }],
    ["amount / 3 + 2.5", { amount: 10000.01 }],
    ["if newVendor then \"four-eyes\" else \"clerk\"", { newVendor: true }],
    ["{a: 1, b: a + 1}.b", {}],
    ["for x in items return x * 2", { items: [1, 2, 3] }],
    ["items[price > 10].name", { items: [{ name: "a", price: 5 }, { name: "b", price: 20 }] }],
    ["date(\"2026-12-07\") + duration(\"P1D\")", {}],
    ["sum(items.price)", { items: [{ price: 0.1 }, { price: 0.2 }] }],
    ["applicant.monthly income * 12", { applicant: { "monthly income": 1000.5 } }],
  ];

  it.each(cases)("%s answers what feelin's evaluate answers, the first time and from the cache", (text, context) => {
    const expected = json(evaluate(text, context).value);
    expect(json(evaluateCompiled(text, context))).toBe(expected);
    expect(json(evaluateCompiled(text, context))).toBe(expected);
    expect(compiledFeelStats()).toMatchObject({ misses: 1, hits: 1 });
  });

  it("runs one tree against other values with the same names", () => {
    expect(evaluateCompiled("amount * 2", { amount: 1 })).toBe(2);
    expect(evaluateCompiled("amount * 2", { amount: 21 })).toBe(42);
    expect(compiledFeelStats()).toMatchObject({ misses: 1, hits: 1, size: 1 });
  });

  it("compiles again when the names differ, because they change the parse", () => {
    // With "Net-Worth" in the context the text is that name plus 1; without it, Net minus Worth plus 1.
    expect(evaluateCompiled("Net-Worth + 1", { "Net-Worth": 3 })).toBe(4);
    expect(evaluateCompiled("Net-Worth + 1", { Net: 5, Worth: 1 })).toBe(5);
    expect(evaluate("Net-Worth + 1", { Net: 5, Worth: 1 }).value).toBe(5);
    expect(compiledFeelStats()).toMatchObject({ misses: 2, hits: 0, size: 2 });
    // Nested names count as well: a path into a context with a spaced key.
    expect(evaluateCompiled("a.b c", { a: { "b c": 3 } })).toBe(3);
    expect(evaluateCompiled("a.b c", { a: { b: 4, c: 5 } })).toBeNull();
    expect(compiledFeelStats().misses).toBe(4);
  });

  it("unary tests match as feelin's unaryTest does", () => {
    for (const [text, input] of [["< 1000", 999.99], ["< 1000", 1000], ["[1..10]", 10], ['"EUR","USD"', "USD"], ["not(\"EUR\")", "EUR"], ["-", 5], ["? > 3", 4]] as const) {
      const expected = unaryTest(text, { "?": input }).value;
      expect(unaryTestCompiled(text, { "?": input })).toBe(expected);
      expect(unaryTestCompiled(text, { "?": input })).toBe(expected);
    }
  });

  it("throws on a syntax error as evaluate does, and keeps nothing for it", () => {
    expect(() => evaluate("1 +* 2", {})).toThrow();
    expect(() => evaluateCompiled("1 +* 2", {})).toThrow();
    expect(compiledFeelStats().size).toBe(0);
  });

  it("keeps at most MAX_COMPILED trees, dropping the least recently used", () => {
    evaluateCompiled("0 + 0", {});
    for (let i = 1; i <= MAX_COMPILED + 10; i++) {
      evaluateCompiled(`${i} + ${i}`, {});
      if (i % 100 === 0) evaluateCompiled("0 + 0", {}); // used often: stays
    }
    const { size, hits } = compiledFeelStats();
    expect(size).toBe(MAX_COMPILED);
    const before = compiledFeelStats().misses;
    evaluateCompiled("0 + 0", {});
    expect(compiledFeelStats().misses).toBe(before);
    evaluateCompiled("1 + 1", {});
    expect(compiledFeelStats().misses).toBe(before + 1);
    expect(hits).toBeGreaterThan(0);
  });

  it("does not cache a context with too many names to key by, and still answers", () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ [`k${i}`]: i }));
    expect(evaluateCompiled("count(items)", { items })).toBe(600);
    expect(compiledFeelStats()).toMatchObject({ uncached: 1, size: 0 });
  });

  it("describes names, not values: the same shape keys alike", () => {
    expect(namesOf({ a: 1, b: { c: "x" } })).toBe(namesOf({ a: 2, b: { c: "y" } }));
    expect(namesOf({ a: 1, b: { c: "x" } })).not.toBe(namesOf({ a: 1, b: { "c d": "x" } }));
    expect(namesOf({ l: [{ x: 1 }, { x: 2 }] })).toBe(namesOf({ l: [{ x: 3 }] }));
  });
});
