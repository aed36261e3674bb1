import { Prisma } from "../db";
import { newId, rows, setList, tsValue, jsonValue, write, type AnyTx, type ColumnKind } from "../sql-tx";
import { auditInTx } from "../audit/repository";
import type { Actor } from "../identity/actor";
import { enqueueInTx } from "../outbox/service";
import { QUEUES } from "../queues";
import { compensationOf, stepById } from "../processes/definition";
import type { ParallelStep, ProcessDocument, Step } from "../processes/schemas";
import { setPath, type Variables } from "../processes/expressions";

// The engine's state changes. Each runs inside the caller's transaction. A step run is guarded by
// (status, version): a zero row count means another worker (or a duplicate job) got there first,
// and the whole transaction rolls back with StaleTransition, which callers treat as done. The
// instance row is locked (SELECT … FOR UPDATE) by every transition that touches it, so parallel
// branches of one instance serialise on it and always see its current status and variables.
// The job the change implies is written to the outbox in the same transaction.
//
// Plain SQL throughout (`rows`), so a transition runs in a worker's PgTx as well as in a Prisma
// interactive transaction (ADR 015). Columns Prisma fills on the client (ids, @updatedAt) are set here.

type Tx = AnyTx;

const STEP_RUN_COLUMNS: Record<string, ColumnKind> = {
  status: { enum: "StepRunStatus" },
  attempts: "int",
  input: "json",
  output: "json",
  error: "text",
  attemptLog: "json",
  attemptStartedAt: "timestamp",
  nextAttemptAt: "timestamp",
  waitEventType: "text",
  correlationKey: "text",
  timeoutAt: "timestamp",
  parallelRunId: "text",
  branch: "text",
  branchWrites: "json",
  compensationOf: "text",
  circuitHost: "text",
  endedAt: "timestamp",
};
const INSTANCE_COLUMNS: Record<string, ColumnKind> = {
  status: { enum: "InstanceStatus" },
  variables: "json",
  endedAt: "timestamp",
  error: "text",
  currentStepId: "text",
  definitionId: "text",
};

/** A step run as SELECT * returns it. */
export interface StepRunRow {
  id: string;
  instanceId: string;
  stepId: string;
  type: string;
  status: StepRunStatus;
  attempts: number;
  output: Prisma.JsonValue;
  error: string | null;
  attemptLog: Prisma.JsonValue;
  parallelRunId: string | null;
  branch: string | null;
  branchWrites: Prisma.JsonValue;
  compensationOf: string | null;
  startedAt: Date;
  endedAt: Date | null;
  version: number;
}

async function stepRunById(tx: Tx, id: string): Promise<StepRunRow> {
  const found = await rows<StepRunRow>(tx, Prisma.sql`SELECT * FROM "StepRun" WHERE "id" = ${id}`);
  if (!found[0]) throw new Error(`step run ${id} not found`);
  return found[0];
}

/** UPDATE <table> SET <data>, version + 1, updatedAt WHERE <where> (without RETURNING). */
function versionedUpdateSql(table: "StepRun" | "ProcessInstance", data: Record<string, unknown>, where: Prisma.Sql): Prisma.Sql {
  const { version: _v, ...rest } = data;
  const set = [
    ...setList(table === "StepRun" ? STEP_RUN_COLUMNS : INSTANCE_COLUMNS, rest),
    Prisma.sql`"version" = "version" + 1`,
    Prisma.sql`"updatedAt" = ${tsValue(new Date())}`,
  ];
  return Prisma.sql`UPDATE ${Prisma.raw(`"${table}"`)} SET ${Prisma.join(set)} WHERE ${where}`;
}

/** versionedUpdate's statement, run now: the ids it changed. */
async function versionedUpdate(tx: Tx, table: "StepRun" | "ProcessInstance", data: Record<string, unknown>, where: Prisma.Sql): Promise<string[]> {
  const changed = await rows<{ id: string }>(tx, Prisma.sql`${versionedUpdateSql(table, data, where)} RETURNING "id"`);
  return changed.map((r) => r.id);
}

const updateStepRuns = (tx: Tx, data: Prisma.StepRunUpdateManyMutationInput, where: Prisma.Sql) => versionedUpdate(tx, "StepRun", data, where);
const updateInstances = (tx: Tx, data: Prisma.ProcessInstanceUpdateManyMutationInput, where: Prisma.Sql) => versionedUpdate(tx, "ProcessInstance", data, where);

