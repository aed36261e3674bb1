import { describe, expect, it } from "vitest";
import { evaluateCondition, evaluateGuard, evaluateValue, renderTemplate } from "./expressions";
import { getPath, setPath } from "../paths";
import { parseDurationMs } from "../duration";

const vars = { amount: 12500, vendor: { name: "Northwind", risk: "new" }, tags: ["urgent", "eu"], po: "PO-7", zero: 0, date: "2026-11-26" };

describe("paths and templates", () => {
  it("reads nested paths and array indexes; missing is undefined", () => {
    expect(getPath(vars, "vendor.name")).toBe("Northwind");
    expect(getPath(vars, "tags.1")).toBe("eu");
    expect(getPath(vars, "vendor.missing.deeper")).toBeUndefined();
    expect(getPath(vars, "constructor")).toBeUndefined();
  });

  it("writes nested paths without touching the original", () => {
    const out = setPath(vars, "vendor.id", 42);
    expect(out.vendor).toEqual({ name: "Northwind", risk: "new", id: 42 });
    expect(vars.vendor).not.toHaveProperty("id");
  });

  it("renders templates; missing values render empty", () => {
    expect(renderTemplate("Approve {{ vendor.name }} ({{amount}}) {{nope}}", vars)).toBe("Approve Northwind (12500) ");
  });

  it("a whole-value template keeps the type; objects are evaluated member by member", () => {
    expect(evaluateValue("{{ amount }}", vars)).toBe(12500);
    expect(evaluateValue({ total: "{{amount}}", label: "PO {{po}}", fixed: true, ref: { var: "vendor" } }, vars)).toEqual({
      total: 12500,
      label: "PO PO-7",
      fixed: true,
      ref: { name: "Northwind", risk: "new" },
    });
  });
});

describe("conditions", () => {
  it.each([
    [{ var: "amount", op: ">=", value: 10000 }, true],
    [{ var: "amount", op: "<", value: 1000 }, false],
    [{ var: "amount", op: "==", value: "12500" }, true],
    [{ var: "vendor.risk", op: "==", value: "new" }, true],
    [{ var: "vendor.risk", op: "!=", value: "new" }, false],
    [{ var: "vendor.risk", op: "in", value: ["new", "high"] }, true],
    [{ var: "vendor.risk", op: "not in", value: ["new"] }, false],
    [{ var: "tags", op: "contains", value: "eu" }, true],
    [{ var: "po", op: "exists" }, true],
    [{ var: "zero", op: "exists" }, true],
    [{ var: "missing", op: "not exists" }, true],
    [{ var: "missing", op: ">", value: 1 }, false],
    [{ var: "date", op: ">", value: "2026-01-01" }, true],
  ] as const)("%j → %s", (c, expected) => {
    expect(evaluateCondition(c as never, vars)).toBe(expected);
  });

  it("a list means all; any/all groups", () => {
    expect(evaluateGuard([{ var: "amount", op: ">", value: 1000 }, { var: "vendor.risk", op: "==", value: "new" }], vars)).toBe(true);
    expect(evaluateGuard({ all: [{ var: "amount", op: ">", value: 1000 }, { var: "po", op: "not exists" }] }, vars)).toBe(false);
    expect(evaluateGuard({ any: [{ var: "amount", op: "<", value: 1000 }, { var: "po", op: "exists" }] }, vars)).toBe(true);
  });
});

describe("ISO 8601 durations", () => {
  it.each([
    ["PT30S", 30_000],
    ["PT8H", 8 * 3600_000],
    ["P2D", 2 * 86_400_000],
    ["P1W", 7 * 86_400_000],
    ["PT0.05S", 50],
    ["P1DT2H3M4S", 86_400_000 + 2 * 3600_000 + 3 * 60_000 + 4000],
  ])("%s = %d ms", (s, ms) => expect(parseDurationMs(s)).toBe(ms));

  it.each(["", "P", "PT", "8h", "P1Y", "P1M", "PT-1S"])("%j is refused", (s) => expect(parseDurationMs(s)).toBeNull());
});
