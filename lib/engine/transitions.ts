import { sql, type Changes, type Row, type Tx } from "../db";
import { isPersonPrincipal, principalId, workerActor, type Actor } from "../identity/actor";
import { changeTask, LostRace } from "../tasks";
import { publishRequestEvent } from "../live/publish";
import { compensationOf, stepById } from "../processes/definition";
import type { Variables } from "../paths";
import type { ParallelStep, ProcessDocument } from "../processes/schemas";
import {
  ACTIVE_RUN_STATUSES,
  StaleTransition,
  applyWrites,
  asVariables,
  createStepRunInTx,
  liveStatusesFor,
  lockInstance,
  lockInstanceIn,
  refreshActivity,
  stepRunById,
  updateInstance,
  updateInstanceIf,
  updateStepRunIf,
  updateStepRuns,
  writesOf,
  type Assignment,
  type CreatedRun,
  type InstanceRef,
  type RunPlacement,
  type StepRunRef,
} from "./store";

// The engine's flow: starting an instance, finishing a step and moving on, forks and joins,
// failure, compensation (saga) and cancellation. Each runs inside the caller's transaction, over
// the guarded rows of ./store; the jobs a change implies go to the outbox with it.

export async function startInstanceInTx(
  tx: Tx,
  actor: Actor,
  definition: { id: string; key: string; version: number; document: ProcessDocument },
  input: { variables: Variables; businessKey?: string | null; startEventId?: string | null },
  opts: { enqueue?: boolean } = {},
) {
  const first = stepById(definition.document, definition.document.start)!;
  const now = new Date();
  // The variables as stored (what JSON keeps of them), serialised once for both.
  const variables = JSON.stringify(input.variables ?? {});
  // The row as written (version 1), without reading it back: in a batched transaction the INSERT
  // waits for the commit with the rest (ADR 016, ADR 017).
  const row = await tx.insert("ProcessInstance", {
    definitionId: definition.id,
    businessKey: input.businessKey ?? null,
    variables: sql`${variables}::jsonb`,
    status: "RUNNING",
    currentStepId: first.id,
    // Who started it: a person, or the person whose token started it (the process tasks' requester);
    // a service account or the workflow names no person.
    startedById: isPersonPrincipal(actor) ? principalId(actor) : null,
    startedByName: actor.name,
    startEventId: input.startEventId ?? null,
    startedAt: now,
    updatedAt: now,
    version: 1,
  });
  const instance: InstanceRef = {
    id: row.id,
    businessKey: input.businessKey ?? null,
    status: "RUNNING",
    version: 1,
    variables: JSON.parse(variables) as InstanceRef["variables"],
    definitionId: definition.id,
    startedById: isPersonPrincipal(actor) ? principalId(actor) : null,
  };
  const run = await createStepRunInTx(tx, instance.id, first, {}, opts);
  const carried: NonNullable<Advanced["carried"]> = { instance, stepRun: createdRun(run, first.id) };
  tx.audit(actor, {
    action: "instance.started",
    subjectType: "instance",
    subjectId: instance.id,
    instanceId: instance.id,
    after: {
      process: definition.key,
      version: definition.version,
      businessKey: instance.businessKey,
      firstStep: first.id,
      stepRunId: run.id,
      ...(input.startEventId ? { eventReceiptId: input.startEventId } : {}),
    },
  });
  return { instance, firstStepRun: run, carried };
}

interface StepOutcome {
  /** The finished step's final status. */
  status: "COMPLETED" | "FAILED";
  output?: unknown;
  error?: string | null;
  /** Variable writes of the step (applied to the instance, or collected by its branch). */
  assign?: Assignment[];
  /** The next step; null ends the instance (COMPLETED, or FAILED when the step failed). */
  next: string | null;
  /** A human rejection that compensates (saga) instead of continuing. */
  compensate?: boolean;
  action: string;
  auditAfter?: Record<string, unknown>;
  stepData?: Changes<"StepRun">;
}

/**
 * `inline`: the caller (a worker) runs the next step run itself after the commit, so advancing
 * writes no job for it and returns its id (ADR 015). Only advanceInTx's own next run is taken
 * inline; forks, joins and compensation always queue theirs.
 */