export type StepRunStatus = "PENDING" | "RUNNING" | "WAITING" | "COMPLETED" | "FAILED" | "SKIPPED" | "COMPENSATED" | "CANCELLED";
export type InstanceStatus = "RUNNING" | "WAITING" | "COMPLETED" | "FAILED" | "CANCELLED" | "COMPENSATING" | "COMPENSATED";
export const ACTIVE_RUN_STATUSES: StepRunStatus[] = ["PENDING", "RUNNING", "WAITING"];

export class StaleTransition extends Error {
  constructor(
    what: string,
    /** Which row's guard failed. */
    readonly row: "instance" | "step run" = "step run",
  ) {
    super(`${what} changed concurrently; this transition is no longer valid`);
    this.name = "StaleTransition";
  }
}

export interface InstanceRef {
  id: string;
  version: number;
  status: InstanceStatus;
  variables: Prisma.JsonValue;
  businessKey: string | null;
  definitionId: string;
}
export interface StepRunRef {
  id: string;
  version: number;
  status: StepRunStatus;
  stepId: string;
  attempts: number;
  attemptLog: Prisma.JsonValue;
  parallelRunId?: string | null;
  branch?: string | null;
  branchWrites?: Prisma.JsonValue | null;
  compensationOf?: string | null;
  attemptStartedAt?: Date | null;
}

/** A variable write: [path, value]. Branches collect theirs and apply them at the join. */
export type Assignment = [path: string, value: unknown];

export function asVariables(v: Prisma.JsonValue): Variables {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Variables) : {};
}

export function writesOf(v: Prisma.JsonValue | null | undefined): Assignment[] {
  return Array.isArray(v) ? (v as unknown as Assignment[]) : [];
}

export function applyWrites(vars: Variables, writes: Assignment[]): Variables {
  let out = vars;
  for (const [path, value] of writes) out = setPath(out, path, value);
  return out;
}

/** What templates and conditions see: the variables, plus `$instance`. */
export function scopeFor(instance: Pick<InstanceRef, "id" | "businessKey" | "variables">, definition?: { key: string; version: number }): Variables {
  return { ...asVariables(instance.variables), $instance: { id: instance.id, businessKey: instance.businessKey, process: definition?.key, version: definition?.version } };
}

/** A step run's view of the variables: the instance's, plus its branch's writes so far. */
export function scopeForRun(
  instance: Pick<InstanceRef, "id" | "businessKey" | "variables">,
  run: Pick<StepRunRef, "branchWrites">,
  definition?: { key: string; version: number },
): Variables {
  const writes = writesOf(run.branchWrites);
  const variables = writes.length ? applyWrites(asVariables(instance.variables), writes) : instance.variables;
  return scopeFor({ ...instance, variables: variables as Prisma.JsonValue }, definition);
}

export async function updateStepRunIf(
  tx: Tx,
  guard: { id: string; version: number; statuses: StepRunStatus[] },
  data: Prisma.StepRunUpdateManyMutationInput,
): Promise<void> {
  // A guarded write (lib/sql-tx.ts): in a batched transaction it may wait for the commit.
  await write(tx, versionedUpdateSql("StepRun", data, Prisma.sql`"id" = ${guard.id} AND "version" = ${guard.version}::int AND "status"::text = ANY(${guard.statuses}::text[])`), {
    expect: 1,
    stale: () => new StaleTransition(`step run ${guard.id}`),
    key: `StepRun:${guard.id}`,
  });
}

export async function updateInstanceIf(
  tx: Tx,
  guard: { id: string; version: number; statuses: InstanceStatus[] },
  data: Prisma.ProcessInstanceUpdateManyMutationInput,
): Promise<void> {
  await write(tx, versionedUpdateSql("ProcessInstance", data, Prisma.sql`"id" = ${guard.id} AND "version" = ${guard.version}::int AND "status"::text = ANY(${guard.statuses}::text[])`), {
    expect: 1,
    stale: () => new StaleTransition(`instance ${guard.id}`, "instance"),
    key: `ProcessInstance:${guard.id}`,
  });
}

/** Locks the instance row for the rest of the transaction and reads its current state. */
export async function lockInstance(tx: Tx, id: string): Promise<InstanceRef | null> {
  const locked = await rows<InstanceRef>(
    tx,
    Prisma.sql`SELECT id, version, status::text AS status, variables, "businessKey", "definitionId" FROM "ProcessInstance" WHERE id = ${id} FOR UPDATE`,
  );
  return locked[0] ?? null;
}

