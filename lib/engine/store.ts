import { newId, raw, sql, type Changes, type InstanceStatus, type Row, type Sql, type StepRunStatus, type Tx } from "../db";
import { setPath, type Variables } from "../paths";
import type { Step } from "../processes/schemas";
import { QUEUES } from "../queues";

// The engine's rows: step runs and instances, read, locked and changed under guards. A step run
// is guarded by (status, version): a zero row count means another worker (or a duplicate job) got
// there first, and the whole transaction rolls back with StaleTransition, which callers treat as
// done. The instance row is locked (SELECT … FOR UPDATE) by every transition that reads it, so
// parallel branches of one instance serialise on it.

export type { InstanceStatus, StepRunStatus };
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

/** What the engine holds of an instance. */
export type InstanceRef = Pick<Row<"ProcessInstance">, "id" | "version" | "status" | "variables" | "businessKey" | "definitionId" | "startedById">;

/** What the engine holds of a step run (a created one has only some of its columns). */
export type StepRunRef = Pick<Row<"StepRun">, "id" | "version" | "status" | "stepId" | "attempts" | "attemptLog"> &
  Partial<Pick<Row<"StepRun">, "parallelRunId" | "branch" | "branchWrites" | "compensationOf" | "attemptStartedAt">>;

/** A variable write: [path, value]. Branches collect theirs and apply them at the join. */
export type Assignment = [path: string, value: unknown];

export function asVariables(v: unknown): Variables {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Variables) : {};
}

export function writesOf(v: unknown): Assignment[] {
  return Array.isArray(v) ? (v as Assignment[]) : [];
}

export function applyWrites(vars: Variables, writes: Assignment[]): Variables {
  let out = vars;
  for (const [path, value] of writes) out = setPath(out, path, value);
  return out;
}

/** What templates and conditions see: the variables, plus `$instance`. */
function scopeFor(instance: Pick<InstanceRef, "id" | "businessKey" | "variables">, definition?: { key: string; version: number }): Variables {
  return { ...asVariables(instance.variables), $instance: { id: instance.id, businessKey: instance.businessKey, process: definition?.key, version: definition?.version } };
}

/** A step run's view of the variables: the instance's, plus its branch's writes so far. */
export function scopeForRun(instance: Pick<InstanceRef, "id" | "businessKey" | "variables">, run: Pick<StepRunRef, "branchWrites">, definition?: { key: string; version: number }): Variables {
  const writes = writesOf(run.branchWrites);
  const variables = writes.length ? applyWrites(asVariables(instance.variables), writes) : instance.variables;
  return scopeFor({ ...instance, variables: variables as InstanceRef["variables"] }, definition);
}

export async function stepRunById(tx: Tx, id: string): Promise<Row<"StepRun">> {
  const [found] = await tx.query<Row<"StepRun">>(sql`SELECT * FROM "StepRun" WHERE "id" = ${id}`);
  if (!found) throw new Error(`step run ${id} not found`);
  return found;
}

const guardOf = (g: { id: string; version: number; statuses: readonly string[] }, type: string) =>
  sql`"id" = ${g.id} AND "version" = ${g.version}::int AND "status" = ANY(${g.statuses}::${raw(`"${type}"[]`)})`;

/** Changes the run only if it is still at `version` in one of `statuses`; else StaleTransition. */
export function updateStepRunIf(tx: Tx, guard: { id: string; version: number; statuses: StepRunStatus[] }, data: Changes<"StepRun">): Promise<void> {
  return tx.update("StepRun", { ...data, version: { increment: 1 } }, guardOf(guard, "StepRunStatus"), {
    expect: 1,
    stale: () => new StaleTransition(`step run ${guard.id}`),
    key: `StepRun:${guard.id}`,
  });
}

/** Changes the instance only if it is still at `version` in one of `statuses`; else StaleTransition. */
export function updateInstanceIf(tx: Tx, guard: { id: string; version: number; statuses: InstanceStatus[] }, data: Changes<"ProcessInstance">): Promise<void> {
  return tx.update("ProcessInstance", { ...data, version: { increment: 1 } }, guardOf(guard, "InstanceStatus"), {
    expect: 1,
    stale: () => new StaleTransition(`instance ${guard.id}`, "instance"),
    key: `ProcessInstance:${guard.id}`,
  });
}

/** Changes the runs `where` selects, now (under the instance's lock): the ids it changed. */
export async function updateStepRuns(tx: Tx, data: Changes<"StepRun">, where: Sql): Promise<string[]> {
  const changed = await tx.updateReturning("StepRun", { ...data, version: { increment: 1 } }, where);
  return changed.map((r) => r.id);
}

/** Changes the instance without a version guard (under its lock). */
export function updateInstance(tx: Tx, id: string, data: Changes<"ProcessInstance">): Promise<void> {
  return tx.update("ProcessInstance", { ...data, version: { increment: 1 } }, sql`"id" = ${id}`, { key: `ProcessInstance:${id}` });
}

