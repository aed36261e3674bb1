import { describe, expect, it } from "vitest";
import { date, duration } from "./feel/feelin/index.js";
import { checkExpression, checkUnaryTests, fromFeelValue, literalTypesOfUnaryTests, matchesUnaryTests, normaliseTypeRef, toFeelValue } from "./feel";

// Every form of FEEL unary test a DMN input entry can take (DMN 1.3 §10.3.2.9), as feelin
// evaluates it for Baton.
const m = (cell: string, input: unknown, ctx: Record<string, unknown> = {}) => matchesUnaryTests(cell, input, ctx);

describe("unary tests", () => {
  it("comparisons", () => {
    expect(m("< 1000", 999.99)).toBe(true);
    expect(m("< 1000", 1000)).toBe(false);
    expect(m("<= 1000", 1000)).toBe(true);
    expect(m("> 10000", 10000)).toBe(false);
    expect(m(">= 10000", 10000)).toBe(true);
    expect(m("1000", 1000)).toBe(true);
    expect(m("= 1000", 1000)).toBe(true);
    expect(m("!= 1000", 1000)).toBe(false);
  });

  it("ranges: closed, open and half-open ends", () => {
    expect(m("[1000..10000]", 1000)).toBe(true);
    expect(m("[1000..10000]", 10000)).toBe(true);
    expect(m("(1000..10000)", 1000)).toBe(false);
    expect(m("]1000..10000[", 10000)).toBe(false);
    expect(m("[1..2)", 2)).toBe(false);
    expect(m("(1..2]", 1.5)).toBe(true);
  });

  it("lists (any of) and negation not(...)", () => {
    expect(m('"gold","silver"', "silver")).toBe(true);
    expect(m('"gold","silver"', "bronze")).toBe(false);
    expect(m("< 0, > 100", 150)).toBe(true);
    expect(m("< 0, > 100", 50)).toBe(false);
    expect(m('not("gold","silver")', "bronze")).toBe(true);
    expect(m('not("gold","silver")', "gold")).toBe(false);
    expect(m("not([1..5])", 7)).toBe(true);
  });

  it('"-" and an empty cell match anything, null included', () => {
    expect(m("-", 42)).toBe(true);
    expect(m("-", null)).toBe(true);
    expect(m("", "x")).toBe(true);
  });

  it("strings are compared exactly", () => {
    expect(m('"new"', "new")).toBe(true);
    expect(m('"new"', "New")).toBe(false);
    expect(m('"new"', null)).toBe(false);
  });

  it("booleans", () => {
    expect(m("true", true)).toBe(true);
    expect(m("true", false)).toBe(false);
    expect(m("false", false)).toBe(true);
  });

  it("dates, date-times and durations", () => {
    expect(m('> date("2026-01-01")', date("2026-03-01"))).toBe(true);
    expect(m('[date("2026-01-01")..date("2026-03-31")]', date("2026-04-01"))).toBe(false);
    expect(m('<= duration("PT8H")', duration("PT6H"))).toBe(true);
    expect(m('> duration("P2D")', duration("P1D"))).toBe(false);
    expect(m('< date and time("2026-11-26T12:00:00Z")', toFeel("dateTime", "2026-11-26T09:00:00Z"))).toBe(true);
  });

  it("null: matches only null; not(null) matches any value", () => {
    expect(m("null", null)).toBe(true);
    expect(m("null", 0)).toBe(false);
    expect(m("not(null)", 0)).toBe(true);
    expect(m("not(null)", null)).toBe(false);
    expect(m("< 1000", null)).toBe(false);
  });

  it("expressions with ? and other inputs", () => {
    expect(m("? > limit", 12, { limit: 10 })).toBe(true);
    expect(m("> limit", 8, { limit: 10 })).toBe(false);
    expect(m("abs(?) > 3", -5)).toBe(true);
  });
});

function toFeel(type: "dateTime", v: string) {
  const r = toFeelValue(v, type);
  if ("error" in r) throw new Error(r.error);
  return r.value;
}

describe("syntax checks", () => {
  it("accepts valid cells and names where it failed", () => {
    expect(checkUnaryTests("[1..10]")).toBeNull();
    expect(checkUnaryTests("")).toBeNull();
    expect(checkUnaryTests("< 1000 (")).toMatchObject({ message: expect.stringContaining("incomplete"), position: 8 });
    expect(checkUnaryTests(">>>")).not.toBeNull();
    expect(checkExpression('"clerk"')).toBeNull();
    expect(checkExpression("vendor risk")).toBeNull();
    expect(checkExpression("1 +")).toMatchObject({ message: expect.stringContaining("incomplete") });
    expect(checkExpression("", { allowEmpty: false })).not.toBeNull();
  });

  it("finds the literal types a cell compares with, ignoring function arguments", () => {
    expect(literalTypesOfUnaryTests("< 1000").map((l) => l.type)).toEqual(["number"]);
    expect(literalTypesOfUnaryTests('"a","b"').map((l) => l.type)).toEqual(["string", "string"]);
    expect(literalTypesOfUnaryTests('not("a")').map((l) => l.type)).toEqual(["string"]);
    expect(literalTypesOfUnaryTests('[date("2026-01-01")..date("2026-02-01")]').map((l) => l.type)).toEqual(["date", "date"]);
    expect(literalTypesOfUnaryTests("-5").map((l) => l.type)).toEqual(["number"]);
    expect(literalTypesOfUnaryTests("abs(?) > 3")).toEqual([]);
    expect(literalTypesOfUnaryTests("-")).toEqual([]);
  });
});

describe("values", () => {
  it("normalises the typeRef spellings of DMN tools", () => {
    expect(["integer", "long", "double", "number"].map(normaliseTypeRef)).toEqual(["number", "number", "number", "number"]);
    expect(normaliseTypeRef("date and time")).toBe("dateTime");
    expect(normaliseTypeRef("dayTimeDuration")).toBe("duration");
    expect(normaliseTypeRef("tCustomer")).toBe("any");
  });

  it("converts JSON inputs by the column type and names a wrong one", () => {
    expect(toFeelValue("2026-01-31", "date")).toEqual({ value: date("2026-01-31") });
    expect(toFeelValue("PT8H", "duration")).toEqual({ value: duration("PT8H") });
    expect(toFeelValue("1000", "number")).toEqual({ error: 'expected a number, got "1000"' });
    expect(toFeelValue(1, "boolean")).toMatchObject({ error: expect.stringContaining("true or false") });
    expect(toFeelValue(null, "number")).toEqual({ value: null });
  });

  it("turns FEEL values back into JSON", () => {
    expect(fromFeelValue(date("2026-01-31"))).toBe("2026-01-31");
    expect(fromFeelValue(duration("P2D"))).toBe("P2D");
    expect(fromFeelValue({ a: [1, date("2026-01-01")] })).toEqual({ a: [1, "2026-01-01"] });
  });
});
