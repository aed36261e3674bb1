import { join, sql, transaction, type Changes, type OutboxInput, type Tx } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../identity/actor";
import { publishTaskEvent, type TaskLike } from "../live/publish";
import type { LiveEventType } from "../live/events";
import { findTask } from "./repository";
import type { TaskStatus } from "./schemas";
import { allowedFrom, assertTarget, assertTransition, type TaskAction } from "./state-machine";

// The one way to change a task. Whoever changes it — a person through the API, the engine
// cancelling its instance, the undo window closing — does it here: a guarded UPDATE (the version
// the caller saw, a status its action may start from, and the assignee when the action depends on
// who holds the task), the audit entry, the jobs the change implies and the live event once it has
// committed. In a batched transaction they are one statement.

export interface TaskChange {
  action: TaskAction;
  /** The columns it sets; the version is incremented and updatedAt set. */
  set: Changes<"Task">;
  /** Also require the assignee the caller saw (actions whose rules depend on who holds it). */
  sameAssignee?: boolean;
  /** The audit entry: its action name, the state before and after, the reason. */
  audit: { action: string; before?: unknown; after?: unknown; reason?: string | null };
  messages?: OutboxInput[];
  /** The live event, once committed: the task as it now is, and people it just left. */
  event?: { type: LiveEventType; task: TaskLike; alsoTo?: (string | null | undefined)[] };
}

/** The task as the caller last saw it: what the change is guarded on. */
interface SeenTask {
  id: string;
  version: number;
  instanceId: string | null;
  assigneeId: string | null;
}

/** Someone changed the task between the caller's read and its guarded update. */
export class LostRace extends Error {
  constructor(
    readonly taskId: string,
    readonly action: TaskAction,
  ) {
    super(`task ${taskId} changed before it could ${action}`);
    this.name = "LostRace";
  }
}

export async function changeTask(tx: Tx, actor: Actor, task: SeenTask, change: TaskChange): Promise<void> {
  if (change.set.status !== undefined) assertTarget(change.action, change.set.status as TaskStatus);
  const guard = [sql`"id" = ${task.id}`, sql`"version" = ${task.version}::int`, sql`"status" = ANY(${allowedFrom(change.action)}::"TaskStatus"[])`];
  if (change.sameAssignee) guard.push(sql`"assigneeId" IS NOT DISTINCT FROM ${task.assigneeId}`);
  await tx.update("Task", { ...change.set, version: { increment: 1 } }, join(guard, " AND "), {
    expect: 1,
    stale: () => new LostRace(task.id, change.action),
    key: `Task:${task.id}`,
  });
  tx.audit(actor, { subjectType: "task", subjectId: task.id, taskId: task.id, instanceId: task.instanceId, ...change.audit });
  for (const m of change.messages ?? []) tx.enqueue(m);
  const event = change.event;
  if (event) tx.afterCommit(() => publishTaskEvent(event.type, event.task, event.alsoTo));
}

/** The task's participants plus these people (an array union, so concurrent adds never drop one). */
export function withParticipants(userIds: string[]) {
  return sql`ARRAY(SELECT DISTINCT unnest("participantIds" || ${userIds}::text[]))`;
}

/**
 * People who may see the task from now on (mentioned in a comment): the one change of a task
 * that is not a step of its lifecycle, so it neither takes a version nor needs a guard.
 */
export async function addParticipants(tx: Tx, taskId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx.write(sql`UPDATE "Task" SET "participantIds" = ${withParticipants(userIds)} WHERE "id" = ${taskId}`, { key: `Task:${taskId}` });
}

/**
 * A task action's transaction, batched (the change, its rows, audit entry and jobs as one
 * statement). A lost race is answered with what the winner did.
 */
export async function taskTransaction<T>(taskId: string, action: TaskAction, fn: (tx: Tx) => Promise<T>, opts: { awaitHandOff?: boolean } = {}): Promise<T> {
  try {
    return await transaction(fn, { batched: true, ...opts });
  } catch (e) {
    if (e instanceof LostRace) return explainLostRace(taskId, e.action);
    throw e;
  }
}

/** After a guarded update lost a race: explain what the winner did. */
async function explainLostRace(id: string, action: TaskAction): Promise<never> {
  const current = await findTask(id);
  if (!current) throw new AppError("TASK_NOT_FOUND", "Task not found.");
  assertTransition(current.status, action, { decidedBy: current.decidedBy?.name ?? null, outcome: current.outcome });
  if (current.assignee) {
    throw new AppError("TASK_CLAIMED_BY_OTHER", `${current.assignee.name} has claimed this task.`, {
      details: { assignee: current.assignee.name, currentVersion: current.version },
    });
  }
  throw new AppError("VERSION_MISMATCH", "This task changed while you were acting on it. Try again.", { details: { currentVersion: current.version } });
}
