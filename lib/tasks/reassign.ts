import { db, type Prisma } from "../db";
import { AppError, isAppError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { appendAuditEntry } from "../audit/service";
import { enqueueInTx, dispatchOutboxSoon } from "../outbox/service";
import { QUEUES } from "../queues";
import { publishTaskEvent } from "../live/publish";
import { bulkActionSchema, reassignTaskSchema, type BulkResult, type TaskDto } from "./schemas";
import { allowedFrom, assertTransition } from "./state-machine";
import { isGroupMember, resolveGroupKey, resolveUserRef, updateTaskIf, type TaskRow } from "./repository";
import { checkExpectedVersion, decideTask, explainLostRace, getTask, loadForAction, parse, scopeOf, snapshot } from "./service";
import type { UserScope } from "../identity/repository";
import { logger } from "../logger";

// Reassignment (one task, with a reason) and bulk actions (approve or reassign many, each on its
// own: one failure does not undo the others, and every change has its own audit entry).

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

  const prisma = db();
  const assignee = data.assignee ? await resolveUserRef(prisma, data.assignee) : null;
  if (data.assignee && (!assignee || !assignee.active)) {
    throw new AppError("VALIDATION_FAILED", `No active user "${data.assignee}"`, { fieldErrors: [{ path: "assignee", message: "unknown user" }] });
  }
  const group = data.candidateGroup ? await resolveGroupKey(prisma, data.candidateGroup) : null;
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
    if (assignee && assignee.id !== actor.id && !scope.reportIds.includes(assignee.id)) {
      const inTeamGroup = await Promise.all(scope.supervisedGroupIds.map((g) => isGroupMember(prisma, assignee.id, g)));
      if (!inTeamGroup.some(Boolean)) throw new AppError("FORBIDDEN", `${assignee.name} is not in a team you supervise.`);
    }
  }

  const assigneeAfter = assignee?.id ?? null;
  if (assigneeAfter === task.assigneeId && groupIdAfter === task.candidateGroupId) {
    throw new AppError("VALIDATION_FAILED", "The task is already there.", { fieldErrors: [{ path: "assignee", message: "no change" }] });
  }
  await prisma.$transaction(async (tx) => {
    const ok = await updateTaskIf(
      tx,
      { id, version: task.version, statuses: allowedFrom("reassign"), assigneeId: task.assigneeId },
      { assigneeId: assigneeAfter, candidateGroupId: groupIdAfter, claimedAt: null, delegatedFromId: null },
    );
    if (!ok) return explainLostRace(id, "reassign");
    await appendAuditEntry(tx, actor, {
      action: "task.reassigned",
      subjectType: "task",
      subjectId: id,
      taskId: id,
      instanceId: task.instanceId,
      before: { ...snapshot(task), candidateGroupId: task.candidateGroupId },
      after: { assigneeId: assigneeAfter, assigneeName: assignee?.name ?? null, candidateGroupId: groupIdAfter, version: task.version + 1 } as Prisma.InputJsonObject,
      reason: data.reason,
    });
    // Tells the new assignee (or the new queue) through the usual "assigned to you" notification.
    await enqueueInTx(tx, {
      queue: QUEUES.notifications,
      name: "task-created",
      jobId: `task-reassigned.${id}.${task.version + 1}`,
      payload: { taskId: id, requestId: actor.requestId, cause: "reassigned" },
    });
  });
  dispatchOutboxSoon();
  // The previous assignee and group hear it leave; the new ones see it appear.
  publishTaskEvent("task.reassigned", { ...task, assigneeId: assigneeAfter, candidateGroupId: groupIdAfter, version: task.version + 1 }, [task.assigneeId]);
  if (task.candidateGroupId && task.candidateGroupId !== groupIdAfter) {
    publishTaskEvent("task.reassigned", { ...task, assigneeId: null, version: task.version + 1 });
  }
  return getTask(actor, id);
}

/** Runs one action per task, in order; each result says what happened to that task. */
export async function bulkAction(actor: Actor, input: unknown): Promise<BulkResult> {
  const data = parse(bulkActionSchema, input, "Bulk action");
  requirePermission(actor, data.action === "approve" ? "tasks:decide" : "tasks:assign");
  const ids = [...new Set(data.taskIds)];
  const results: BulkResult["data"] = [];
  for (const taskId of ids) {
    try {
      if (data.action === "approve") await decideTask(actor, taskId, { outcome: "approve", ...(data.reason ? { reason: data.reason } : {}) });
      else await reassignTask(actor, taskId, { assignee: data.assignee, candidateGroup: data.candidateGroup, reason: data.reason });
      results.push({ taskId, ok: true });
    } catch (e) {
      if (isAppError(e)) results.push({ taskId, ok: false, code: e.code, detail: e.message });
      else {
        logger.error({ err: e, taskId, requestId: actor.requestId }, "bulk action failed on a task");
        results.push({ taskId, ok: false, code: "INTERNAL", detail: "Unexpected error; this task was not changed." });
      }
    }
  }
  const ok = results.filter((r) => r.ok).length;
  return { data: results, summary: { ok, failed: results.length - ok } };
}
