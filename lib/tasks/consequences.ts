import type { OutboxInput } from "../db";
import { QUEUES } from "../queues";

// The jobs a task reaching its end implies, whoever ended it: a person's decision (when it
// commits, or when its undo window closes: held-decisions.ts), a decision table's auto-approval,
// an escalation's automatic decision or expiry, the engine cancelling its instance.

type EndedTask = { id: string; instanceId: string | null; stepRunId: string | null };

export function decisionConsequences(task: EndedTask, requestId?: string): OutboxInput[] {
  const notify: OutboxInput = { queue: QUEUES.notifications, name: "task-decided", jobId: `task-decided.${task.id}`, payload: { taskId: task.id, requestId } };
  // A process's human step: the engine continues along the outcome's next step (lib/engine). The
  // notification rides along with it: one job through Redis, not two (ADR 017).
  if (task.instanceId && task.stepRunId) {
    return [{ queue: QUEUES.engine, name: "human-decided", jobId: `human.${task.id}`, payload: { taskId: task.id, requestId }, companions: [notify] }];
  }
  return [notify];
}

/** A cancelled process task: its human step fails (lib/engine reads why from the task). */
export function cancellationConsequences(task: EndedTask, requestId?: string): OutboxInput[] {
  return task.instanceId && task.stepRunId ? [{ queue: QUEUES.engine, name: "human-decided", jobId: `human.${task.id}`, payload: { taskId: task.id, requestId } }] : [];
}

/** The delayed job that commits a held decision when its window closes (one per decided version). */
export function commitDecisionMessage(taskId: string, version: number, heldUntil: Date): OutboxInput {
  return { queue: QUEUES.maintenance, name: "commit-decision", jobId: `commit-decision.${taskId}.${version}`, payload: { taskId }, runAt: heldUntil };
}
