import { query } from "../../db";
import { AppError, isAppError } from "../../errors";
import type { Actor } from "../../identity/actor";
import { renderTemplate } from "../../processes/expressions";
import { getPath } from "../../paths";
import { customStepOutcomes, type HumanStep } from "../../processes/schemas";
import { createTaskInTx, isApprovingOutcome, validateNewTask, type NewTask } from "../../tasks";
import { claim, ctxFromRow, engineActor, INSTANCE_SELECT, markWaitingInTx, skipped, transition, underClaim, variablesOf, type Claim, type Ctx, type StepResult } from "../kernel";
import { lockInstanceIn, StaleTransition, updateInstanceIf, updateStepRunIf } from "../store";
import { cancelOpenTasksInTx, finishStepInTx } from "../transitions";

// A human step: creates its task (routed, with its deadline and escalation) and waits; the task's
// decision moves the process along the outcome's `next` (decided).

/** A step held RUNNING longer than this by a worker is taken over (the worker died mid-step). */
const HUMAN_STALE_MS = 60_000;

export async function run(ctx: Ctx, step: HumanStep, actor: Actor): Promise<StepResult> {
  const claimed = await claim(ctx, HUMAN_STALE_MS);
  if (claimed === "skip") return skipped(`step ${ctx.stepRun.status}`);
  if (claimed === "busy") throw new Error(`step run ${ctx.stepRun.id} is being started by another worker`);
  return underClaim(ctx.stepRun.id, claimed, () => createTaskAndWait(ctx, step, actor, claimed));
}

async function createTaskAndWait(ctx: Ctx, step: HumanStep, actor: Actor, claimed: Claim): Promise<StepResult> {
  const stepRun = { ...ctx.stepRun, status: "RUNNING" as const, version: claimed.version, attempts: claimed.attempt };
  const running = { ...ctx, stepRun };
  // A worker that died after creating the task left it behind: reuse it rather than make a second.
  // Only a run taken over from a dead worker (a second attempt) can already have its task.
  const existing = claimed.attempt > 1 ? ((await query<{ id: string }>(`SELECT "id" FROM "Task" WHERE "stepRunId" = $1 LIMIT 1`, [stepRun.id]))[0] ?? null) : null;
  const failed = (e: AppError) => {
    // A definition that names an unknown group or person: fail visibly, nobody would ever see the task.
    const error = `Step "${step.id}" could not create its task: ${e.message}`;
    return transition("human failed", (tx) => finishStepInTx(tx, actor, running, ["RUNNING"], { status: "FAILED", error, next: null, action: "step.failed" }));
  };
  // One task, or one per party of a multi-party approval (sequential: the first party's for now).
  // They commit together, so one found after a crash means all were made.
  let data: NewTask[] = [];
  if (!existing) {
    try {
      data = partiesToAsk(step).map((party) => validateNewTask(actor, taskOf(step, variablesOf(ctx), ctx.instance.startedById, party)).data);
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      return failed(e);
    }
  }
  try {
    // The task and the step's WAITING commit together (ADR 016).
    return await transition("human waiting", async (tx) => {
      // The instance first (lock order instance → task, step run): the task's INSERT takes a
      // key-share lock on the instance, which two branches' transactions must not both hold before
      // locking it. Main flow: its guarded change to WAITING, from the state this job holds; should
      // it have moved meanwhile, or in a branch, lock it and look again.
      let waiting = false;
      if (!stepRun.parallelRunId && ctx.instance.status === "RUNNING") {
        try {
          await updateInstanceIf(tx, { id: ctx.instance.id, version: ctx.instance.version, statuses: ["RUNNING"] }, { status: "WAITING" });
          waiting = true;
        } catch (err) {
          if (!(err instanceof StaleTransition && err.row === "instance")) throw err;
        }
      }
      const inst = waiting ? null : await lockInstanceIn(tx, ctx.instance.id, ["RUNNING", "WAITING"]);
      const link = { instanceId: ctx.instance.id, stepRunId: stepRun.id, requesterId: ctx.instance.startedById, ...(step.excludeEarlierDeciders ? { excludeEarlierDeciders: true } : {}) };
      const taskIds: string[] = [];
      for (const d of data) taskIds.push((await createTaskInTx(tx, actor, d, link)).id);
      const taskId = taskIds[0] ?? existing!.id;
      await updateStepRunIf(tx, { id: stepRun.id, version: stepRun.version, statuses: ["RUNNING"] }, { status: "WAITING", output: { taskId } });
      if (inst) await markWaitingInTx(tx, running, inst);
      tx.audit(actor, {
        action: "step.waiting",
        subjectType: "instance",
        subjectId: ctx.instance.id,
        instanceId: ctx.instance.id,
        taskId,
        after: { stepId: step.id, stepRunId: stepRun.id, status: "WAITING", taskId },
      });
    });
  } catch (e) {
    if (!isAppError(e) || e.status >= 500) throw e;
    return failed(e);
  }
}

