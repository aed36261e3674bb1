import { db, Prisma } from "../db";
import { AppError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { appendAuditEntry } from "../audit/service";
import { dispatchOutboxSoon, enqueueInTx } from "../outbox/service";
import { publishTaskEvent } from "../live/publish";
import type { TaskDto } from "./schemas";
import { decisionConsequences } from "./consequences";
import { updateTaskIf } from "./repository";
import { actorKey, getTask, loadForAction } from "./service";

// The undo window (ADR 008). A decision made with `hold: true` is written at once (task DECIDED,
// audited, the row leaves every inbox) together with a HeldDecision row and a delayed outbox job.
// What the decision sets in motion — the requester's notification, the process moving on — waits
// until the window closes. Commit (the delayed job, or the sweep if Redis lost it) and undo (the
// decider) both start with DELETE … RETURNING on the HeldDecision row: whoever deletes it wins,
// the other finds nothing. Everything lives in PostgreSQL, so a restart loses no hold.

export type CommitResult = "committed" | "not_held" | "not_due";

/** Commits a held decision whose window has closed: its consequences go to the outbox. */
export async function commitHeldDecision(taskId: string, requestId?: string): Promise<CommitResult> {
  const result = await db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ taskId: string }[]>`
      DELETE FROM "HeldDecision" WHERE "taskId" = ${taskId} AND "heldUntil" <= (now() AT TIME ZONE 'UTC') RETURNING "taskId"`;
    if (rows.length === 0) {
      const still = await tx.heldDecision.findUnique({ where: { taskId }, select: { taskId: true } });
      return still ? ("not_due" as const) : ("not_held" as const);
    }
    const task = await tx.task.findUnique({ where: { id: taskId }, select: { id: true, instanceId: true, stepRunId: true } });
    if (task) for (const m of decisionConsequences(task, requestId)) await enqueueInTx(tx, m);
    return "committed" as const;
  });
  if (result === "committed") dispatchOutboxSoon();
  return result;
}

/**
 * The worker's safety net: commits every hold whose window closed more than `graceMs` ago (the
 * delayed job normally did it already; this covers a Redis that lost the job).
 */
export async function commitDueHeldDecisions(graceMs = 1000, limit = 500): Promise<number> {
  const due = await db().$queryRaw<{ taskId: string }[]>`
    SELECT "taskId" FROM "HeldDecision" WHERE "heldUntil" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${graceMs / 1000})
    ORDER BY "heldUntil" LIMIT ${limit}`;
  let committed = 0;
  for (const { taskId } of due) if ((await commitHeldDecision(taskId)) === "committed") committed++;
  return committed;
}

/** Undoes the actor's own decision while its window is open: the task is open again, as before. */
export async function undoDecision(actor: Actor, id: string): Promise<TaskDto> {
  requirePermission(actor, "tasks:decide");
  const { task } = await loadForAction(actor, id);
  const held = task.heldDecision;
  if (!held) {
    if (task.status === "DECIDED") throw new AppError("UNDO_WINDOW_CLOSED", "Too late to undo: the decision has taken effect.", { details: { currentStatus: task.status } });
    throw new AppError("UNDO_WINDOW_CLOSED", "There is no decision to undo on this task.", { details: { currentStatus: task.status } });
  }
  if (held.heldBy !== actorKey(actor)) throw new AppError("FORBIDDEN", "Only the person who made a decision can undo it.");
  const restored = await db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ prevAssigneeId: string | null; prevClaimedAt: Date | null; approvalId: string | null }[]>`
      DELETE FROM "HeldDecision"
       WHERE "taskId" = ${id} AND "heldBy" = ${held.heldBy} AND "version" = ${held.version} AND "heldUntil" > (now() AT TIME ZONE 'UTC')
      RETURNING "prevAssigneeId", "prevClaimedAt", "approvalId"`;
    const h = rows[0];
    if (!h) throw new AppError("UNDO_WINDOW_CLOSED", "Too late to undo: the decision has taken effect.", { details: { currentStatus: task.status } });
    const ok = await updateTaskIf(
      tx,
      { id, version: held.version, statuses: ["DECIDED"] },
      { status: "OPEN", outcome: null, reason: null, formValues: Prisma.DbNull, decidedAt: null, decidedById: null, assigneeId: h.prevAssigneeId, claimedAt: h.prevClaimedAt },
    );
    if (!ok) throw new AppError("UNDO_WINDOW_CLOSED", "The task changed meanwhile; the decision stands.", { details: { currentStatus: task.status } });
    if (h.approvalId) await tx.taskApproval.deleteMany({ where: { id: h.approvalId } });
    await appendAuditEntry(tx, actor, {
      action: "task.decision_undone",
      subjectType: "task",
      subjectId: id,
      taskId: id,
      instanceId: task.instanceId,
      before: { status: "DECIDED", assigneeId: task.assigneeId, outcome: task.outcome, reason: task.reason, version: held.version },
      after: { status: "OPEN", assigneeId: h.prevAssigneeId, outcome: null, reason: null, version: held.version + 1 },
    });
    return h;
  });
  publishTaskEvent("task.decision_undone", { ...task, assigneeId: restored.prevAssigneeId, decidedById: null, version: held.version + 1 }, [task.assigneeId]);
  return getTask(actor, id);
}