/** Locks the instance and checks it is in one of `statuses`; otherwise the transition is stale. */
export async function lockInstanceIn(tx: Tx, id: string, statuses: InstanceStatus[]): Promise<InstanceRef> {
  const inst = await lockInstance(tx, id);
  if (!inst || !statuses.includes(inst.status)) throw new StaleTransition(`instance ${id}`, "instance");
  return inst;
}

/** The instance statuses in which a run may move: compensation runs only while compensating. */
export function liveStatusesFor(run: Pick<StepRunRef, "compensationOf">): InstanceStatus[] {
  return run.compensationOf ? ["COMPENSATING"] : ["RUNNING", "WAITING"];
}

interface RunPlacement {
  parallelRunId?: string | null;
  branch?: string | null;
  branchWrites?: Assignment[] | null;
  compensationOf?: string | null;
}

/**
 * A new step run for `step`, and the job that runs it (job id `step.<stepRunId>`). Without the job
 * (`enqueue: false`) only for a worker that runs the step itself right after the commit (ADR 015);
 * should it die first, the recovery sweep finds the run PENDING and queues it.
 */
export async function createStepRunInTx(tx: Tx, instanceId: string, step: Step, placement: RunPlacement = {}, opts: { enqueue?: boolean } = {}): Promise<CreatedRun> {
  const at = new Date();
  const now = tsValue(at);
  // Run inline, a step the worker would claim first (an API call, a task) is created claimed:
  // RUNNING, attempt 1, no second statement to claim it (ADR 016). Should the worker die, the
  // recovery sweep takes it over once stale, as it does any claimed run.
  const claimed = opts.enqueue === false && CLAIMED_KINDS.has(step.kind);
  // The id is made here and the version is the column's first (1): nothing to read back, so in a
  // batched transaction the INSERT may wait for the commit.
  const run = { id: newId(), version: 1 };
  await write(
    tx,
    Prisma.sql`INSERT INTO "StepRun" ("id", "instanceId", "stepId", "type", "status", "attempts", "attemptStartedAt", "parallelRunId", "branch", "branchWrites", "compensationOf", "version", "startedAt", "updatedAt")
      VALUES (${run.id}, ${instanceId}, ${step.id}, ${step.kind}, ${claimed ? "RUNNING" : "PENDING"}::"StepRunStatus", ${claimed ? 1 : 0}::int, ${claimed ? now : null},
              ${placement.parallelRunId ?? null}, ${placement.branch ?? null}, ${jsonValue(placement.branchWrites ?? null)}, ${placement.compensationOf ?? null}, ${run.version}::int, ${now}, ${now})`,
    { key: `StepRun:${run.id}` },
  );
  if (opts.enqueue !== false) await enqueueInTx(tx, { queue: QUEUES.engine, name: "run-step", jobId: `step.${run.id}`, payload: { instanceId, stepRunId: run.id } });
  return { ...run, claimedAt: claimed ? at : null };
}

/** Step kinds a worker claims (PENDING → RUNNING) before it works on them. */
const CLAIMED_KINDS = new Set<Step["kind"]>(["http", "human"]);

/** A new step run; `claimedAt`: created RUNNING for the worker that runs it inline. */
export interface CreatedRun {
  id: string;
  version: number;
  claimedAt: Date | null;
}

