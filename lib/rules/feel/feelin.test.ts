import { describe, expect, it } from "vitest";
import { evaluate } from "./feelin/index.js";

// Baton's change to the vendored feelin: FEEL numbers follow decimal arithmetic (DMN 1.5
// §10.3.2.3), so results are the decimal results, not binary floating point's.

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
