import { AppError, parse } from "../errors";
import { principalId, requirePermission, type Actor } from "../identity/actor";
import { publishTaskEvent } from "../live/publish";
import { QUEUES } from "../queues";
import { assertMayManage, checkExpectedVersion, loadForAction, sodConflict } from "./access";
import { getTask } from "./actions";
import { changeTask, taskTransaction } from "./change";
import { snapshot } from "./dto";
import { isGroupMember, resolveGroupKey, resolveUserRef } from "./repository";
import { reassignTaskSchema, type TaskDto } from "./schemas";
import { assertTransition } from "./state-machine";

// Reassignment: a supervisor, an admin or a machine moves a task to a person or a queue, with a
// reason. Separation of duties and four-eyes hold: the requester and someone who already approved
// are never given it.

export async function reassignTask(actor: Actor, id: string, input: unknown, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:assign");
  const data = parse(reassignTaskSchema, input, "Reassignment");
  const { task, scope } = await loadForAction(actor, id);
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
  // The one SoD / four-eyes rule (access.ts): never the requester, the creator or an earlier approver.
  const conflict = assignee ? sodConflict(task, assignee.id, assignee.name) : null;
  if (conflict) throw new AppError(conflict.code, conflict.message, { fieldErrors: [{ path: "assignee", message: conflict.message }] });
  const groupIdAfter = group?.id ?? task.candidateGroupId;

  // Same team scoping as cancel, for people and their tokens alike (H1).
  assertMayManage(actor, scope, task, "reassign");
  const role = actor.type === "TOKEN" ? actor.owner?.role : actor.role;
  if ((actor.type === "USER" || actor.type === "TOKEN") && role !== "ADMIN") {
    const me = principalId(actor);
    if (group && !scope.supervisedGroupIds.includes(group.id)) throw new AppError("FORBIDDEN", `You do not supervise ${group.name}.`);
    if (assignee && assignee.id !== me && !scope.reportIds.includes(assignee.id) && !(await isGroupMember(assignee.id, scope.supervisedGroupIds))) {
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
        // The names beside the ids: the history says "Dana Lee → Leo Martin", not "another person".
        before: { ...snapshot(task), assigneeName: task.assignee?.name ?? null, candidateGroupId: task.candidateGroupId },
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