type EngineCtx = { doc: ProcessDocument; actor: Actor; inline?: boolean };

/**
 * What advancing wrote, as the next step's job would read it back after the commit: the instance
 * and the new run (PENDING, or claimed). A worker that runs the next step inline starts from this instead of
 * reading both again (ADR 015); a change by someone else in between fails its guarded updates.
 */
export interface Advanced {
  nextStepRunId: string | null;
  carried?: { instance: InstanceRef; stepRun: StepRunRef };
}

/** A run as createStepRunInTx wrote it (PENDING, or claimed for the worker that runs it inline). */
function createdRun(run: CreatedRun, stepId: string, placement: RunPlacement = {}): StepRunRef {
  return {
    id: run.id,
    version: run.version,
    status: run.claimedAt ? "RUNNING" : "PENDING",
    stepId,
    attempts: run.claimedAt ? 1 : 0,
    attemptStartedAt: run.claimedAt,
    attemptLog: [],
    parallelRunId: placement.parallelRunId ?? null,
    branch: placement.branch ?? null,
    branchWrites: (placement.branchWrites ?? null) as StepRunRef["branchWrites"],
    compensationOf: null,
  };
}
const instanceBase = (id: string) => ({ subjectType: "instance", subjectId: id, instanceId: id }) as const;

/**
 * Finishes a step run and moves on: the step run's guarded change, the instance's change
 * (variables, current step, status), the next step run and its job, and the audit entries, all
 * in the caller's transaction. Inside a branch, writes are collected for the join; a permanent
 * failure compensates (when completed steps declare compensation), fails the branch, or fails
 * the instance.
 */