/**
 * The task a human step asks for, its templates rendered with the instance's variables. The
 * requester is a fact (H2): the person who started the instance (or whose token did), or a literal
 * the definition's publisher wrote — never a value rendered from event or start data.
 */
type Party = NonNullable<HumanStep["approvers"]>["of"][number];

function partiesToAsk(step: HumanStep): (Party | null)[] {
  if (!step.approvers) return [null];
  return step.approvers.mode === "sequential" ? [step.approvers.of[0]!] : step.approvers.of;
}

function taskOf(step: HumanStep, variables: Record<string, unknown>, startedById: string | null, party: Party | null = null) {
  const context: Record<string, unknown> = {};
  for (const path of step.context) context[path] = getPath(variables, path) ?? null;
  const render = (t: string | undefined) => (t === undefined ? undefined : renderTemplate(t, variables).trim() || undefined);
  return {
    title: render(step.title) ?? step.id,
    description: render(step.description),
    context,
    candidateGroup: render(party ? party.candidateGroup : step.candidateGroup),
    assignee: render(party ? party.assignee : step.assignee),
    routing: step.routing,
    // The starter travels as the process link's requesterId (createTaskInTx); a literal only without one.
    requestedBy: startedById ? undefined : step.requestedBy && !step.requestedBy.includes("{{") ? step.requestedBy : undefined,
    priority: step.priority,
    dueIn: step.due,
    escalation: step.escalation,
    ...(step.form ? { form: step.form } : {}),
    // Custom outcomes travel with the task (ADR 052): the definition version the instance runs on
    // decides them, so a later version never changes what an open task offers.
    ...(customStepOutcomes(step).length ? { outcomes: customStepOutcomes(step) } : {}),
    approvalsRequired: step.approvalsRequired,
    requiredSkills: step.requiredSkills,
  };
}

// A decided task with its step run and instance, in one statement (the task's fields as "t.<name>").
const TASK_CTX = `SELECT t."status"::text AS "t.status", t."outcome" AS "t.outcome", t."reason" AS "t.reason", t."formValues" AS "t.formValues",
         (SELECT u."name" FROM "User" u WHERE u."id" = t."decidedById") AS "t.decidedBy",
         (t."status" = 'CANCELLED' AND EXISTS (SELECT 1 FROM "TaskEscalation" e WHERE e."taskId" = t."id" AND e."action" = 'fail')) AS "t.failedBySla",
         sr.*, ${INSTANCE_SELECT}
    FROM "Task" t LEFT JOIN "StepRun" sr ON sr."id" = t."stepRunId" LEFT JOIN "ProcessInstance" i ON i."id" = sr."instanceId"
   WHERE t."id" = $1`;

/** The step's task was decided (or expired): continue along the outcome's `next`. */
export async function decided(taskId: string, requestId?: string): Promise<StepResult> {
  const [row] = await query<Record<string, unknown>>(TASK_CTX, [taskId]);
  // No step run or instance joined (row["i.id"] null): a task created outside a process.
  if (!row || row["i.id"] == null) return skipped("not a process task");
  const status = row["t.status"] as string;
  const taskOutcome = row["t.outcome"] as string | null;
  const reason = row["t.reason"] as string | null;
  const failedBySla = row["t.failedBySla"] as boolean;
  if (!failedBySla && (status !== "DECIDED" || !taskOutcome)) return skipped(`task ${status}`);
  const ctx = await ctxFromRow(row);
  if (!ctx || ctx.step.kind !== "human") return skipped("no human step");
  // The task can be decided before the worker that created it recorded WAITING: try again shortly.
  if (ctx.stepRun.status === "RUNNING" || ctx.stepRun.status === "PENDING") throw new Error(`step run ${ctx.stepRun.id} is not waiting yet`);
  if (ctx.stepRun.status !== "WAITING") return skipped(`step ${ctx.stepRun.status}`);
  const actor = engineActor(requestId);
  if (failedBySla) {
    // The escalation policy's last level: no decision in time fails the step (ADR 009).
    const error = `Step "${ctx.step.id}": ${reason ?? "no decision within the deadline"}`;
    return transition("human expired", (tx) => finishStepInTx(tx, actor, ctx, ["WAITING"], { status: "FAILED", error, next: null, action: "step.failed", auditAfter: { taskId } }));
  }
  const step = ctx.step;
  let form = (row["t.formValues"] ?? null) as Record<string, unknown> | null;
  let cancelOthers = false;
  // The step's outcome: the task's, or for several parties the one their decisions come to.
  let outcome = taskOutcome!;
  if (step.approvers) {
    const party = await partyDecision(ctx, step, taskId, outcome, actor);
    if (party.wait) return party.wait;
    form = party.form;
    outcome = party.outcome;
    cancelOthers = true;
  }
  const decision = { outcome, reason, decidedBy: row["t.decidedBy"] as string | null, taskId, ...(form ? { form } : {}) };
  // The form's answers (validated against the step's form when the task was decided) go on as variables.
  const values = form;
  const answers: [string, unknown][] = values && step.form ? step.form.filter((f) => values[f.id] !== undefined).map((f) => [step.writeBack?.[f.id] ?? f.id, values[f.id]]) : [];
  const next = step.next[outcome];
  const compensate = outcome === "reject" && step.compensateOnReject;
  const goesOn = !!next || compensate;
  return transition(`human ${outcome}`, async (tx) => {
    // Any-of, or a rejection: the parties still asked are not needed any more.
    if (cancelOthers) await cancelOpenTasksInTx(tx, actor, [ctx.stepRun.id], `Step "${step.id}" was ${approvingOutcome(step, outcome) ? "approved" : "decided"} by another approver`);
    return finishStepInTx(tx, actor, ctx, ["WAITING"], {
      status: goesOn ? "COMPLETED" : "FAILED",
      output: decision,
      error: goesOn ? null : `Outcome "${outcome}" has no next step`,
      assign: [[step.id, decision], ...answers],
      next: next ?? null,
      compensate,
      action: goesOn ? "step.completed" : "step.failed",
      auditAfter: { outcome, taskId, ...(compensate ? { compensate: true } : {}) },
    });
  });
}

