import { describe, expect, it } from "vitest";
import { cancelTaskSchema, claimTaskSchema, createTaskSchema, decideTaskSchema, taskListQuerySchema } from "./schemas";
import { taskReference } from "../references";

function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("createTaskSchema", () => {
  it("accepts a minimal group task and fills defaults", () => {
    const r = createTaskSchema.safeParse({ title: "  Approve invoice  ", candidateGroup: "accounts-payable" });
    expect(r.success).toBe(true);
    expect(r.data).toEqual({ title: "Approve invoice", candidateGroup: "accounts-payable", context: {}, priority: "NORMAL", requiredSkills: [], approvalsRequired: 1 });
  });

  it("requires an assignee or a candidate group", () => {
    const r = createTaskSchema.safeParse({ title: "Nobody's task" });
    expect(r.success).toBe(false);
    expect(issues(r)).toContainEqual({ path: "candidateGroup", message: "Name an assignee or a candidate group" });
  });

  it("requires a non-blank title", () => {
    const r = createTaskSchema.safeParse({ title: "   ", assignee: "maya@acme.test" });
    expect(issues(r)).toContainEqual({ path: "title", message: "Title is required" });
  });

  it("rejects unknown fields (strict)", () => {
    const r = createTaskSchema.safeParse({ title: "x", assignee: "a@b.c", status: "DECIDED" });
    expect(r.success).toBe(false);
  });

  it("rejects a bad priority and a due date without offset", () => {
    expect(createTaskSchema.safeParse({ title: "x", assignee: "a@b.c", priority: "ASAP" }).success).toBe(false);
    const due = createTaskSchema.safeParse({ title: "x", assignee: "a@b.c", dueAt: "tomorrow" });
    expect(issues(due)[0]?.path).toBe("dueAt");
    expect(createTaskSchema.safeParse({ title: "x", assignee: "a@b.c", dueAt: "2026-12-01T17:00:00Z" }).success).toBe(true);
  });

  it("limits the context to 64 KB of JSON", () => {
    const fits = { blob: "x".repeat(60 * 1024) };
    const tooBig = { blob: "x".repeat(64 * 1024) };
    expect(createTaskSchema.safeParse({ title: "x", assignee: "a@b.c", context: fits }).success).toBe(true);
    const r = createTaskSchema.safeParse({ title: "x", assignee: "a@b.c", context: tooBig });
    expect(r.success).toBe(false);
    expect(issues(r)).toContainEqual({ path: "context", message: "must be at most 64 KB of JSON" });
  });

  it("rejects a context that is not an object", () => {
    expect(createTaskSchema.safeParse({ title: "x", assignee: "a@b.c", context: [1, 2] }).success).toBe(false);
  });
});

describe("decideTaskSchema", () => {
  it("accepts an approval without a reason", () => {
    expect(decideTaskSchema.safeParse({ outcome: "approve" }).success).toBe(true);
  });

  it("needs a reason to reject", () => {
    for (const reason of [undefined, "", "    "]) {
      const r = decideTaskSchema.safeParse({ outcome: "reject", reason });
      expect(r.success).toBe(false);
      expect(issues(r)).toContainEqual({ path: "reason", message: "A reason is required to reject" });
    }
    expect(decideTaskSchema.safeParse({ outcome: "reject", reason: "No purchase order" }).success).toBe(true);
  });

  it("rejects malformed outcome ids, non-positive versions and extra fields", () => {
    // Whether an id is one the task offers (approve, reject or a custom outcome) is the service's check.
    expect(decideTaskSchema.safeParse({ outcome: "maybe so" }).success).toBe(false);
    expect(decideTaskSchema.safeParse({ outcome: "" }).success).toBe(false);
    expect(decideTaskSchema.safeParse({ outcome: "approve_partial", reason: "half" }).success).toBe(true);
    expect(decideTaskSchema.safeParse({ outcome: "approve", version: 0 }).success).toBe(false);
    expect(decideTaskSchema.safeParse({ outcome: "approve", version: 1.5 }).success).toBe(false);
    expect(decideTaskSchema.safeParse({ outcome: "approve", decidedBy: "me" }).success).toBe(false);
  });

  it("limits the reason to 2000 characters", () => {
    expect(decideTaskSchema.safeParse({ outcome: "reject", reason: "x".repeat(2001) }).success).toBe(false);
  });
});

describe("other task schemas", () => {
  it("needs a reason to cancel", () => {
    expect(cancelTaskSchema.safeParse({}).success).toBe(false);
    expect(cancelTaskSchema.safeParse({ reason: "Vendor withdrew" }).success).toBe(true);
  });

  it("claim takes only an optional version", () => {
    expect(claimTaskSchema.safeParse({}).success).toBe(true);
    expect(claimTaskSchema.safeParse({ version: 3 }).success).toBe(true);
    expect(claimTaskSchema.safeParse({ assignee: "x" }).success).toBe(false);
  });

  it("list query coerces and bounds the limit", () => {
    expect(taskListQuerySchema.parse({})).toEqual({ view: "inbox", limit: 50 });
    expect(taskListQuerySchema.parse({ limit: "10", view: "all" })).toEqual({ view: "all", limit: 10 });
    expect(taskListQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(taskListQuerySchema.safeParse({ limit: "101" }).success).toBe(false);
    expect(taskListQuerySchema.safeParse({ view: "everything" }).success).toBe(false);
  });

  it("formats references", () => {
    expect(taskReference(1042)).toBe("TSK-1042");
  });
});
