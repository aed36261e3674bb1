import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const hook = path.join(__dirname, "commit-msg");
const check = (message: string) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "commit-msg-")), "MSG");
  writeFileSync(file, message);
  const r = spawnSync(process.execPath, [hook, file], { encoding: "utf8" });
  return { ok: r.status === 0, stderr: r.stderr };
};

describe("commit-msg hook", () => {
  it("accepts a short subject, with or without a body", () => {
    expect(check("Add a UI kit\n").ok).toBe(true);
    expect(check("Add a UI kit\n\nDataTable, ConfirmDialog and Field.\n").ok).toBe(true);
    expect(check(`${"x".repeat(72)}\n`).ok).toBe(true);
  });

  it("refuses a subject over 72 characters, an empty one, and a body glued to the subject", () => {
    expect(check(`${"x".repeat(73)}\n`)).toMatchObject({ ok: false, stderr: expect.stringContaining("73 characters") });
    expect(check("\n").ok).toBe(false);
    expect(check("Subject\nbody on the next line\n").stderr).toContain("blank line");
  });

  it("leaves git's own merge subjects alone and ignores comment lines", () => {
    expect(check(`Merge branch '${"a".repeat(80)}'\n`).ok).toBe(true);
    expect(check("# a comment git adds\nFix a thing\n").ok).toBe(true);
  });
});
