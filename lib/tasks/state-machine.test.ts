import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { TASK_STATUSES, type TaskStatus } from "./schemas";
import { allowedFrom, assertTarget, assertTransition, canTransition, type TaskAction } from "./state-machine";

const ACTIONS: TaskAction[] = ["claim", "unclaim", "decide", "approveOne", "cancel", "requestInfo", "answer", "reassign", "undo", "escalate"];

// The whole lifecycle table: what each status allows.
const EXPECTED: Record<TaskStatus, TaskAction[]> = {
  OPEN: ["claim", "unclaim", "decide", "approveOne", "cancel", "requestInfo", "reassign", "escalate"],
  INFO_REQUESTED: ["cancel", "answer"],
  DECIDED: ["undo"],
  CANCELLED: [],
};

function thrown(fn: () => void): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("task state machine", () => {
  for (const status of TASK_STATUSES) {
    for (const action of ACTIONS) {
      const allowed = EXPECTED[status].includes(action);
      it(`${allowed ? "allows" : "refuses"} ${action} from ${status}`, () => {
        expect(canTransition(status, action)).toBe(allowed);
        if (allowed) expect(() => assertTransition(status, action)).not.toThrow();
        else expect(() => assertTransition(status, action)).toThrow(AppError);
      });
    }
  }

  it("reports a decided task as TASK_ALREADY_DECIDED (409) with who decided", () => {
    const err = thrown(() => assertTransition("DECIDED", "decide", { decidedBy: "Dana Lee", outcome: "approve" }));
    expect(err.code).toBe("TASK_ALREADY_DECIDED");
    expect(err.status).toBe(409);
    expect(err.details).toMatchObject({ currentStatus: "DECIDED", decidedBy: "Dana Lee", outcome: "approve" });
  });

  it("reports cancelled and waiting tasks as TASK_NOT_ACTIONABLE", () => {
    expect(thrown(() => assertTransition("CANCELLED", "claim")).code).toBe("TASK_NOT_ACTIONABLE");
    const waiting = thrown(() => assertTransition("INFO_REQUESTED", "decide"));
    expect(waiting.code).toBe("TASK_NOT_ACTIONABLE");
    expect(waiting.message).toMatch(/requested information/);
  });

  it("says an already answered question is answered, not that the task is open", () => {
    const err = thrown(() => assertTransition("OPEN", "answer"));
    expect(err.code).toBe("TASK_NOT_ACTIONABLE");
    expect(err.message).toMatch(/answered already/);
  });

  it("lists the statuses a guarded update may start from", () => {
    expect(allowedFrom("decide")).toEqual(["OPEN"]);
    expect(allowedFrom("cancel")).toEqual(["OPEN", "INFO_REQUESTED"]);
  });

  it("knows where each action may end", () => {
    expect(() => assertTarget("decide", "DECIDED")).not.toThrow();
    expect(() => assertTarget("decide", "OPEN")).toThrow(/decide cannot end in OPEN/);
    expect(() => assertTarget("escalate", "CANCELLED")).not.toThrow();
    expect(() => assertTarget("claim", "DECIDED")).toThrow();
  });
});
