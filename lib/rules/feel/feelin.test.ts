import { describe, expect, it } from "vitest";
import { evaluate, FeelDecimal, feelNumber, toJsNumber } from "./feelin/index.js";
import { feelTypeOf, fromFeelValue, toFeelValue } from "../feel";

// Baton's change to the vendored feelin: FEEL numbers are decimals (DMN 1.5 §10.3.2.3, Decimal128:
// 34 significant digits), kept as decimals between operations; results are the decimal results,
// not binary floating point's.

const feel = (expression: string, context: Record<string, unknown> = {}) => evaluate(expression, context).value;

describe("decimal arithmetic in the vendored feelin", () => {
  it("adds, subtracts, multiplies and divides as decimals", () => {
    expect(feel("0.1 + 0.2")).toBe(0.3);
    expect(feel("0.3 - 0.1")).toBe(0.2);
    expect(feel("1.1 * 1.1")).toBe(1.21);
    expect(feel("0.3 / 0.1")).toBe(3);
    expect(feel("0.1 + 0.2 = 0.3")).toBe(true);
    expect(feel("a + b", { a: 0.1, b: 0.2 })).toBe(0.3);
    expect(feel('"a" + "b"')).toBe("ab");
  });

  it("exponentiates as decimals, including negative and fractional exponents", () => {
    expect(feel("10 ** -5")).toBe(0.00001);
    expect(feel("1.1 ** 2")).toBe(1.21);
    expect(feel("4 ** 0.5")).toBe(2);
  });

  it("aggregates as decimals", () => {
    expect(feel("sum([0.1, 0.2])")).toBe(0.3);
    expect(feel("mean([0.1, 0.2])")).toBe(0.15);
    expect(feel("product([0.1, 0.2, 3])")).toBe(0.06);
    expect(feel("sum([])")).toBe(null);
  });

  it("rounds on the decimal value", () => {
    expect(feel("decimal(2.5, 0)")).toBe(2);
    expect(feel("decimal(1.115, 2)")).toBe(1.12);
    expect(feel("floor(-1.5)")).toBe(-2);
    expect(feel("ceiling(1.01, 1)")).toBe(1.1);
    expect(feel("round up(-5.5, 0)")).toBe(-6);
    expect(feel("round down(5.59, 1)")).toBe(5.5);
    expect(feel("round half up(1.005, 2)")).toBe(1.01);
    expect(feel("round half down(-5.5, 0)")).toBe(-5);
    expect(feel("decimal(1, 1.5)")).toBe(null);
  });

  it("takes the modulo with the divisor's sign", () => {
    expect(feel("modulo(12, 5)")).toBe(2);
    expect(feel("modulo(-12, 5)")).toBe(3);
    expect(feel("modulo(12, -5)")).toBe(-3);
    expect(feel("modulo(10.1, 4.5)")).toBe(1.1);
  });

  it("answers null for division by zero", () => {
    expect(feel("1 / 0")).toBe(null);
  });
});