export async function finishStepInTx(
  tx: Tx,
  actor: Actor,
  ctx: { instance: Pick<InstanceRef, "id"> & Partial<InstanceRef>; stepRun: StepRunRef; doc: ProcessDocument; inline?: boolean },
  from: Row<"StepRun">["status"][],
  outcome: StepOutcome,
): Promise<Advanced> {
  const { stepRun, doc } = ctx;
  const finish = () =>
    updateStepRunIf(tx, { id: stepRun.id, version: stepRun.version, statuses: from }, {
      status: outcome.status,
      output: outcome.output ?? undefined,
      error: outcome.error ?? null,
      endedAt: new Date(),
      ...outcome.stepData,
    });
  const known = knownInstance(ctx.instance);
  // Optimistic (ADR 016): a main-flow step moving on to its next step (or the end) does not read
  // and lock the instance first. The job already holds its state; the instance's guarded UPDATE
  // (by version) is the first write, so the lock order stays instance → step run, and a change by
  // someone else since makes it fail. Then the instance is locked and read here, and the step
  // goes on from what it holds now, in the same transaction (nothing was written yet).
  const optimistic = known && !stepRun.parallelRunId && !stepRun.compensationOf && !outcome.compensate && !(outcome.status === "FAILED" && !outcome.next);
  const inst = optimistic ? known : await lockInstanceIn(tx, ctx.instance.id, liveStatusesFor(stepRun));
  if (!optimistic) await finish();
  tx.audit(actor, {
    ...instanceBase(inst.id),
    action: outcome.action,
    before: { stepId: stepRun.stepId, status: stepRun.status },
    after: {
      stepId: stepRun.stepId,
      stepRunId: stepRun.id,
      status: outcome.status,
      next: outcome.next,
      ...(stepRun.branch ? { branch: stepRun.branch } : {}),
      ...(stepRun.compensationOf ? { compensates: stepRun.compensationOf } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
      ...outcome.auditAfter,
    },
  });
  const e: EngineCtx = { doc, actor, inline: ctx.inline };
  if (optimistic) {
    let advanced: Advanced;
    try {
      advanced = await advanceInTx(tx, e, inst, stepRun, outcome.next, outcome.assign ?? []);
    } catch (err) {
      if (!instanceMoved(err)) throw err;
      const fresh = await lockInstanceIn(tx, inst.id, liveStatusesFor(stepRun));
      await finish();
      return advanceInTx(tx, e, fresh, stepRun, outcome.next, outcome.assign ?? []);
    }
    await finish();
    return advanced;
  }
  if (stepRun.compensationOf) return afterCompensationRunInTx(tx, e, inst, stepRun, outcome);
  if (outcome.compensate) {
    await startCompensationInTx(tx, e, inst, `Step "${stepRun.stepId}" was rejected`);
    return { nextStepRunId: null };
  }
  if (outcome.status === "FAILED" && !outcome.next) {
    await failRunInTx(tx, e, inst, stepRun, outcome.error ?? `Step "${stepRun.stepId}" failed`);
    return { nextStepRunId: null };
  }
  return advanceInTx(tx, e, inst, stepRun, outcome.next, outcome.assign ?? []);
}

/** The instance as the caller last saw it, when it saw all of it and it was live; else null. */
function knownInstance(i: Pick<InstanceRef, "id"> & Partial<InstanceRef>): InstanceRef | null {
  if (typeof i.version !== "number" || i.variables === undefined || typeof i.definitionId !== "string" || (i.status !== "RUNNING" && i.status !== "WAITING")) return null;
  return { id: i.id, version: i.version, status: i.status, variables: i.variables, businessKey: i.businessKey ?? null, definitionId: i.definitionId, startedById: i.startedById ?? null };
}

/** The instance's guard failed: it changed since the caller read it (the optimistic paths lock it and look again). */
function instanceMoved(err: unknown): boolean {
  return err instanceof StaleTransition && err.row === "instance";
}

/**
 * Moves on from `from` (a finished, skipped or joined run) to `next` with the step's writes: in a
 * branch, to the next step of the branch or its arrival at the join; in the main flow, to the next
 * step or the end of the instance.
 */
export async function advanceInTx(
  tx: Tx,
  e: EngineCtx,
  inst: InstanceRef,
  from: Pick<StepRunRef, "id" | "stepId" | "parallelRunId" | "branch" | "branchWrites">,
  next: string | null,
  writes: Assignment[],
): Promise<Advanced> {
  if (from.parallelRunId) {
    const parRun = await stepRunById(tx, from.parallelRunId);
    const par = stepById(e.doc, parRun.stepId) as ParallelStep;
    const branchWrites = [...writesOf(from.branchWrites), ...writes];
    if (!next || next === par.join) {
      await arriveAtJoinInTx(tx, e, inst, parRun, par, from.branch!, branchWrites);
      return { nextStepRunId: null };
    }
    const nextStep = stepById(e.doc, next)!;
    await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, { status: "RUNNING", currentStepId: nextStep.id });
    const placement = { parallelRunId: parRun.id, branch: from.branch, branchWrites };
    const run = await createStepRunInTx(tx, inst.id, nextStep, placement, { enqueue: !e.inline });
    return { nextStepRunId: run.id, carried: { instance: { ...inst, version: inst.version + 1, status: "RUNNING" }, stepRun: createdRun(run, nextStep.id, placement) } };
  }
  const variables = applyWrites(asVariables(inst.variables), writes);
  const nextStep = next ? stepById(e.doc, next) : undefined;
  if (!nextStep || nextStep.kind === "end") {
    const lastStep = nextStep?.id ?? from.stepId;
    // The instance's guarded change comes first: nothing is written when it fails (finishStepInTx's optimistic path).
    await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, {
      status: "COMPLETED",
      variables,
      endedAt: new Date(),
      error: null,
      currentStepId: lastStep,
    });
    if (nextStep) {
      // An end step has nothing to run: its run is recorded completed in this transaction, as a
      // job would have done it, and the instance completes (ADR 015).
      const now = new Date();
      const { id: endRunId } = await tx.insert("StepRun", { instanceId: inst.id, stepId: nextStep.id, type: "end", status: "COMPLETED", startedAt: now, endedAt: now, updatedAt: now });
      tx.audit(e.actor, {
        ...instanceBase(inst.id),
        action: "step.completed",
        before: { stepId: nextStep.id, status: "PENDING" },
        after: { stepId: nextStep.id, stepRunId: endRunId, status: "COMPLETED", next: null },
      });
    }
    tx.afterCommit(() => publishRequestEvent(inst.startedById));
    tx.audit(e.actor, {
      ...instanceBase(inst.id),
      action: "instance.completed",
      before: { status: inst.status },
      after: { status: "COMPLETED", lastStep },
    });
    return { nextStepRunId: null };
  }
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, {
    status: "RUNNING",
    variables,
    currentStepId: nextStep.id,
    error: null,
  });
  const run = await createStepRunInTx(tx, inst.id, nextStep, {}, { enqueue: !e.inline });
  return {
    nextStepRunId: run.id,
    carried: { instance: { ...inst, version: inst.version + 1, status: "RUNNING", variables: variables as InstanceRef["variables"] }, stepRun: createdRun(run, nextStep.id) },
  };
}

