import { db, sql, type Tx } from "../db";
import { env } from "../env";
import { AppError, parse } from "../errors";
import { isPersonPrincipal, principalId, requirePermission, type Actor } from "../identity/actor";
import { scopeOf } from "../identity/scope";
import { toAuditDto } from "../audit/service";
import { actorKey, assertMayManage, assigneeAfterDeciding, canView, capabilities, checkExpectedVersion, loadForAction } from "./access";
import { changeTask, taskTransaction } from "./change";
import { commitDecisionMessage, decisionConsequences } from "./consequences";
import { declaredForm, planDecision, type DecisionPlan } from "./decisions";
import { checkDecisionFiles } from "./form-files";
import { snapshot, toTaskDto } from "./dto";
import { findTask, type TaskRow } from "./repository";
import { cancelTaskSchema, claimTaskSchema, decideTaskSchema, type TaskDto } from "./schemas";
import { assertTransition } from "./state-machine";

// What a person (or a machine) does with one task: read it, claim and release it, decide it,
// cancel it. Each change is one guarded, audited statement (lib/tasks/change.ts).

export async function getTask(actor: Actor, id: string): Promise<TaskDto> {
  requirePermission(actor, "tasks:read");
  const [task, scope] = await Promise.all([findTask(id), scopeOf(actor)]);
  if (!task || !canView(actor, scope, task)) throw new AppError("TASK_NOT_FOUND", "Task not found.");
  return toTaskDto(task, capabilities(actor, scope, task));
}

/** The task's audit trail, oldest first. Anyone who may read tasks and can see this one can see its history (L3). */
export async function getTaskHistory(actor: Actor, id: string) {
  requirePermission(actor, "tasks:read");
  const { task } = await loadForAction(actor, id);
  const entries = await db().auditEntry.findMany({ where: { taskId: task.id }, orderBy: { seq: "asc" }, take: 500 });
  return { data: entries.map(toAuditDto) };
}

const claimDetail = (task: TaskRow) => ({ decidedBy: task.decidedBy?.name ?? null, outcome: task.outcome });

export async function claimTask(actor: Actor, id: string, input: unknown = {}, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:decide");
  const body = parse(claimTaskSchema, input ?? {}, "Claim");
  const { task, scope } = await loadForAction(actor, id);
  const me = principalId(actor);
  if (!me) throw new AppError("FORBIDDEN", "Only people (or tokens acting for them) claim tasks.");
  checkExpectedVersion(task, ifMatch ?? body.version);
  assertTransition(task.status, "claim", claimDetail(task));
  if (task.assigneeId === me) return toTaskDto(task, capabilities(actor, scope, task));
  if (!task.assigneeId && (!task.candidateGroupId || !scope.groupIds.includes(task.candidateGroupId))) throw new AppError("FORBIDDEN", "Only members of the task's group can claim it.");
  // Claiming is the first step of deciding: the same rules (membership, skills, SoD, four-eyes).
  await assigneeAfterDeciding(actor, task, scope);
  const now = new Date();
  const after: TaskRow = { ...task, assigneeId: me, assignee: { id: me, name: actor.owner?.name ?? actor.name }, claimedAt: now, version: task.version + 1, updatedAt: now };
  await taskTransaction(id, "claim", (tx) =>
    changeTask(tx, actor, task, {
      action: "claim",
      set: { assigneeId: me, claimedAt: now },
      sameAssignee: true,
      audit: { action: "task.claimed", before: { assigneeId: null, version: task.version }, after: { assigneeId: me, version: after.version } },
      event: { type: "task.claimed", task: after },
    }),
  );
  return toTaskDto(after, capabilities(actor, scope, after));
}

export async function unclaimTask(actor: Actor, id: string, input: unknown = {}, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:decide");
  const body = parse(claimTaskSchema, input ?? {}, "Unclaim");
  const { task, scope } = await loadForAction(actor, id);
  checkExpectedVersion(task, ifMatch ?? body.version);
  assertTransition(task.status, "unclaim");
  if (task.assigneeId === null || task.assigneeId !== principalId(actor)) throw new AppError("FORBIDDEN", "You can only release a task you have claimed.");
  if (!task.candidateGroupId) throw new AppError("TASK_NOT_ACTIONABLE", "This task was assigned to you directly and has no queue to return to.");
  const after: TaskRow = { ...task, assigneeId: null, assignee: null, claimedAt: null, version: task.version + 1, updatedAt: new Date() };
  await taskTransaction(id, "unclaim", (tx) =>
    changeTask(tx, actor, task, {
      action: "unclaim",
      set: { assigneeId: null, claimedAt: null },
      sameAssignee: true,
      audit: { action: "task.unclaimed", before: { assigneeId: actor.id, version: task.version }, after: { assigneeId: null, version: after.version } },
      event: { type: "task.unclaimed", task: after, alsoTo: [task.assigneeId] },
    }),
  );
  return toTaskDto(after, capabilities(actor, scope, after));
}

