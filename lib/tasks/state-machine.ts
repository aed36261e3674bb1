import { AppError } from "../errors";
import type { TaskStatus } from "./schemas";

// The task lifecycle. Pure rules: the service combines them with a guarded UPDATE
// (status + version in the WHERE clause) so concurrent requests cannot both pass.
export type TaskAction = "claim" | "unclaim" | "decide" | "cancel" | "requestInfo" | "answer" | "reassign";

const ALLOWED: Record<TaskAction, readonly TaskStatus[]> = {
  claim: ["OPEN"],
  unclaim: ["OPEN"],
  decide: ["OPEN"],
  cancel: ["OPEN", "INFO_REQUESTED"],
  // Asking is part of deciding: the task waits, then the answer returns it to the same decider.
  requestInfo: ["OPEN"],
  answer: ["INFO_REQUESTED"],
  // Reassigning a task that waits for an answer would strand the question: answer or cancel first.
  reassign: ["OPEN"],
};

export function allowedFrom(action: TaskAction): readonly TaskStatus[] {
  return ALLOWED[action];
}

export function canTransition(status: TaskStatus, action: TaskAction): boolean {
  return ALLOWED[action].includes(status);
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

export function statusAfterDecision(): TaskStatus {
  return "DECIDED";
}

export function isTerminal(status: TaskStatus): boolean {
  return status === "DECIDED" || status === "CANCELLED";
}
