import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import type { UserScope } from "../identity/repository";
import { scopeOf } from "../identity/scope";
import { publishTaskEvent } from "../live/publish";
import { QUEUES } from "../queues";
import { checkExpectedVersion, loadForAction } from "./access";
import { getTask } from "./actions";
import { changeTask, taskTransaction } from "./change";
import { snapshot } from "./dto";
import { isGroupMember, resolveGroupKey, resolveUserRef, type TaskRow } from "./repository";
import { reassignTaskSchema, type TaskDto } from "./schemas";
import { assertTransition } from "./state-machine";

// Reassignment: a supervisor, an admin or a machine moves a task to a person or a queue, with a
// reason. Separation of duties and four-eyes hold: the requester and someone who already approved
// are never given it.

/** Supervisors act on their teams only: tasks in a group they supervise or held by a report. */
function supervisesTask(scope: UserScope, t: Pick<TaskRow, "candidateGroupId" | "assigneeId">): boolean {
  return (t.candidateGroupId !== null && scope.supervisedGroupIds.includes(t.candidateGroupId)) || (t.assigneeId !== null && scope.reportIds.includes(t.assigneeId));
}

export async function reassignTask(actor: Actor, id: string, input: unknown, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:assign");
  const data = parse(reassignTaskSchema, input, "Reassignment");
  const { task } = await loadForAction(actor, id);
  checkExpectedVersion(task, ifMatch ?? data.version);
  assertTransition(task.status, "reassign", { decidedBy: task.decidedBy?.name ?? null, outcome: task.outcome });

  const assignee = data.assignee ? await resolveUserRef(data.assignee) : null;
  if (data.assignee && (!assignee || !assignee.active)) {
    throw new AppError("VALIDATION_FAILED", `No active user "${data.assignee}"`, { fieldErrors: [{ path: "assignee", message: "unknown user" }] });
  }
  const group = data.candidateGroup ? await resolveGroupKey(data.candidateGroup) : null;
  if (data.candidateGroup && !group) {
    throw new AppError("VALIDATION_FAILED", `No group with key "${data.candidateGroup}"`, { fieldErrors: [{ path: "candidateGroup", message: "unknown group" }] });
  }
  if (assignee && assignee.id === task.requestedById) {
    throw new AppError("SOD_VIOLATION", `${assignee.name} requested this task, so they cannot be the one to decide it.`, {
      fieldErrors: [{ path: "assignee", message: "the requester cannot decide" }],
    });
  }
  if (assignee && task.approvals.some((a) => a.approverId === assignee.id)) {
    throw new AppError("DUPLICATE_APPROVAL", `${assignee.name} has already approved this task; a different person must give the next approval.`);
  }
  const groupIdAfter = group?.id ?? task.candidateGroupId;

  if (actor.type === "USER" && actor.role === "SUPERVISOR") {
    const scope = await scopeOf(actor);
    if (!supervisesTask(scope, task)) throw new AppError("FORBIDDEN", "Supervisors can reassign only their own teams' tasks.");
    if (group && !scope.supervisedGroupIds.includes(group.id)) throw new AppError("FORBIDDEN", `You do not supervise ${group.name}.`);
    if (assignee && assignee.id !== actor.id && !scope.reportIds.includes(assignee.id) && !(await isGroupMember(assignee.id, scope.supervisedGroupIds))) {
      throw new AppError("FORBIDDEN", `${assignee.name} is not in a team you supervise.`);
    }
  }

  const assigneeAfter = assignee?.id ?? null;
  if (assigneeAfter === task.assigneeId && groupIdAfter === task.candidateGroupId) {
    throw new AppError("VALIDATION_FAILED", "The task is already there.", { fieldErrors: [{ path: "assignee", message: "no change" }] });
  }
  const after = { ...task, assigneeId: assigneeAfter, candidateGroupId: groupIdAfter, version: task.version + 1 };
  await taskTransaction(id, "reassign", async (tx) => {
    await changeTask(tx, actor, task, {
      action: "reassign",
      set: { assigneeId: assigneeAfter, candidateGroupId: groupIdAfter, claimedAt: null, delegatedFromId: null },
      sameAssignee: true,
      audit: {
        action: "task.reassigned",
        before: { ...snapshot(task), candidateGroupId: task.candidateGroupId },
        after: { assigneeId: assigneeAfter, assigneeName: assignee?.name ?? null, candidateGroupId: groupIdAfter, version: after.version },
        reason: data.reason,
      },
      // Tells the new assignee (or the new queue) through the usual "assigned to you" notification.
      messages: [{ queue: QUEUES.notifications, name: "task-created", jobId: `task-reassigned.${id}.${after.version}`, payload: { taskId: id, requestId: actor.requestId, cause: "reassigned" } }],
      // The previous assignee hears it leave; the new one sees it appear.
      event: { type: "task.reassigned", task: after, alsoTo: [task.assigneeId] },
    });
    // The previous queue sees it leave too.
    if (task.candidateGroupId && task.candidateGroupId !== groupIdAfter) {
      const left = { ...task, assigneeId: null, version: after.version };
      tx.afterCommit(() => publishTaskEvent("task.reassigned", left));
    }
  });
  return getTask(actor, id);
}
