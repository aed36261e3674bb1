import { query, sql, transaction } from "../db";
import { AppError } from "../errors";
import { principalId, requirePermission, type Actor } from "../identity/actor";
import { actorKey, loadForAction } from "./access";
import { getTask } from "./actions";
import { changeTask, LostRace } from "./change";
import { decisionConsequences } from "./consequences";
import type { TaskDto } from "./schemas";

// The undo window (ADR 008). A decision made with `hold: true` is written at once (task DECIDED,
// audited, the row leaves every inbox) together with a HeldDecision row and a delayed outbox job.
// What the decision sets in motion — the requester's notification, the process moving on — waits
// until the window closes. Commit (the delayed job, or the sweep if Redis lost it) and undo (the
// decider) both start with DELETE … RETURNING on the HeldDecision row: whoever deletes it wins,
// the other finds nothing. Everything lives in PostgreSQL, so a restart loses no hold.

export type CommitResult = "committed" | "not_held" | "not_due";

/** Commits a held decision whose window has closed: its consequences go to the outbox. */
export async function commitHeldDecision(taskId: string, requestId?: string): Promise<CommitResult> {
  return transaction(async (tx) => {
    const [task] = await tx.query<{ id: string; instanceId: string | null; stepRunId: string | null; status: string }>(sql`
      WITH released AS (DELETE FROM "HeldDecision" WHERE "taskId" = ${taskId} AND "heldUntil" <= (now() AT TIME ZONE 'UTC') RETURNING "taskId")
      SELECT t."id", t."instanceId", t."stepRunId", t."status"::text AS "status" FROM released r JOIN "Task" t ON t."id" = r."taskId"`);
    if (!task) {
      const still = await tx.query(sql`SELECT 1 FROM "HeldDecision" WHERE "taskId" = ${taskId}`);
      return still.length ? "not_due" : "not_held";
    }
    // A held four-eyes vote (the task is still open) sets nothing in motion: its window just closes.
    if (task.status === "DECIDED") for (const m of decisionConsequences(task, requestId)) tx.enqueue(m);
    return "committed";
  });
}

/**
 * The worker's safety net: commits every hold whose window closed more than `graceMs` ago (the
 * delayed job normally did it already; this covers a Redis that lost the job).
 */
export async function commitDueHeldDecisions(graceMs = 1000, limit = 500): Promise<number> {
  const due = await query<{ taskId: string }>(sql`
    SELECT "taskId" FROM "HeldDecision" WHERE "heldUntil" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${graceMs / 1000})
    ORDER BY "heldUntil" LIMIT ${limit}`);
  let committed = 0;
  for (const { taskId } of due) if ((await commitHeldDecision(taskId)) === "committed") committed++;
  return committed;
}

/** Undoes the actor's own decision while its window is open: the task is open again, as before. */
export async function undoDecision(actor: Actor, id: string): Promise<TaskDto> {
  requirePermission(actor, "tasks:decide");
  const { task } = await loadForAction(actor, id);
  const held = task.heldDecision;
  const closed = (message: string) => new AppError("UNDO_WINDOW_CLOSED", message, { details: { currentStatus: task.status } });
  if (!held) throw closed(task.status === "DECIDED" ? "Too late to undo: the decision has taken effect." : "There is no decision to undo on this task.");
  if (held.heldBy !== actorKey(actor)) throw new AppError("FORBIDDEN", "Only the person who made a decision can undo it.");
  // A held four-eyes vote: the task stayed open; only the vote and the hand-back are undone.
  if (task.status === "OPEN") return undoHeldVote(actor, task, held, closed);
  const undone = transaction(async (tx) => {
    const [h] = await tx.query<{ prevAssigneeId: string | null; prevClaimedAt: Date | null; approvalId: string | null }>(sql`
      DELETE FROM "HeldDecision"
       WHERE "taskId" = ${id} AND "heldBy" = ${held.heldBy} AND "version" = ${held.version} AND "heldUntil" > (now() AT TIME ZONE 'UTC')
      RETURNING "prevAssigneeId", "prevClaimedAt", "approvalId"`);
    if (!h) throw closed("Too late to undo: the decision has taken effect.");
    await changeTask(tx, actor, { ...task, version: held.version }, {
      action: "undo",
      set: { status: "OPEN", outcome: null, reason: null, formValues: null, decidedAt: null, decidedById: null, assigneeId: h.prevAssigneeId, claimedAt: h.prevClaimedAt },
      audit: {
        action: "task.decision_undone",
        before: { status: "DECIDED", assigneeId: task.assigneeId, outcome: task.outcome, reason: task.reason, version: held.version },
        after: { status: "OPEN", assigneeId: h.prevAssigneeId, outcome: null, reason: null, version: held.version + 1 },
      },
      event: { type: "task.decision_undone", task: { ...task, assigneeId: h.prevAssigneeId, decidedById: null, version: held.version + 1 }, alsoTo: [task.assigneeId] },
    });
    if (h.approvalId) await tx.write(sql`DELETE FROM "TaskApproval" WHERE "id" = ${h.approvalId}`);
  });
  await undone.catch((e: unknown) => {
    throw e instanceof LostRace ? closed("The task changed meanwhile; the decision stands.") : e;
  });
  return getTask(actor, id);
}

/** Takes back the actor's held four-eyes vote: the approval row goes, the task returns to whoever held it. */
async function undoHeldVote(
  actor: Actor,
  task: Awaited<ReturnType<typeof loadForAction>>["task"],
  held: NonNullable<Awaited<ReturnType<typeof loadForAction>>["task"]["heldDecision"]>,
  closed: (message: string) => AppError,
): Promise<TaskDto> {
  const id = task.id;
  const approvals = task.approvals.filter((a) => a.approverId !== principalId(actor));
  const undone = transaction(async (tx) => {
    const [h] = await tx.query<{ prevAssigneeId: string | null; prevClaimedAt: Date | null; approvalId: string | null }>(sql`
      DELETE FROM "HeldDecision"
       WHERE "taskId" = ${id} AND "heldBy" = ${held.heldBy} AND "version" = ${held.version} AND "heldUntil" > (now() AT TIME ZONE 'UTC')
      RETURNING "prevAssigneeId", "prevClaimedAt", "approvalId"`);
    if (!h) throw closed("Too late to undo: the approval has taken effect.");
    await changeTask(tx, actor, { ...task, version: held.version }, {
      action: "undoApproval",
      set: { assigneeId: h.prevAssigneeId, claimedAt: h.prevClaimedAt },
      audit: {
        action: "task.decision_undone",
        before: { status: "OPEN", assigneeId: task.assigneeId, approvals: task.approvals.filter((a) => a.outcome === "approve").length, version: held.version },
        after: { status: "OPEN", assigneeId: h.prevAssigneeId, approvals: approvals.filter((a) => a.outcome === "approve").length, approvalsRequired: task.approvalsRequired, version: held.version + 1 },
        reason: "approval withdrawn within the undo window",
      },
      event: { type: "task.decision_undone", task: { ...task, assigneeId: h.prevAssigneeId, version: held.version + 1 }, alsoTo: [task.assigneeId] },
    });
    if (h.approvalId) await tx.write(sql`DELETE FROM "TaskApproval" WHERE "id" = ${h.approvalId}`);
  });
  await undone.catch((e: unknown) => {
    throw e instanceof LostRace ? closed("The task changed meanwhile; the approval stands.") : e;
  });
  return getTask(actor, id);
}
