import type { OutboxInput } from "../outbox/service";
import { QUEUES } from "../queues";

// The jobs a final decision implies. Written in the deciding statement when the decision commits
// at once, or by the commit of a held decision when its undo window closes (held-decisions.ts).

export function decisionConsequences(task: { id: string; instanceId: string | null; stepRunId: string | null }, requestId?: string): OutboxInput[] {
  const notify: OutboxInput = { queue: QUEUES.notifications, name: "task-decided", jobId: `task-decided.${task.id}`, payload: { taskId: task.id, requestId } };
  // A process's human step: the engine continues along the outcome's next step (lib/engine). The
  // notification rides along with it: one job through Redis, not two (ADR 017).
  if (task.instanceId && task.stepRunId) {
    return [{ queue: QUEUES.engine, name: "human-decided", jobId: `human.${task.id}`, payload: { taskId: task.id, requestId }, companions: [notify] }];
  }
  return [notify];
}

/** The delayed job that commits a held decision when its window closes (one per decided version). */
export function commitDecisionMessage(taskId: string, version: number, heldUntil: Date): OutboxInput {
  return { queue: QUEUES.maintenance, name: "commit-decision", jobId: `commit-decision.${taskId}.${version}`, payload: { taskId }, runAt: heldUntil };
}