const DECISION_ACTIONS: Record<string, string> = { approve: "task.approved", reject: "task.rejected" };

/** How a decision arrived, for its audit entry, and a write that must commit with it (or not at all). */
export interface DecisionChannel {
  /** Recorded as `after.channel` (the inbox and the API are the default and record none). */
  channel?: "email";
  /** Runs inside the decision's transaction, e.g. spending the e-mail link (ADR 047). */
  inTx?: (tx: Tx) => Promise<void>;
}

export async function decideTask(actor: Actor, id: string, input: unknown, ifMatch?: number, via: DecisionChannel = {}): Promise<TaskDto> {
  requirePermission(actor, "tasks:decide");
  const data = parse(decideTaskSchema, input, "Decision");
  const { task, scope } = await loadForAction(actor, id);
  assertTransition(task.status, "decide", claimDetail(task));
  checkExpectedVersion(task, ifMatch ?? data.version);

  // Separation of duties, membership and four-eyes for whoever decides: a person, or a token as its owner.
  const assigneeAfter = await assigneeAfterDeciding(actor, task, scope);
  const deciderId = principalId(actor);
  // Only a person's decision is one of the N approvals (a service account's or the system's never is).
  const approverId = isPersonPrincipal(actor) ? deciderId : null;
  // Custom outcomes, the decision form and four-eyes (lib/tasks/decisions.ts).
  const plan = planDecision(task, data, approverId);
  await checkDecisionFiles(declaredForm(task), plan.formValues, { taskId: task.id, instanceId: task.instanceId });
  if (!plan.final) return recordApproval(actor, task, plan, via, data.hold === true);
  const now = new Date();
  const holdMs = data.hold ? env().UNDO_WINDOW_SECONDS * 1000 : 0;
  const heldUntil = holdMs > 0 ? new Date(now.getTime() + holdMs) : null;
  const reason = data.reason ?? null;
  const me = deciderId ? { id: deciderId, name: actor.owner?.name ?? actor.name } : null;
  const after: TaskRow = {
    ...task,
    status: "DECIDED",
    outcome: plan.outcome,
    reason,
    formValues: (plan.formValues ?? null) as TaskRow["formValues"],
    decidedAt: now,
    decidedById: deciderId,
    decidedBy: me,
    assigneeId: assigneeAfter,
    assignee: assigneeAfter === task.assigneeId ? task.assignee : me,
    claimedAt: task.assigneeId ? task.claimedAt : now,
    version: task.version + 1,
    updatedAt: now,
    approvals: approverId ? [...task.approvals, { approverId, approverName: me?.name ?? actor.name, outcome: plan.outcome, reason: plan.reason, createdAt: now }] : task.approvals,
    heldDecision: heldUntil ? { heldUntil, heldBy: actorKey(actor), version: task.version + 1 } : null,
  };
  // With an undo window the consequences wait for it to close (held-decisions.ts).
  const messages = heldUntil ? [commitDecisionMessage(id, after.version, heldUntil)] : decisionConsequences(task, actor.requestId);
  await taskTransaction(
    id,
    "decide",
    async (tx) => {
      await changeTask(tx, actor, task, {
        action: "decide",
        set: {
          status: "DECIDED",
          outcome: plan.outcome,
          reason,
          formValues: after.formValues,
          decidedAt: now,
          decidedById: deciderId,
          assigneeId: assigneeAfter,
          claimedAt: after.claimedAt,
        },
        sameAssignee: true,
        audit: {
          action: DECISION_ACTIONS[plan.outcome] ?? "task.decided",
          before: snapshot(task),
          after: {
            status: "DECIDED",
            assigneeId: assigneeAfter,
            outcome: plan.outcome,
            reason,
            version: after.version,
            ...(plan.formValues ? { form: plan.formValues } : {}),
            ...(task.approvalsRequired > 1 ? { approvals: plan.approvalsAfter, approvalsRequired: task.approvalsRequired } : {}),
            ...(heldUntil ? { undoableUntil: heldUntil.toISOString() } : {}),
            ...(via.channel ? { channel: via.channel } : {}),
          },
          reason,
        },
        messages,
        event: { type: "task.decided", task: after },
      });
      // An earlier four-eyes vote's undo window closes as the task is decided.
      if (task.approvalsRequired > 1) await closeHeldVote(tx, id);
      const approval = approverId ? await insertApproval(tx, id, actor, plan, now) : null;
      if (via.inTx) await via.inTx(tx);
      if (heldUntil) {
        await tx.insert("HeldDecision", {
          taskId: id,
          version: after.version,
          heldUntil,
          heldBy: actorKey(actor),
          prevAssigneeId: task.assigneeId,
          prevClaimedAt: task.claimedAt,
          approvalId: approval?.id ?? null,
        });
      }
    },
    // The caller gets the task back at once; the jobs reach the queue in the background.
    { awaitHandOff: false },
  );
  return toTaskDto(after, capabilities(actor, scope, after));
}