describe("34-digit decimals between operations (ADR 046)", () => {
  const text = (expression: string, context: Record<string, unknown> = {}) => String(feel(expression, context));

  it("keeps a result that no JavaScript number holds as a 34-digit decimal for the next operation", () => {
    expect(text("1 / 3")).toBe("0.3333333333333333333333333333333333");
    expect(feel("1 / 3")).toBeInstanceOf(FeelDecimal);
    expect(text("1 / 3 * 3")).toBe("0.9999999999999999999999999999999999");
    expect(feel("1 / 3 * 3 = 1")).toBe(false);
    expect(text("123456789012345678 + 1")).toBe("123456789012345679");
    expect(feel("123456789012345678 + 1 = 123456789012345679")).toBe(true);
    expect(text("2 / 3", {})).toBe("0.6666666666666666666666666666666667");
    expect(text("x * 10", { x: feel("1 / 3") })).toBe("3.333333333333333333333333333333333");
  });

  it("holds a value a JavaScript number denotes exactly as that number", () => {
    expect(feel("0.1 + 0.2")).toBe(0.3);
    expect(feel("1 / 4")).toBe(0.25);
    expect(feel("(1 / 3) * 3 - 1 + 1 / 3 * 3")).toBeInstanceOf(FeelDecimal);
    expect(feel("9007199254740993 - 2")).toBe(9007199254740991);
    expect(feel("decimal(1 / 3, 2)")).toBe(0.33);
  });

  it("compares decimals exactly, in comparisons, ranges, unary tests and lists", () => {
    expect(feel("1 / 3 < 0.3333333333333333333333333333333334")).toBe(true);
    expect(feel("1 / 3 > 0.3333333333333333")).toBe(true);
    expect(feel("1 / 3 in [0.3..0.4]")).toBe(true);
    expect(feel("1 / 3 = 2 / 6")).toBe(true);
    expect(feel("list contains([1 / 3, 0.5], 2 / 6)")).toBe(true);
    expect(text("max([1 / 3, 0.3, 2 / 9])")).toBe("0.3333333333333333333333333333333333");
    expect(feel("min([1 / 3, 0.3, 2 / 9]) = 2 / 9")).toBe(true);
    expect(feel("[1 / 3, 0.5, 0.25][item > 0.3]")).toHaveLength(2);
    expect(feel("sort([0.5, 1 / 3, 0.25], function(a, b) a < b)[2] = 1 / 3")).toBe(true);
  });

  it("answers the number built-ins in decimal", () => {
    expect(text("string(1 / 3)")).toBe("0.3333333333333333333333333333333333");
    expect(text('number("12345678901234567890.12", null, null)')).toBe("12345678901234567890.12");
    expect(feel('number("1,000.5", ",", ".")')).toBe(1000.5);
    expect(feel('number("abc", null, null)')).toBe(null);
    expect(feel("sqrt(16)")).toBe(4);
    expect(text("sqrt(2)")).toBe("1.414213562373095048801688724209698");
    expect(feel("abs(-1 / 3) = 1 / 3")).toBe(true);
    expect(feel("median([3, 1, 2, 4])")).toBe(2.5);
    expect(feel("median([10, 9, 100])")).toBe(10);
    expect(feel("mode([6, 3, 9, 6, 6, 3, 3])")).toEqual([3, 6]);
    expect(feel("stddev([2, 4, 7, 5])")).toBeCloseTo(2.0816659994661326, 12);
    expect(feel("odd(5)")).toBe(true);
    expect(feel("even(-4)")).toBe(true);
    expect(feel("odd(1.5)")).toBe(null);
    expect(feel("sum([1 / 3, 2 / 3])")).toBe(1);
  });

  it("scales durations by numbers and divides durations", () => {
    expect(text('duration("P1D") * 2')).toBe("P2D");
    expect(text('1.5 * duration("PT1H")')).toBe("PT1H30M");
    expect(text('duration("P1Y") / 2')).toBe("P6M");
    expect(feel('duration("P2D") / duration("PT12H")')).toBe(4);
    expect(feel('duration("P1Y") / duration("P1M")')).toBe(12);
    expect(feel('duration("P1D") / 0')).toBe(null);
    expect(feel('duration("P1Y") = duration("P365D")')).toBe(null);
    expect(text('years and months duration(date("2011-12-22"), date("2013-08-24"))')).toBe("P1Y8M");
    expect(text('date("2021-01-01") + duration("PT36H")')).toBe("2021-01-02");
    expect(text('date and time("2021-01-02T10:00:00@Europe/Paris") - date and time("2021-01-01T10:00:00Z")')).toBe("PT23H");
    expect(feel('date and time("2021-01-02T10:00:00Z") - date and time("2021-01-01T10:00:00")')).toBe(null);
  });

  it("leaves the evaluator as the nearest JavaScript number (JSON out), and takes JSON numbers as they are", () => {
    const third = feel("1 / 3");
    expect(fromFeelValue(third)).toBe(0.3333333333333333);
    expect(fromFeelValue({ share: third, list: [third] })).toEqual({ share: 0.3333333333333333, list: [0.3333333333333333] });
    expect(toJsNumber(feelNumber("0.1")!)).toBe(0.1);
    expect(feelNumber("0.1")).toBe(0.1);
    expect(feelTypeOf(third)).toBe("number");
    expect(toFeelValue(third, "number")).toEqual({ value: third });
    expect(toFeelValue(0.1, "number")).toEqual({ value: 0.1 });
  });
});

describe("range functions, long years and the x flag (ADR 046)", () => {
  it("answers every range function of DMN 1.5 §10.3.4.7, positionally and by the spec's parameter names", () => {
    expect(feel("before(1, 10)")).toBe(true);
    expect(feel("before(point: 1, range: (1..5])")).toBe(true);
    expect(feel("before(range: [1..5], point: 5)")).toBe(false);
    expect(feel("before(range1: [1..5), range2: [5..8])")).toBe(true);
    expect(feel("after([5..8], [1..5])")).toBe(false);
    expect(feel("meets([1..5], [5..8])")).toBe(true);
    expect(feel("met by([5..8], [1..5])")).toBe(true);
    expect(feel("overlaps([1..5], [3..8])")).toBe(true);
    expect(feel("overlaps before([1..5], [3..8])")).toBe(true);
    expect(feel("overlaps after([3..8], [1..5])")).toBe(true);
    expect(feel("finishes(5, [1..5])")).toBe(true);
    expect(feel("finishes([3..5], [1..5])")).toBe(true);
    expect(feel("finished by([1..5], [3..5])")).toBe(true);
    expect(feel("includes([1..10], 5)")).toBe(true);
    expect(feel("includes(range1: [1..10], range2: [4..6])")).toBe(true);
    expect(feel("during(5, (5..10])")).toBe(false);
    expect(feel("starts(1, [1..5])")).toBe(true);
    expect(feel("started by([1..5], [1..3])")).toBe(true);
    expect(feel("coincides([1..5], [1..5])")).toBe(true);
    expect(feel('before(date("2024-01-01"), [date("2024-02-01")..date("2024-03-01")])')).toBe(true);
    expect(feel("includes([11..null), 11)")).toBe(true);
    expect(feel('before(1, "a")')).toBe(null);
    expect(feel("before(null, 1)")).toBe(null);
  });

  it("reads and writes negative and five-digit years", () => {
    expect(String(feel('date("-2017-02-28")'))).toBe("-2017-02-28");
    expect(String(feel('date("12345-01-01")'))).toBe("12345-01-01");
    expect(String(feel('date and time("-2017-02-28T10:00:00")'))).toBe("-2017-02-28T10:00:00");
    expect(feel('date("-2017-02-28") < date("2017-02-28")')).toBe(true);
    expect(feel('date("012345-01-01")')).toBe(null);
  });

  it("applies the x flag: whitespace outside character classes is ignored", () => {
    expect(feel('matches("helloworld", "hello world", "x")')).toBe(true);
    expect(feel('matches("a b", "a[ ]b", "x")')).toBe(true);
    expect(feel('replace("abc", "b c", "#", "x")')).toBe("a#");
  });
});