/** Starts an instance of a definition version: the instance, its first step run and its job, audited. */
export async function startInstanceInTx(
  tx: Tx,
  actor: Actor,
  definition: { id: string; key: string; version: number; document: ProcessDocument },
  input: { variables: Variables; businessKey?: string | null; startEventId?: string | null },
  opts: { enqueue?: boolean } = {},
) {
  const first = stepById(definition.document, definition.document.start)!;
  const now = tsValue(new Date());
  // The row as written (version 1, the column's default), without reading it back: in a batched
  // transaction the INSERT waits for the commit with the rest (ADR 016, ADR 017).
  // The variables as stored (what JSON keeps of them), serialised once for both.
  const variables = JSON.stringify(input.variables ?? {});
  const instance: { id: string; businessKey: string | null; status: InstanceStatus; version: number; variables: Prisma.JsonValue; definitionId: string } = {
    id: newId(),
    businessKey: input.businessKey ?? null,
    status: "RUNNING",
    version: 1,
    variables: JSON.parse(variables) as Prisma.JsonValue,
    definitionId: definition.id,
  };
  await write(
    tx,
    Prisma.sql`INSERT INTO "ProcessInstance" ("id", "definitionId", "businessKey", "variables", "status", "currentStepId", "startedById", "startedByName", "startEventId", "startedAt", "updatedAt", "version")
      VALUES (${instance.id}, ${definition.id}, ${instance.businessKey}, ${variables}::jsonb, 'RUNNING', ${first.id},
              ${actor.type === "USER" ? actor.id : null}, ${actor.name}, ${input.startEventId ?? null}, ${now}, ${now}, ${instance.version})`,
  );
  const run = await createStepRunInTx(tx, instance.id, first, {}, opts);
  const carried: NonNullable<Advanced["carried"]> = { instance, stepRun: createdRun(run, first.id) };
  await auditInTx(tx, actor, {
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

export interface StepOutcome {
  /** The finished step's final status. */
  status: "COMPLETED" | "FAILED";
  output?: Prisma.InputJsonValue;
  error?: string | null;
  /** Variable writes of the step (applied to the instance, or collected by its branch). */
  assign?: Assignment[];
  /** The next step; null ends the instance (COMPLETED, or FAILED when the step failed). */
  next: string | null;
  /** A human rejection that compensates (saga) instead of continuing. */
  compensate?: boolean;
  action: string;
  auditAfter?: Record<string, Prisma.InputJsonValue | null>;
  stepData?: Prisma.StepRunUpdateManyMutationInput;
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
    branchWrites: (placement.branchWrites ?? null) as Prisma.JsonValue,
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
  from: StepRunStatus[],
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
  await auditInTx(tx, actor, {
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
  return { id: i.id, version: i.version, status: i.status, variables: i.variables, businessKey: i.businessKey ?? null, definitionId: i.definitionId };
}

/** The instance's guard failed: it changed since the caller read it (the optimistic paths lock it and look again). */
export function instanceMoved(err: unknown): boolean {
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
      variables: variables as Prisma.InputJsonObject,
      endedAt: new Date(),
      error: null,
      currentStepId: lastStep,
    });
    if (nextStep) {
      // An end step has nothing to run: its run is recorded completed in this transaction, as a
      // job would have done it, and the instance completes (ADR 015).
      const now = tsValue(new Date());
      const endRunId = newId();
      await write(
        tx,
        Prisma.sql`INSERT INTO "StepRun" ("id", "instanceId", "stepId", "type", "status", "startedAt", "endedAt", "updatedAt")
          VALUES (${endRunId}, ${inst.id}, ${nextStep.id}, 'end', 'COMPLETED', ${now}, ${now}, ${now})`,
      );
      await auditInTx(tx, e.actor, {
        ...instanceBase(inst.id),
        action: "step.completed",
        before: { stepId: nextStep.id, status: "PENDING" },
        after: { stepId: nextStep.id, stepRunId: endRunId, status: "COMPLETED", next: null },
      });
    }
    await auditInTx(tx, e.actor, {
      ...instanceBase(inst.id),
      action: "instance.completed",
      before: { status: inst.status },
      after: { status: "COMPLETED", lastStep },
    });
    return { nextStepRunId: null };
  }
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, {
    status: "RUNNING",
    variables: variables as Prisma.InputJsonObject,
    currentStepId: nextStep.id,
    error: null,
  });
  const run = await createStepRunInTx(tx, inst.id, nextStep, {}, { enqueue: !e.inline });
  return {
    nextStepRunId: run.id,
    carried: { instance: { ...inst, version: inst.version + 1, status: "RUNNING", variables: variables as Prisma.JsonValue }, stepRun: createdRun(run, nextStep.id) },
  };
}

// ── parallel branches ─────────────────────────────────────────────────────────────────────────

export interface BranchState {
  name: string;
  status: "running" | "completed" | "failed";
  /** completed: the branch's own writes, applied at the join in branch order. */
  writes?: Assignment[];
  /** failed: the run that failed and why. */
  runId?: string;
  error?: string;
}
export interface ParallelState {
  branches: BranchState[];
}

export function parallelStateOf(output: Prisma.JsonValue | null | undefined): ParallelState {
  const o = output as unknown as ParallelState | null;
  return { branches: Array.isArray(o?.branches) ? o.branches.map((b) => ({ ...b })) : [] };
}

/** A parallel step's run: WAITING with one running branch per declared branch, each started. */
export async function forkInTx(tx: Tx, e: EngineCtx, instanceId: string, run: StepRunRef, par: ParallelStep): Promise<void> {
  const inst = await lockInstanceIn(tx, instanceId, ["RUNNING", "WAITING"]);
  const state: ParallelState = { branches: par.branches.map((b) => ({ name: b.name, status: "running" })) };
  await updateStepRunIf(tx, { id: run.id, version: run.version, statuses: ["PENDING"] }, { status: "WAITING", output: state as unknown as Prisma.InputJsonObject });
  const inherited = writesOf(run.branchWrites);
  const started: Record<string, string> = {};
  for (const b of par.branches) {
    const child = await createStepRunInTx(tx, instanceId, stepById(e.doc, b.start)!, { parallelRunId: run.id, branch: b.name, branchWrites: inherited });
    started[b.name] = child.id;
  }
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, { status: "RUNNING", currentStepId: par.id });
  await auditInTx(tx, e.actor, {
    ...instanceBase(instanceId),
    action: "step.forked",
    after: { stepId: par.id, stepRunId: run.id, join: par.join, branches: started, ...(run.branch ? { branch: run.branch } : {}) },
  });
}