function insertApproval(tx: Tx, taskId: string, actor: Actor, plan: DecisionPlan, at: Date) {
  return tx.insert("TaskApproval", {
    taskId,
    approverId: principalId(actor)!,
    approverName: actor.owner?.name ?? actor.name,
    outcome: plan.outcome,
    reason: plan.reason,
    formValues: (plan.formValues ?? null) as TaskRow["formValues"],
    createdAt: at,
  });
}

/**
 * Four-eyes: an approval that still leaves approvers missing. The vote is stored and audited, and
 * the task returns to its group queue (unassigned) so a different member can give the next one.
 * With `hold` the vote can be taken back like any decision within the undo window ("your approval
 * recorded, 1 of 2" — undoDecision); nothing waits on it, so no job commits it: the window simply
 * closes (the sweep clears the row), or closes early when the next vote or the decision comes.
 */
async function recordApproval(actor: Actor, task: TaskRow, plan: DecisionPlan, via: DecisionChannel, hold: boolean): Promise<TaskDto> {
  const now = new Date();
  const heldUntil = hold && isPersonPrincipal(actor) ? new Date(now.getTime() + env().UNDO_WINDOW_SECONDS * 1000) : null;
  const after: TaskRow = { ...task, assigneeId: null, assignee: null, claimedAt: null, version: task.version + 1, updatedAt: now };
  await taskTransaction(task.id, "approveOne", async (tx) => {
    await changeTask(tx, actor, task, {
      action: "approveOne",
      set: { assigneeId: null, claimedAt: null },
      sameAssignee: true,
      audit: {
        action: "task.approval_recorded",
        before: snapshot(task),
        after: {
          status: task.status,
          assigneeId: null,
          approvals: plan.approvalsAfter,
          approvalsRequired: task.approvalsRequired,
          version: after.version,
          ...(plan.formValues ? { form: plan.formValues } : {}),
          ...(via.channel ? { channel: via.channel } : {}),
          ...(heldUntil ? { undoableUntil: heldUntil.toISOString() } : {}),
        },
        reason: plan.reason,
      },
      event: { type: "task.approval_recorded", task: after, alsoTo: [task.assigneeId, principalId(actor)] },
    });
    await closeHeldVote(tx, task.id);
    const approval = await insertApproval(tx, task.id, actor, plan, now);
    if (heldUntil) {
      await tx.insert("HeldDecision", {
        taskId: task.id,
        version: after.version,
        heldUntil,
        heldBy: actorKey(actor),
        prevAssigneeId: task.assigneeId,
        prevClaimedAt: task.claimedAt,
        approvalId: approval.id,
      });
    }
    if (via.inTx) await via.inTx(tx);
  });
  return getTask(actor, task.id);
}

/** Closes the undo window of an earlier four-eyes vote on this task, if one is still open. */
function closeHeldVote(tx: Tx, taskId: string) {
  return tx.write(sql`DELETE FROM "HeldDecision" WHERE "taskId" = ${taskId}`);
}

/** Withdraws an open task (the work is no longer needed); admins anywhere, supervisors in their teams (M3). */
export async function cancelTask(actor: Actor, id: string, input: unknown, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:assign");
  const data = parse(cancelTaskSchema, input, "Cancellation");
  const { task, scope } = await loadForAction(actor, id);
  assertMayManage(actor, scope, task, "cancel");
  checkExpectedVersion(task, ifMatch ?? data.version);
  assertTransition(task.status, "cancel");
  const after: TaskRow = { ...task, status: "CANCELLED", reason: data.reason, version: task.version + 1, updatedAt: new Date() };
  await taskTransaction(id, "cancel", (tx) =>
    changeTask(tx, actor, task, {
      action: "cancel",
      set: { status: "CANCELLED", reason: data.reason },
      audit: { action: "task.cancelled", before: snapshot(task), after: { status: "CANCELLED", version: after.version }, reason: data.reason },
      event: { type: "task.cancelled", task: after },
    }),
  );
  return toTaskDto(after, capabilities(actor, scope, after));
}