/** Locks the instance row for the rest of the transaction and reads its current state. */
export async function lockInstance(tx: Tx, id: string): Promise<InstanceRef | null> {
  const [locked] = await tx.query<InstanceRef>(sql`SELECT "id", "version", "status", "variables", "businessKey", "definitionId", "startedById" FROM "ProcessInstance" WHERE "id" = ${id} FOR UPDATE`);
  return locked ?? null;
}

/** Locks the instance and checks it is in one of `statuses`; otherwise the transition is stale. */
export async function lockInstanceIn(tx: Tx, id: string, statuses: InstanceStatus[]): Promise<InstanceRef> {
  const inst = await lockInstance(tx, id);
  if (!inst || !statuses.includes(inst.status)) throw new StaleTransition(`instance ${id}`, "instance");
  return inst;
}

/** RUNNING while any run is pending or running, WAITING when every active run waits (for a person, an event). */
export async function refreshActivity(tx: Tx, inst: InstanceRef): Promise<void> {
  const [{ busy }] = (await tx.query<{ busy: number }>(
    sql`SELECT count(*)::int AS "busy" FROM "StepRun" WHERE "instanceId" = ${inst.id} AND "status" IN ('PENDING', 'RUNNING')`,
  )) as [{ busy: number }];
  const status = busy > 0 ? "RUNNING" : "WAITING";
  const fresh = (await lockInstance(tx, inst.id))!;
  if (fresh.status !== status && (fresh.status === "RUNNING" || fresh.status === "WAITING")) {
    await updateInstanceIf(tx, { id: fresh.id, version: fresh.version, statuses: ["RUNNING", "WAITING"] }, { status });
  }
}

/** The instance statuses in which a run may move: compensation runs only while compensating. */
export function liveStatusesFor(run: Pick<StepRunRef, "compensationOf">): InstanceStatus[] {
  return run.compensationOf ? ["COMPENSATING"] : ["RUNNING", "WAITING"];
}

export interface RunPlacement {
  parallelRunId?: string | null;
  branch?: string | null;
  branchWrites?: Assignment[] | null;
  compensationOf?: string | null;
}

/** Step kinds a worker claims (PENDING → RUNNING) before it works on them. */
const CLAIMED_KINDS = new Set<Step["kind"]>(["http", "human"]);

/** A new step run; `claimedAt`: created RUNNING for the worker that runs it inline. */
export interface CreatedRun {
  id: string;
  version: number;
  claimedAt: Date | null;
}

/** The job that runs a step run (its id: "step.<stepRunId>", plus a suffix for a later attempt). */
export function runStepMessage(instanceId: string, stepRunId: string, opts: { suffix?: string; attempt?: number; runAt?: Date } = {}) {
  return {
    queue: QUEUES.engine,
    name: "run-step" as const,
    jobId: `step.${stepRunId}${opts.suffix ?? ""}`,
    payload: { instanceId, stepRunId, ...(opts.attempt ? { attempt: opts.attempt } : {}) },
    ...(opts.runAt ? { runAt: opts.runAt } : {}),
  };
}

/**
 * A new step run for `step`, and the job that runs it. Without the job (`enqueue: false`) only for
 * a worker that runs the step itself right after the commit (ADR 015): such a run of a step the
 * worker would claim first (an API call, a task) is created claimed — RUNNING, attempt 1 (ADR 016);
 * should the worker die, the recovery sweep takes it over once stale.
 */
export async function createStepRunInTx(tx: Tx, instanceId: string, step: Step, placement: RunPlacement = {}, opts: { enqueue?: boolean } = {}): Promise<CreatedRun> {
  const at = new Date();
  const claimed = opts.enqueue === false && CLAIMED_KINDS.has(step.kind);
  // The id is made here and the version is the column's first: nothing to read back, so in a
  // batched transaction the INSERT waits for the commit.
  const run = await tx.insert("StepRun", {
    id: newId(),
    instanceId,
    stepId: step.id,
    type: step.kind,
    status: claimed ? "RUNNING" : "PENDING",
    attempts: claimed ? 1 : 0,
    attemptStartedAt: claimed ? at : null,
    parallelRunId: placement.parallelRunId ?? null,
    branch: placement.branch ?? null,
    branchWrites: placement.branchWrites ?? null,
    compensationOf: placement.compensationOf ?? null,
    version: 1,
    startedAt: at,
    updatedAt: at,
  });
  if (opts.enqueue !== false) tx.enqueue(runStepMessage(instanceId, run.id));
  return { id: run.id, version: 1, claimedAt: claimed ? at : null };
}

/** Serialises an event and a wait step on the same (type, key), so neither misses the other. */
export async function lockCorrelation(tx: Tx, type: string, key: string): Promise<void> {
  await tx.query(sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${`${type}\n${key}`}, 0))`);
}

export function appendAttempt(log: unknown, entry: Record<string, unknown>): unknown[] {
  return [...(Array.isArray(log) ? log : []), entry];
}