// ── parallel branches ─────────────────────────────────────────────────────────────────────────

interface BranchState {
  name: string;
  status: "running" | "completed" | "failed";
  /** completed: the branch's own writes, applied at the join in branch order. */
  writes?: Assignment[];
  /** failed: the run that failed and why. */
  runId?: string;
  error?: string;
}
interface ParallelState {
  branches: BranchState[];
}

export function parallelStateOf(output: unknown): ParallelState {
  const o = output as unknown as ParallelState | null;
  return { branches: Array.isArray(o?.branches) ? o.branches.map((b) => ({ ...b })) : [] };
}

/** A parallel step's run: WAITING with one running branch per declared branch, each started. */
export async function forkInTx(tx: Tx, e: EngineCtx, instanceId: string, run: StepRunRef, par: ParallelStep): Promise<void> {
  const inst = await lockInstanceIn(tx, instanceId, ["RUNNING", "WAITING"]);
  const state: ParallelState = { branches: par.branches.map((b) => ({ name: b.name, status: "running" })) };
  await updateStepRunIf(tx, { id: run.id, version: run.version, statuses: ["PENDING"] }, { status: "WAITING", output: state });
  const inherited = writesOf(run.branchWrites);
  const started: Record<string, string> = {};
  for (const b of par.branches) {
    const child = await createStepRunInTx(tx, instanceId, stepById(e.doc, b.start)!, { parallelRunId: run.id, branch: b.name, branchWrites: inherited });
    started[b.name] = child.id;
  }
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, { status: "RUNNING", currentStepId: par.id });
  tx.audit(e.actor, {
    ...instanceBase(instanceId),
    action: "step.forked",
    after: { stepId: par.id, stepRunId: run.id, join: par.join, branches: started, ...(run.branch ? { branch: run.branch } : {}) },
  });
}

async function saveParallelState(tx: Tx, parRunId: string, state: ParallelState, data: Changes<"StepRun"> = {}) {
  // The instance row lock serialises every change to a parallel run's state.
  await updateStepRuns(tx, { output: state, ...data }, sql`"id" = ${parRunId}`);
}

type ParRun = Row<"StepRun">;

async function arriveAtJoinInTx(tx: Tx, e: EngineCtx, inst: InstanceRef, parRun: ParRun, par: ParallelStep, branch: string, branchWrites: Assignment[]) {
  const state = parallelStateOf(parRun.output);
  const own = branchWrites.slice(writesOf(parRun.branchWrites).length);
  state.branches = state.branches.map((b) => (b.name === branch ? { name: b.name, status: "completed", writes: own } : b));
  await saveParallelState(tx, parRun.id, state);
  await settleParallelInTx(tx, e, inst, { ...parRun, output: state as unknown as ParRun["output"] }, par, state);
}

