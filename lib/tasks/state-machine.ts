import { AppError } from "../errors";
import type { TaskStatus } from "./schemas";

// The task lifecycle: which statuses each action starts from and which it may end in. Every
// change of a task row goes through it (lib/tasks/change.ts, the escalation batch), with the
// statuses in the guarded UPDATE's WHERE, so concurrent changes cannot both pass.
export type TaskAction = "claim" | "unclaim" | "decide" | "approveOne" | "cancel" | "requestInfo" | "answer" | "reassign" | "forward" | "undo" | "undoApproval" | "escalate";

const TRANSITIONS: Record<TaskAction, { from: readonly TaskStatus[]; to: readonly TaskStatus[] }> = {
  claim: { from: ["OPEN"], to: ["OPEN"] },
  unclaim: { from: ["OPEN"], to: ["OPEN"] },
  decide: { from: ["OPEN"], to: ["DECIDED"] },
  // Four-eyes: an approval that leaves approvers missing; the task goes back to its queue.
  approveOne: { from: ["OPEN"], to: ["OPEN"] },
  cancel: { from: ["OPEN", "INFO_REQUESTED"], to: ["CANCELLED"] },
  // Asking is part of deciding: the task waits, then the answer returns it to the same decider.
  requestInfo: { from: ["OPEN"], to: ["INFO_REQUESTED"] },
  answer: { from: ["INFO_REQUESTED"], to: ["OPEN"] },
  // Reassigning a task that waits for an answer would strand the question: answer or cancel first.
  reassign: { from: ["OPEN"], to: ["OPEN"] },
  // The assignee hands one open task to a colleague who may take it, with a reason.
  forward: { from: ["OPEN"], to: ["OPEN"] },
  // Within the undo window a held decision is taken back.
  undo: { from: ["DECIDED"], to: ["OPEN"] },
  // Four-eyes: a held first approval (a vote) is taken back; the task was and stays open.
  undoApproval: { from: ["OPEN"], to: ["OPEN"] },
  // An escalation level: a reminder or a move keeps it open, auto_decide decides it, fail ends it.
  escalate: { from: ["OPEN"], to: ["OPEN", "DECIDED", "CANCELLED"] },
};

export function allowedFrom(action: TaskAction): readonly TaskStatus[] {
  return TRANSITIONS[action].from;
}

export function canTransition(status: TaskStatus, action: TaskAction): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/** The status a change sets (or keeps) must be one its action may end in. */
export function assertTarget(action: TaskAction, to: TaskStatus): void {
  if (!TRANSITIONS[action].to.includes(to)) throw new Error(`a task ${action} cannot end in ${to}`);
}

export function assertTransition(status: TaskStatus, action: TaskAction, detail: Record<string, unknown> = {}): void {
  if (canTransition(status, action)) return;
  if (status === "DECIDED") {
    throw new AppError("TASK_ALREADY_DECIDED", "This task has already been decided.", { details: { currentStatus: status, ...detail } });
  }
  if (status === "CANCELLED") {
    throw new AppError("TASK_NOT_ACTIONABLE", "This task was cancelled.", { details: { currentStatus: status, ...detail } });
  }
  if (action === "answer" && status === "OPEN") {
    throw new AppError("TASK_NOT_ACTIONABLE", "There is no open question on this task: it was answered already.", {
      details: { currentStatus: status, ...detail },
    });
  }
  if (status === "INFO_REQUESTED") {
    throw new AppError("TASK_NOT_ACTIONABLE", "This task is waiting for requested information.", {
      details: { currentStatus: status, ...detail },
    });
  }
  throw new AppError("TASK_NOT_ACTIONABLE", `Cannot ${action} a task in status ${status}.`, { details: { currentStatus: status, ...detail } });
}