async function saveParallelState(tx: Tx, parRunId: string, state: ParallelState, data: Prisma.StepRunUpdateManyMutationInput = {}) {
  // The instance row lock serialises every change to a parallel run's state.
  await updateStepRuns(tx, { output: state as unknown as Prisma.InputJsonObject, ...data }, Prisma.sql`"id" = ${parRunId}`);
}

type ParRun = StepRunRow;

async function arriveAtJoinInTx(tx: Tx, e: EngineCtx, inst: InstanceRef, parRun: ParRun, par: ParallelStep, branch: string, branchWrites: Assignment[]) {
  const state = parallelStateOf(parRun.output);
  const own = branchWrites.slice(writesOf(parRun.branchWrites).length);
  state.branches = state.branches.map((b) => (b.name === branch ? { name: b.name, status: "completed", writes: own } : b));
  await saveParallelState(tx, parRun.id, state);
  await settleParallelInTx(tx, e, inst, { ...parRun, output: state as unknown as Prisma.JsonValue }, par, state);
}

/** After a branch settled: wait for the others, join when all completed, fail when one failed. */
async function settleParallelInTx(tx: Tx, e: EngineCtx, inst: InstanceRef, parRun: ParRun, par: ParallelStep, state: ParallelState) {
  if (state.branches.some((b) => b.status === "running")) {
    await refreshActivityInTx(tx, inst);
    return;
  }
  const failed = state.branches.filter((b) => b.status === "failed");
  const fresh = (await lockInstance(tx, inst.id))!;
  if (failed.length) {
    const error = `Step "${par.id}": ${failed.map((b) => `branch "${b.name}" failed (${b.error ?? "error"})`).join("; ")}`;
    await saveParallelState(tx, parRun.id, state, { status: "FAILED", error, endedAt: new Date() });
    await auditInTx(tx, e.actor, { ...instanceBase(inst.id), action: "step.failed", after: { stepId: par.id, stepRunId: parRun.id, status: "FAILED", error } });
    await failRunInTx(tx, e, fresh, parRun, error, { compensationChecked: true });
    return;
  }
  // Deterministic merge: the branches' writes in declaration order (later branch wins).
  const merged: Assignment[] = [];
  for (const b of par.branches) merged.push(...(state.branches.find((s) => s.name === b.name)?.writes ?? []));
  const now = new Date();
  await saveParallelState(tx, parRun.id, state, { status: "COMPLETED", endedAt: now });
  const join = stepById(e.doc, par.join)!;
  const joinRun = { id: newId(), stepId: join.id, parallelRunId: parRun.parallelRunId, branch: parRun.branch, branchWrites: parRun.branchWrites };
  await rows(
    tx,
    Prisma.sql`INSERT INTO "StepRun" ("id", "instanceId", "stepId", "type", "status", "endedAt", "output", "parallelRunId", "branch", "branchWrites", "startedAt", "updatedAt")
      VALUES (${joinRun.id}, ${inst.id}, ${join.id}, 'join', 'COMPLETED', ${tsValue(now)}, ${jsonValue({ branches: par.branches.map((b) => b.name), writes: merged.length })},
              ${parRun.parallelRunId}, ${parRun.branch}, ${jsonValue(parRun.branchWrites)}, ${tsValue(now)}, ${tsValue(now)})`,
  );
  await auditInTx(tx, e.actor, {
    ...instanceBase(inst.id),
    action: "step.joined",
    after: { stepId: join.id, stepRunId: joinRun.id, parallel: par.id, branches: par.branches.map((b) => b.name), variablesWritten: [...new Set(merged.map(([p]) => p))] },
  });
  // The run after the join is queued: nobody up the call chain runs it inline.
  await advanceInTx(tx, { ...e, inline: false }, fresh, joinRun, join.kind === "join" ? join.next : null, merged);
}