/** After a branch settled: wait for the others, join when all completed, fail when one failed. */
async function settleParallelInTx(tx: Tx, e: EngineCtx, inst: InstanceRef, parRun: ParRun, par: ParallelStep, state: ParallelState) {
  if (state.branches.some((b) => b.status === "running")) {
    await refreshActivity(tx, inst);
    return;
  }
  const failed = state.branches.filter((b) => b.status === "failed");
  const fresh = (await lockInstance(tx, inst.id))!;
  if (failed.length) {
    const error = `Step "${par.id}": ${failed.map((b) => `branch "${b.name}" failed (${b.error ?? "error"})`).join("; ")}`;
    await saveParallelState(tx, parRun.id, state, { status: "FAILED", error, endedAt: new Date() });
    tx.audit(e.actor, { ...instanceBase(inst.id), action: "step.failed", after: { stepId: par.id, stepRunId: parRun.id, status: "FAILED", error } });
    await failRunInTx(tx, e, fresh, parRun, error, { compensationChecked: true });
    return;
  }
  // Deterministic merge: the branches' writes in declaration order (later branch wins).
  const merged: Assignment[] = [];
  for (const b of par.branches) merged.push(...(state.branches.find((s) => s.name === b.name)?.writes ?? []));
  const now = new Date();
  await saveParallelState(tx, parRun.id, state, { status: "COMPLETED", endedAt: now });
  const join = stepById(e.doc, par.join)!;
  const joinRun = await tx.insert("StepRun", {
    instanceId: inst.id,
    stepId: join.id,
    type: "join",
    status: "COMPLETED",
    endedAt: now,
    output: { branches: par.branches.map((b) => b.name), writes: merged.length },
    parallelRunId: parRun.parallelRunId,
    branch: parRun.branch,
    branchWrites: parRun.branchWrites,
    startedAt: now,
    updatedAt: now,
  });
  tx.audit(e.actor, {
    ...instanceBase(inst.id),
    action: "step.joined",
    after: { stepId: join.id, stepRunId: joinRun.id, parallel: par.id, branches: par.branches.map((b) => b.name), variablesWritten: [...new Set(merged.map(([p]) => p))] },
  });
  // The run after the join is queued: nobody up the call chain runs it inline.
  await advanceInTx(tx, { ...e, inline: false }, fresh, joinRun, join.kind === "join" ? join.next : null, merged);
}


/**
 * A run failed for good (no fallback): compensate when completed steps declare compensation;
 * inside a branch, the branch fails (the join fails once the other branches settled); in the
 * main flow, the instance fails.
 */
async function failRunInTx(
  tx: Tx,
  e: EngineCtx,
  inst: InstanceRef,
  run: Pick<StepRunRef, "id" | "stepId" | "parallelRunId" | "branch">,
  error: string,
  opts: { compensationChecked?: boolean } = {},
): Promise<void> {
  if (!opts.compensationChecked && (await nextCompensableRun(tx, e.doc, inst.id))) {
    await startCompensationInTx(tx, e, inst, error);
    return;
  }
  if (run.parallelRunId) {
    const parRun = await stepRunById(tx, run.parallelRunId);
    const par = stepById(e.doc, parRun.stepId) as ParallelStep;
    const state = parallelStateOf(parRun.output);
    state.branches = state.branches.map((b) => (b.name === run.branch ? { name: b.name, status: "failed", runId: run.id, error } : b));
    await saveParallelState(tx, parRun.id, state);
    // The error shows on the instance while the other branches go on; an operator can retry or skip.
    await updateInstance(tx, inst.id, { error });
    const fresh = (await lockInstance(tx, inst.id))!;
    await settleParallelInTx(tx, e, fresh, { ...parRun, output: state as unknown as ParRun["output"] }, par, state);
    return;
  }
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, {
    status: "FAILED",
    endedAt: new Date(),
    error,
    currentStepId: run.stepId,
  });
  tx.afterCommit(() => publishRequestEvent(inst.startedById));
  tx.audit(e.actor, {
    ...instanceBase(inst.id),
    action: "instance.failed",
    before: { status: inst.status },
    after: { status: "FAILED", lastStep: run.stepId, error },
    reason: error,
  });
}

/** Reopens the parallel runs above a failed branch run that an operator retries or skips. */
export async function reopenBranchInTx(tx: Tx, run: Pick<StepRunRef, "parallelRunId" | "branch">): Promise<void> {
  let cur: { parallelRunId?: string | null; branch?: string | null } = run;
  while (cur.parallelRunId) {
    const parRun = await stepRunById(tx, cur.parallelRunId);
    const state = parallelStateOf(parRun.output);
    state.branches = state.branches.map((b) => (b.name === cur.branch ? { name: b.name, status: "running" } : b));
    await saveParallelState(tx, parRun.id, state, parRun.status === "FAILED" ? { status: "WAITING", error: null, endedAt: null } : {});
    if (parRun.status !== "FAILED") return;
    cur = parRun;
  }
}

