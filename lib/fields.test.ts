import { describe, expect, it } from "vitest";
import { INT4_MAX, dbInt, isoDateTime, isoDay, isoDayOrTime, isRealDay, nulPath, queryInt, versionNumber } from "./fields";

describe("field schemas that match the database", () => {
  it("takes integers an int4 column holds and refuses the rest", () => {
    expect(dbInt().safeParse(INT4_MAX).success).toBe(true);
    expect(dbInt().safeParse(INT4_MAX + 1).success).toBe(false);
    expect(dbInt().safeParse(-INT4_MAX - 2).success).toBe(false);
    expect(versionNumber().safeParse(2 ** 31).success).toBe(false);
    expect(versionNumber().safeParse(0).success).toBe(false);
    expect(queryInt().safeParse("2147483647").data).toBe(INT4_MAX);
    expect(queryInt().safeParse("99999999999").success).toBe(false);
  });

  it("takes only days that exist, in years 1–9999", () => {
    for (const ok of ["2026-12-07", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"]) expect(isRealDay(ok), ok).toBe(true);
    for (const bad of ["2026-13-45", "0000-02-29", "0000-01-01", "2026-02-29", "1900-02-29", "2026-04-31", "2026-00-10", "2026-01-00"]) {
      expect(isRealDay(bad), bad).toBe(false);
      expect(isoDay().safeParse(bad).success, bad).toBe(false);
    }
    expect(isoDateTime().safeParse("2026-12-01T17:00:00Z").success).toBe(true);
    expect(isoDateTime().safeParse("0000-02-29T00:00:00Z").success).toBe(false);
    expect(isoDayOrTime().safeParse("2026-12-01T17:00:00Z").success).toBe(true);
    expect(isoDayOrTime().safeParse("2026-12-01").success).toBe(true);
    expect(isoDayOrTime().safeParse("2026-13-45").success).toBe(false);
    expect(isoDayOrTime().safeParse("2026-12-01T99:99Z").success).toBe(false);
  });

  it("finds a NUL anywhere in a JSON value, keys included", () => {
    expect(nulPath({ a: [1, "x", { b: "ok" }] })).toBeNull();
    expect(nulPath({ a: [1, "x", { b: "o\u0000k" }] })).toBe("a.2.b");
    expect(nulPath({ "k\u0000": 1 })).toBe("k\u0000");
    expect(nulPath("\u0000")).toBe("(root)");
  });
});
