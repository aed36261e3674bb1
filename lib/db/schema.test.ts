import { describe, expect, it } from "vitest";
import { newId } from "./ids";
import { insertSql, setSql } from "./schema";

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

describe("setSql", () => {
  it("casts each kind of column from the schema, leaves undefined keys alone and sets updatedAt", () => {
    const q = setSql("StepRun", {
      status: "COMPLETED",
      output: { a: 1 },
      endedAt: new Date("2026-01-02T03:04:05.006Z"),
      error: null,
      version: { increment: 1 },
      branch: undefined,
    });
    expect(q.text).toBe(
      '"status" = $1::"StepRunStatus", "output" = $2::jsonb, "endedAt" = ($3::timestamptz AT TIME ZONE \'UTC\'), "error" = $4::text, "version" = "version" + $5::int, "updatedAt" = ($6::timestamptz AT TIME ZONE \'UTC\')',
    );
    expect(q.values.slice(0, 5)).toEqual(["COMPLETED", '{"a":1}', "2026-01-02T03:04:05.006Z", null, 1]);
  });

  it("refuses a column the table does not have (a typo must not write nothing silently)", () => {
    expect(() => setSql("StepRun", { stauts: "X" } as never)).toThrow(/"StepRun" has no column "stauts"/);
  });

  it("casts arrays, enums, bigints and booleans", () => {
    const q = setSql("Task", { requiredSkills: ["credit"], priority: "HIGH", slaPausedMs: BigInt(5), updatedAt: new Date(0) });
    expect(q.text).toBe('"requiredSkills" = $1::text[], "priority" = $2::"TaskPriority", "slaPausedMs" = $3::bigint, "updatedAt" = ($4::timestamptz AT TIME ZONE \'UTC\')');
    expect(q.values).toEqual([["credit"], "HIGH", "5", "1970-01-01T00:00:00.000Z"]);
    expect(setSql("User", { active: false, updatedAt: new Date(0) }).text).toBe('"active" = $1::boolean, "updatedAt" = ($2::timestamptz AT TIME ZONE \'UTC\')');
  });
});

describe("insertSql", () => {
  it("fills what the ORM filled: a cuid id, createdAt and updatedAt", () => {
    const { sql, row } = insertSql("SavedFilter", { userId: "u1", name: "Mine", query: "view=mine" });
    expect(row.id).toMatch(/^c[0-9a-z]{24}$/);
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(sql.text).toBe(
      'INSERT INTO "SavedFilter" ("userId", "name", "query", "id", "createdAt") VALUES ($1::text, $2::text, $3::text, $4::text, ($5::timestamptz AT TIME ZONE \'UTC\'))',
    );
  });

  it("keeps what the caller gave", () => {
    const { row } = insertSql("SavedFilter", { id: "given", userId: "u1", name: "Mine", query: "" });
    expect(row.id).toBe("given");
  });
});