// ── compensation (saga) ───────────────────────────────────────────────────────────────────────

/** The newest completed run whose step names a compensation that has not run (or been skipped) yet. */
async function nextCompensableRun(tx: Tx, doc: ProcessDocument, instanceId: string) {
  const compensable = new Set(doc.steps.filter((s) => compensationOf(s)).map((s) => s.id));
  if (compensable.size === 0) return null;
  const runs = await tx.query<{ id: string; stepId: string; compensationOf: string | null; endedAt: Date | null }>(
    sql`SELECT "id", "stepId", "compensationOf", "endedAt" FROM "StepRun"
      WHERE "instanceId" = ${instanceId}
        AND (("status" = 'COMPLETED' AND "stepId" = ANY(${[...compensable]}::text[]) AND "compensationOf" IS NULL)
          OR ("compensationOf" IS NOT NULL AND "status" IN ('COMPLETED', 'SKIPPED')))
      ORDER BY "endedAt" DESC, "id" DESC`,
  );
  const done = new Set(runs.filter((r) => r.compensationOf).map((r) => r.compensationOf!));
  const candidate = runs.find((r) => !r.compensationOf && !done.has(r.id));
  return candidate ? { run: candidate, step: stepById(doc, compensationOf(stepById(doc, candidate.stepId)!)!)! } : null;
}

type OpenTask = Pick<Row<"Task">, "id" | "status" | "version" | "instanceId" | "assigneeId" | "candidateGroupId" | "requestedById" | "decidedById">;

/** Stops every active run of the instance and cancels their open tasks (each a task change: audited, announced). */
export async function cancelActiveRunsInTx(tx: Tx, actor: Actor, instanceId: string, reason: string): Promise<{ runs: string[]; tasks: string[] }> {
  const ids = await updateStepRuns(tx, { status: "CANCELLED", endedAt: new Date(), error: reason }, sql`"instanceId" = ${instanceId} AND "status" = ANY(${ACTIVE_RUN_STATUSES}::"StepRunStatus"[])`);
  if (ids.length === 0) return { runs: [], tasks: [] };
  return { runs: ids, tasks: await cancelOpenTasksInTx(tx, actor, ids, reason) };
}

/** Cancels the open tasks of these step runs (audited task.cancelled each); their ids. */
export async function cancelOpenTasksInTx(tx: Tx, actor: Actor, stepRunIds: string[], reason: string): Promise<string[]> {
  const open = await tx.query<OpenTask>(
    sql`SELECT "id", "status", "version", "instanceId", "assigneeId", "candidateGroupId", "requestedById", "decidedById" FROM "Task"
      WHERE "stepRunId" = ANY(${stepRunIds}::text[]) AND "status" IN ('OPEN', 'INFO_REQUESTED')`,
  );
  for (const t of open) {
    await changeTask(tx, actor, t, {
      action: "cancel",
      set: { status: "CANCELLED", reason },
      audit: { action: "task.cancelled", before: { status: t.status, version: t.version }, after: { status: "CANCELLED", version: t.version + 1 }, reason },
      event: { type: "task.cancelled", task: { ...t, version: t.version + 1 } },
    }).catch((e: unknown) => {
      throw e instanceof LostRace ? new StaleTransition(`task ${t.id}`) : e;
    });
  }
  return open.map((t) => t.id);
}

/**
 * A running or waiting instance stops at its starter's wish (a withdrawn request, ADR 039): when
 * completed steps declare compensation they are undone (saga, ending COMPENSATED), else its active
 * steps and open tasks are cancelled and it ends CANCELLED. The caller audits the withdrawal.
 */