/** RUNNING while any run is pending or running, WAITING when every active run waits (for a person, an event). */
export async function refreshActivityInTx(tx: Tx, inst: InstanceRef): Promise<void> {
  const [{ busy }] = (await rows<{ busy: number }>(
    tx,
    Prisma.sql`SELECT count(*)::int AS "busy" FROM "StepRun" WHERE "instanceId" = ${inst.id} AND "status" IN ('PENDING', 'RUNNING')`,
  )) as [{ busy: number }];
  const status = busy > 0 ? "RUNNING" : "WAITING";
  const fresh = (await lockInstance(tx, inst.id))!;
  if (fresh.status !== status && (fresh.status === "RUNNING" || fresh.status === "WAITING")) {
    await updateInstanceIf(tx, { id: fresh.id, version: fresh.version, statuses: ["RUNNING", "WAITING"] }, { status });
  }
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
    await updateInstances(tx, { error }, Prisma.sql`"id" = ${inst.id}`);
    const fresh = (await lockInstance(tx, inst.id))!;
    await settleParallelInTx(tx, e, fresh, { ...parRun, output: state as unknown as Prisma.JsonValue }, par, state);
    return;
  }
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, {
    status: "FAILED",
    endedAt: new Date(),
    error,
    currentStepId: run.stepId,
  });
  await auditInTx(tx, e.actor, {
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
export async function nextCompensableRun(tx: Tx, doc: ProcessDocument, instanceId: string) {
  const compensable = new Set(doc.steps.filter((s) => compensationOf(s)).map((s) => s.id));
  if (compensable.size === 0) return null;
  const runs = await rows<{ id: string; stepId: string; compensationOf: string | null; endedAt: Date | null }>(
    tx,
    Prisma.sql`SELECT "id", "stepId", "compensationOf", "endedAt" FROM "StepRun"
      WHERE "instanceId" = ${instanceId}
        AND (("status" = 'COMPLETED' AND "stepId" = ANY(${[...compensable]}::text[]) AND "compensationOf" IS NULL)
          OR ("compensationOf" IS NOT NULL AND "status" IN ('COMPLETED', 'SKIPPED')))
      ORDER BY "endedAt" DESC, "id" DESC`,
  );
  const done = new Set(runs.filter((r) => r.compensationOf).map((r) => r.compensationOf!));
  const candidate = runs.find((r) => !r.compensationOf && !done.has(r.id));
  return candidate ? { run: candidate, step: stepById(doc, compensationOf(stepById(doc, candidate.stepId)!)!)! } : null;
}

/** Stops every active run of the instance (and cancels their open tasks), audited per task. */
export interface CancelledTask {
  id: string;
  version: number;
  assigneeId: string | null;
  candidateGroupId: string | null;
  requestedById: string | null;
  decidedById: string | null;
}

export async function cancelActiveRunsInTx(tx: Tx, actor: Actor, instanceId: string, reason: string): Promise<{ runs: string[]; tasks: CancelledTask[] }> {
  const ids = await updateStepRuns(
    tx,
    { status: "CANCELLED", endedAt: new Date(), error: reason },
    Prisma.sql`"instanceId" = ${instanceId} AND "status"::text = ANY(${ACTIVE_RUN_STATUSES}::text[])`,
  );
  if (ids.length === 0) return { runs: [], tasks: [] };
  const open = await rows<CancelledTask & { status: string }>(
    tx,
    Prisma.sql`SELECT "id", "status"::text AS "status", "version", "assigneeId", "candidateGroupId", "requestedById", "decidedById" FROM "Task"
      WHERE "stepRunId" = ANY(${ids}::text[]) AND "status" IN ('OPEN', 'INFO_REQUESTED')`,
  );
  for (const t of open) {
    const changed = await rows(
      tx,
      Prisma.sql`UPDATE "Task" SET "status" = 'CANCELLED', "reason" = ${reason}, "version" = "version" + 1, "updatedAt" = ${tsValue(new Date())}
        WHERE "id" = ${t.id} AND "version" = ${t.version}::int RETURNING "id"`,
    );
    if (changed.length !== 1) throw new StaleTransition(`task ${t.id}`);
    await auditInTx(tx, actor, {
      action: "task.cancelled",
      subjectType: "task",
      subjectId: t.id,
      taskId: t.id,
      instanceId,
      before: { status: t.status, version: t.version },
      after: { status: "CANCELLED", version: t.version + 1 },
      reason,
    });
  }
  return { runs: ids, tasks: open.map(({ status: _status, ...t }) => ({ ...t, version: t.version + 1 })) };
}

/** Saga: stop the other branches, then undo the completed steps newest first, one run at a time. */
export async function startCompensationInTx(tx: Tx, e: EngineCtx, inst: InstanceRef, reason: string): Promise<void> {
  const cancelled = await cancelActiveRunsInTx(tx, e.actor, inst.id, `Compensating: ${reason}`);
  const fresh = (await lockInstance(tx, inst.id))!;
  await updateInstanceIf(tx, { id: fresh.id, version: fresh.version, statuses: ["RUNNING", "WAITING", "FAILED"] }, { status: "COMPENSATING", error: reason });
  await auditInTx(tx, e.actor, {
    ...instanceBase(inst.id),
    action: "instance.compensating",
    before: { status: fresh.status },
    after: { status: "COMPENSATING", cancelledStepRuns: cancelled.runs, cancelledTasks: cancelled.tasks.map((t) => t.id) },
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
    await auditInTx(tx, e.actor, {
      ...instanceBase(inst.id),
      action: "step.compensation_started",
      after: { stepId: next.step.id, stepRunId: run.id, compensates: next.run.stepId, compensatedRunId: next.run.id },
    });
    return;
  }
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["COMPENSATING"] }, { status: "COMPENSATED", endedAt: new Date() });
  await auditInTx(tx, e.actor, { ...instanceBase(inst.id), action: "instance.compensated", before: { status: "COMPENSATING" }, after: { status: "COMPENSATED" } });
}

async function afterCompensationRunInTx(tx: Tx, e: EngineCtx, inst: InstanceRef, run: StepRunRef, outcome: StepOutcome): Promise<{ nextStepRunId: null }> {
  if (outcome.status === "COMPLETED") {
    const variables = applyWrites(asVariables(inst.variables), outcome.assign ?? []);
    await updateStepRuns(tx, { status: "COMPENSATED" }, Prisma.sql`"id" = ${run.compensationOf!} AND "status" = 'COMPLETED'`);
    await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["COMPENSATING"] }, { variables: variables as Prisma.InputJsonObject });
    await auditInTx(tx, e.actor, { ...instanceBase(inst.id), action: "step.compensated", after: { stepRunId: run.compensationOf!, by: run.stepId, compensationRunId: run.id } });
    await nextCompensationInTx(tx, e, (await lockInstance(tx, inst.id))!);
    return { nextStepRunId: null };
  }
  const error = `Compensation "${run.stepId}" failed: ${outcome.error ?? "error"}`;
  await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["COMPENSATING"] }, { status: "FAILED", endedAt: new Date(), error, currentStepId: run.stepId });
  await auditInTx(tx, e.actor, { ...instanceBase(inst.id), action: "instance.failed", before: { status: "COMPENSATING" }, after: { status: "FAILED", lastStep: run.stepId, error }, reason: error });
  return { nextStepRunId: null };
}

/** Serialises an event and a wait step on the same (type, key), so neither misses the other. */
export async function lockCorrelation(tx: Tx, type: string, key: string): Promise<void> {
  await rows(tx, Prisma.sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${`${type}\n${key}`}, 0))`);
}

export function appendAttempt(log: Prisma.JsonValue, entry: Record<string, unknown>): Prisma.InputJsonArray {
  const list = Array.isArray(log) ? log : [];
  return [...list, entry] as Prisma.InputJsonArray;
}
