import { describe, expect, it } from "vitest";
import { canForward } from "./can-forward";

const task = (over: Partial<{ status: string; decide: boolean; assignee: string | null }> = {}) => ({
  status: (over.status ?? "OPEN") as "OPEN",
  can: { claim: false, unclaim: true, decide: over.decide ?? true, requestInfo: true, answer: false, undo: false, readOnlyReason: null },
  assignee: over.assignee === null ? null : { id: over.assignee ?? "me", name: "Me" },
});

describe("canForward (the detail's button, the inbox's f key and command)", () => {
  it("is my own open task that I may decide", () => {
    expect(canForward(task(), "me")).toBe(true);
  });
  it("is not someone else's, a queued one, a closed one, one I may not decide, or anything before I am known", () => {
    expect(canForward(task({ assignee: "colleague" }), "me")).toBe(false);
    expect(canForward(task({ assignee: null }), "me")).toBe(false);
    expect(canForward(task({ status: "INFO_REQUESTED" }), "me")).toBe(false);
    expect(canForward(task({ status: "DECIDED" }), "me")).toBe(false);
    expect(canForward(task({ decide: false }), "me")).toBe(false);
    expect(canForward(task(), undefined)).toBe(false);
  });
});
