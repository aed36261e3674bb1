import { describe, expect, it } from "vitest";
import { newId, setList } from "./sql-tx";

describe("newId", () => {
  it("looks like Prisma's cuid(): 25 characters, a leading c, lower-case base 36, unique and ordered by time", async () => {
    const a = newId();
    await new Promise((r) => setTimeout(r, 5));
    const ids = Array.from({ length: 1000 }, newId);
    for (const id of [a, ...ids]) expect(id).toMatch(/^c[0-9a-z]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.slice(0, 9) >= a.slice(0, 9))).toBe(true);
  });
});

describe("setList", () => {
  const cols = { status: { enum: "StepRunStatus" }, output: "json", endedAt: "timestamp", error: "text", version: "int" } as const;

  it("casts each kind of column and leaves undefined keys alone", () => {
    const sql = setList(cols, { status: "COMPLETED", output: { a: 1 }, endedAt: new Date("2026-01-02T03:04:05.006Z"), error: null, version: { increment: 1 }, skipped: undefined });
    const texts = sql.map((s) => s.text);
    expect(texts).toEqual([
      '"status" = $1::"StepRunStatus"',
      '"output" = $1::jsonb',
      "\"endedAt\" = $1::timestamptz AT TIME ZONE 'UTC'",
      '"error" = $1::text',
      '"version" = "version" + $1::int',
    ]);
    expect(sql.map((s) => s.values[0])).toEqual(["COMPLETED", '{"a":1}', "2026-01-02T03:04:05.006Z", null, 1]);
  });

  it("refuses a column it does not know (a typo must not write nothing silently)", () => {
    expect(() => setList(cols, { stauts: "X" })).toThrow(/no column "stauts"/);
  });
});