/** "approve" and every custom outcome not declared `rejecting` count as an approval (as four-eyes counts them). */
function approvingOutcome(step: HumanStep, outcome: string): boolean {
  return isApprovingOutcome({ outcomes: customStepOutcomes(step) }, outcome);
}

/**
 * A party of a multi-party approval decided. An approval waits for the others (all-of) or asks the
 * next party (sequential); the step finishes on a rejection, on an any-of approval, or once every
 * party approved — with the parties' form answers merged in the order they were asked. The step's
 * outcome is the finishing decision's; once every party approved (all-of, sequential) it is the
 * first custom approving outcome in the order the parties were asked, else "approve" (ADR 052).
 */
async function partyDecision(ctx: Ctx, step: HumanStep, taskId: string, outcome: string, actor: ReturnType<typeof engineActor>): Promise<{ wait?: StepResult; form: Record<string, unknown> | null; outcome: string }> {
  const approvers = step.approvers!;
  const tasks = await query<{ id: string; status: string; outcome: string | null; formValues: Record<string, unknown> | null }>(
    `SELECT "id", "status"::text AS "status", "outcome", "formValues" FROM "Task" WHERE "stepRunId" = $1 ORDER BY "createdAt", "id"`,
    [ctx.stepRun.id],
  );
  const decided = tasks.filter((t) => t.status === "DECIDED");
  const form = Object.assign({}, ...decided.map((t) => t.formValues ?? {})) as Record<string, unknown>;
  const merged = Object.keys(form).length ? form : null;
  if (!approvingOutcome(step, outcome) || approvers.mode === "any") return { form: merged, outcome };
  const together = decided.map((t) => t.outcome).find((o) => o && o !== "approve") ?? "approve";
  if (approvers.mode === "all") {
    const open = tasks.filter((t) => t.status === "OPEN" || t.status === "INFO_REQUESTED").length;
    return open ? { wait: skipped(`approved; ${open} more approval(s) needed`), form: merged, outcome } : { form: merged, outcome: together };
  }
  // Sequential: the next party, once, from the newest task's decision (a retried job finds it made).
  const next = approvers.of[tasks.length];
  if (!next) return { form: merged, outcome: together };
  if (tasks[tasks.length - 1]?.id !== taskId) return { wait: skipped("the next approver was already asked"), form: merged, outcome };
  let data: NewTask;
  try {
    data = validateNewTask(actor, taskOf(step, variablesOf(ctx), ctx.instance.startedById, next)).data;
  } catch (e) {
    if (!isAppError(e) || e.status >= 500) throw e;
    const error = `Step "${step.id}" could not ask its next approver: ${e.message}`;
    return { wait: await transition("human failed", (tx) => finishStepInTx(tx, actor, ctx, ["WAITING"], { status: "FAILED", error, next: null, action: "step.failed" })), form: merged, outcome };
  }
  const wait = await transition("human next approver", async (tx) => {
    await lockInstanceIn(tx, ctx.instance.id, ["RUNNING", "WAITING"]);
    const created = await createTaskInTx(tx, actor, data, { instanceId: ctx.instance.id, stepRunId: ctx.stepRun.id, requesterId: ctx.instance.startedById, ...(step.excludeEarlierDeciders ? { excludeEarlierDeciders: true } : {}) });
    tx.audit(actor, { action: "step.waiting", subjectType: "instance", subjectId: ctx.instance.id, instanceId: ctx.instance.id, taskId: created.id, after: { stepId: step.id, stepRunId: ctx.stepRun.id, status: "WAITING", taskId: created.id, approver: tasks.length + 1 } });
  });
  return { wait, form: merged, outcome };
}