export async function withdrawInstanceInTx(tx: Tx, actor: Actor, inst: InstanceRef, doc: ProcessDocument, reason: string): Promise<{ status: "COMPENSATING" | "CANCELLED" }> {
  const e: EngineCtx = { doc, actor: workerActor("engine", actor.requestId) };
  if (await nextCompensableRun(tx, doc, inst.id)) {
    await startCompensationInTx(tx, e, inst, reason);
    return { status: "COMPENSATING" };
  }
  const cancelled = await cancelActiveRunsInTx(tx, actor, inst.id, reason);
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, { status: "CANCELLED", endedAt: new Date(), currentStepId: null });
  tx.audit(actor, { ...instanceBase(inst.id), action: "instance.cancelled", before: { status: inst.status }, after: { status: "CANCELLED", cancelledStepRuns: cancelled.runs, cancelledTasks: cancelled.tasks }, reason });
  return { status: "CANCELLED" };
}

/** Saga: stop the other branches, then undo the completed steps newest first, one run at a time. */
async function startCompensationInTx(tx: Tx, e: EngineCtx, inst: InstanceRef, reason: string): Promise<void> {
  const cancelled = await cancelActiveRunsInTx(tx, e.actor, inst.id, `Compensating: ${reason}`);
  const fresh = (await lockInstance(tx, inst.id))!;
  await updateInstanceIf(tx, { id: fresh.id, version: fresh.version, statuses: ["RUNNING", "WAITING", "FAILED"] }, { status: "COMPENSATING", error: reason });
  tx.audit(e.actor, {
    ...instanceBase(inst.id),
    action: "instance.compensating",
    before: { status: fresh.status },
    after: { status: "COMPENSATING", cancelledStepRuns: cancelled.runs, cancelledTasks: cancelled.tasks },
    reason,
  });
  await nextCompensationInTx(tx, e, (await lockInstance(tx, inst.id))!);
}

/** Starts the next compensation run, or ends the instance COMPENSATED when none is left. */
export async function nextCompensationInTx(tx: Tx, e: EngineCtx, inst: InstanceRef): Promise<void> {
  const next = await nextCompensableRun(tx, e.doc, inst.id);
  if (next) {
    const run = await createStepRunInTx(tx, inst.id, next.step, { compensationOf: next.run.id });
    await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["COMPENSATING"] }, { currentStepId: next.step.id });
    tx.audit(e.actor, {
      ...instanceBase(inst.id),
      action: "step.compensation_started",
      after: { stepId: next.step.id, stepRunId: run.id, compensates: next.run.stepId, compensatedRunId: next.run.id },
    });
    return;
  }
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["COMPENSATING"] }, { status: "COMPENSATED", endedAt: new Date() });
  tx.afterCommit(() => publishRequestEvent(inst.startedById));
  tx.audit(e.actor, { ...instanceBase(inst.id), action: "instance.compensated", before: { status: "COMPENSATING" }, after: { status: "COMPENSATED" } });
}

async function afterCompensationRunInTx(tx: Tx, e: EngineCtx, inst: InstanceRef, run: StepRunRef, outcome: StepOutcome): Promise<{ nextStepRunId: null }> {
  if (outcome.status === "COMPLETED") {
    const variables = applyWrites(asVariables(inst.variables), outcome.assign ?? []);
    await updateStepRuns(tx, { status: "COMPENSATED" }, sql`"id" = ${run.compensationOf!} AND "status" = 'COMPLETED'`);
    await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["COMPENSATING"] }, { variables });
    tx.audit(e.actor, { ...instanceBase(inst.id), action: "step.compensated", after: { stepRunId: run.compensationOf!, by: run.stepId, compensationRunId: run.id } });
    await nextCompensationInTx(tx, e, (await lockInstance(tx, inst.id))!);
    return { nextStepRunId: null };
  }
  const error = `Compensation "${run.stepId}" failed: ${outcome.error ?? "error"}`;
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["COMPENSATING"] }, { status: "FAILED", endedAt: new Date(), error, currentStepId: run.stepId });
  tx.afterCommit(() => publishRequestEvent(inst.startedById));
  tx.audit(e.actor, { ...instanceBase(inst.id), action: "instance.failed", before: { status: "COMPENSATING" }, after: { status: "FAILED", lastStep: run.stepId, error }, reason: error });
  return { nextStepRunId: null };
}
