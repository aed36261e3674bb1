import { db, query, sql, transaction, type Prisma, type Row, type Tx } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, requireProcessGrant, workerActor, type Actor } from "../identity/actor";
import { listBreakers } from "./circuit-breaker";
import { taskReference } from "../references";
import { stepById } from "../processes/definition";
import { documentOf, startableVersion } from "../processes/service";
import type { ProcessDocument, Step } from "../processes/schemas";
import {
  cancelInstanceSchema,
  instanceListQuerySchema,
  retryStepSchema,
  skipStepSchema,
  startInstanceSchema,
  type CircuitBreakerDto,
  type InstanceDto,
  type InstancePage,
  type InstanceSummaryDto,
} from "./schemas";
import { advanceInTx, cancelActiveRunsInTx, nextCompensationInTx, parallelStateOf, reopenBranchInTx, startInstanceInTx } from "./transitions";
import { createStepRunInTx, lockInstance, updateInstance, updateInstanceIf, updateStepRunIf, writesOf, type InstanceStatus } from "./store";
import { drillDownWhere } from "./drill-down";

/** Operators, and the people who read the KPI dashboard (metrics:read) drilling down into it. */
function requireInstanceRead(actor: Actor): void {
  if (!actor.permissions.has("metrics:read")) requirePermission(actor, "processes:manage");
}


// The API side of the engine: start instances, read them, retry a failed step. Steps themselves
// only ever run in the worker (lib/engine/run-step.ts).


const summaryInclude = { definition: { select: { key: true, version: true, name: true } } } satisfies Prisma.ProcessInstanceInclude;
type SummaryRow = Prisma.ProcessInstanceGetPayload<{ include: typeof summaryInclude }>;

function toSummary(i: SummaryRow): InstanceSummaryDto {
  return {
    id: i.id,
    process: i.definition,
    businessKey: i.businessKey,
    status: i.status,
    currentStepId: i.currentStepId,
    error: i.error,
    startedByName: i.startedByName,
    startedAt: i.startedAt.toISOString(),
    endedAt: i.endedAt?.toISOString() ?? null,
    version: i.version,
  };
}

/** Starts an instance of the process's newest ACTIVE version. */
export async function startInstance(actor: Actor, key: string, input: unknown): Promise<InstanceDto> {
  requirePermission(actor, "processes:manage");
  requireProcessGrant(actor, key);
  const data = parse(startInstanceSchema, input ?? {}, "Start");
  const { instance } = await transaction(async (tx) => {
    const def = await startableVersion(tx, key);
    if (!def) {
      const [any] = await tx.query(sql`SELECT 1 FROM "ProcessDefinition" WHERE "key" = ${key} LIMIT 1`);
      throw any
        ? new AppError("CONFLICT", `Every version of "${key}" is deprecated; publish a new version to start instances.`)
        : new AppError("NOT_FOUND", `No process "${key}".`);
    }
    return startInstanceInTx(tx, actor, { id: def.id, key: def.key, version: def.version, document: documentOf(def) }, data);
  });
  return getInstance(actor, instance.id);
}

export async function listInstances(actor: Actor, rawQuery: unknown): Promise<InstancePage> {
  requireInstanceRead(actor);
  const q = parse(instanceListQuerySchema, rawQuery, "Query");
  const where: Prisma.ProcessInstanceWhereInput = {
    ...(q.status ? { status: q.status } : {}),
    ...(q.process ? { definition: { key: q.process, ...(q.version ? { version: q.version } : {}) } } : {}),
    ...(await drillDownWhere(q)),
  };
  // Newest first; the cursor is the id of the last row of the previous page.
  const rows = await db().processInstance.findMany({
    where,
    include: summaryInclude,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, q.limit);
  return { data: page.map(toSummary), nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null };
}

export async function getInstance(actor: Actor, id: string): Promise<InstanceDto> {
  requireInstanceRead(actor);
  const i = await db().processInstance.findUnique({
    where: { id },
    include: {
      definition: { select: { key: true, version: true, name: true, document: true } },
      stepRuns: { orderBy: [{ startedAt: "asc" }, { id: "asc" }] },
      tasks: { select: { id: true, number: true, title: true, status: true, outcome: true, stepRunId: true }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!i) throw new AppError("NOT_FOUND", "Instance not found.");
  const doc = documentOf(i.definition);
  const failed = await openFailure(undefined, i);
  const manage = actor.permissions.has("processes:manage");
  // L4: the instance's data (variables, step outputs and attempt logs, which hold HTTP response
  // bodies) is for operators; people who read it for metrics (supervisors, auditors) see its shape.
  return {
    ...toSummary({ ...i, definition: { key: i.definition.key, version: i.definition.version, name: i.definition.name } }),
    variables: manage ? ((i.variables ?? {}) as Record<string, unknown>) : {},
    steps: i.stepRuns.map((s) => ({
      id: s.id,
      stepId: s.stepId,
      type: s.type,
      status: s.status,
      attempts: s.attempts,
      attemptLog: (manage && Array.isArray(s.attemptLog) ? s.attemptLog : []) as Record<string, unknown>[],
      error: s.error,
      output: manage ? (s.output ?? null) : null,
      startedAt: s.startedAt.toISOString(),
      endedAt: s.endedAt?.toISOString() ?? null,
      nextAttemptAt: s.nextAttemptAt?.toISOString() ?? null,
      waitEventType: s.waitEventType,
      correlationKey: s.correlationKey,
      timeoutAt: s.timeoutAt?.toISOString() ?? null,
      parallelRunId: s.parallelRunId,
      branch: s.branch,
      compensationOf: s.compensationOf,
      circuitHost: s.circuitHost,
    })),
    tasks: i.tasks.map((t) => ({ id: t.id, reference: taskReference(t.number), title: t.title, status: t.status, outcome: t.outcome, stepRunId: t.stepRunId })),
    can: { retry: manage && !!failed, skip: manage && canSkip(failed, doc), cancel: manage && CANCELLABLE.includes(i.status) },
    failedStep: failed ? { stepRunId: failed.id, stepId: failed.stepId, error: failed.error, skipTo: failed.compensationOf ? null : skipTarget(stepById(doc, failed.stepId)) } : null,
  };
}

type FailedRun = Row<"StepRun">;

/**
 * The failed run an operator can act on: the newest failed run of a FAILED instance, or a failed
 * branch of an instance whose other branches go on (its parallel step waits for it). In the
 * operator's transaction, or outside one to show the instance.
 */
async function openFailure(tx: Tx | undefined, instance: { id: string; status: string }): Promise<FailedRun | null> {
  const read = <T>(q: ReturnType<typeof sql>) => (tx ? tx.query<T>(q) : query<T>(q));
  if (instance.status === "FAILED") {
    const [run] = await read<FailedRun>(
      sql`SELECT * FROM "StepRun" WHERE "instanceId" = ${instance.id} AND "status" = 'FAILED' AND "type" <> 'parallel' ORDER BY "startedAt" DESC, "id" DESC LIMIT 1`,
    );
    return run ?? null;
  }
  if (instance.status !== "RUNNING" && instance.status !== "WAITING") return null;
  const parallels = await read<{ output: unknown }>(sql`SELECT "output" FROM "StepRun" WHERE "instanceId" = ${instance.id} AND "type" = 'parallel' AND "status" = 'WAITING'`);
  for (const p of parallels) {
    const failed = parallelStateOf(p.output).branches.find((b) => b.status === "failed" && b.runId);
    if (failed) return (await read<FailedRun>(sql`SELECT * FROM "StepRun" WHERE "id" = ${failed.runId!}`))[0] ?? null;
  }
  return null;
}

/** Where skipping a failed step continues: its `next` (a decision: `otherwise`); null when that is ambiguous. */
function skipTarget(step: Step | undefined): string | null {
  if (!step) return null;
  switch (step.kind) {
    case "http":
    case "set":
      return step.next ?? null;
    case "wait":
      return step.next;
    case "decision":
      return step.otherwise;
    default:
      return null;
  }
}

function canSkip(run: FailedRun | null, doc: ProcessDocument): boolean {
  if (!run) return false;
  return !!run.compensationOf || skipTarget(stepById(doc, run.stepId)) !== null;
}

async function loadForOperator(tx: Tx, instanceId: string) {
  const locked = await lockInstance(tx, instanceId);
  if (!locked) throw new AppError("NOT_FOUND", "Instance not found.");
  const [definition] = await tx.query<Pick<Row<"ProcessDefinition">, "document">>(sql`SELECT "document" FROM "ProcessDefinition" WHERE "id" = ${locked.definitionId}`);
  return { inst: locked, doc: documentOf(definition!) };
}

/** A FAILED instance runs (or compensates) again; a running one with a failed branch loses its error. */
async function resumeInTx(tx: Tx, inst: { id: string; version: number; status: string }, compensating: boolean, data: { currentStepId?: string } = {}) {
  if (inst.status === "FAILED") {
    await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["FAILED"] }, { status: compensating ? "COMPENSATING" : "RUNNING", error: null, endedAt: null, ...data });
  } else {
    await updateInstance(tx, inst.id, { error: null });
  }
}

/**
 * An operator retries the failed step: a fresh run of the same step in the same place (its
 * branch, or the compensation it was doing), audited. A failed branch can be retried while the
 * other branches go on.
 */
export async function retryFailedStep(actor: Actor, instanceId: string, input: unknown = {}): Promise<InstanceDto> {
  requirePermission(actor, "processes:manage");
  const data = parse(retryStepSchema, input ?? {}, "Retry");
  await transaction(async (tx) => {
    const { inst, doc } = await loadForOperator(tx, instanceId);
    const failed = await openFailure(tx, inst);
    const step = failed ? stepById(doc, failed.stepId) : undefined;
    if (!failed || !step) {
      throw new AppError("CONFLICT", inst.status === "FAILED" ? "This instance has no failed step to retry." : `Only a failed step can be retried; this instance is ${inst.status.toLowerCase()}.`);
    }
    const compensating = !!failed.compensationOf;
    await resumeInTx(tx, inst, compensating, { currentStepId: step.id });
    if (!compensating) await reopenBranchInTx(tx, failed);
    const run = await createStepRunInTx(tx, inst.id, step, {
      parallelRunId: failed.parallelRunId,
      branch: failed.branch,
      branchWrites: writesOf(failed.branchWrites),
      compensationOf: failed.compensationOf,
    });
    tx.audit(actor, {
      action: "step.retried",
      subjectType: "instance",
      subjectId: inst.id,
      instanceId: inst.id,
      before: { status: inst.status, stepId: step.id, stepRunId: failed.id, error: failed.error },
      after: { status: inst.status === "FAILED" ? (compensating ? "COMPENSATING" : "RUNNING") : inst.status, stepId: step.id, stepRunId: run.id, ...(failed.branch ? { branch: failed.branch } : {}) },
      reason: data.reason ?? null,
    });
  });
  return getInstance(actor, instanceId);
}

/**
 * An operator skips the failed step: it is marked SKIPPED (with the reason) and the instance
 * continues at the step's `next` (a decision's `otherwise`); a skipped compensation moves on to
 * the next compensation. Audited as step.skipped.
 */
export async function skipFailedStep(actor: Actor, instanceId: string, input: unknown): Promise<InstanceDto> {
  requirePermission(actor, "processes:manage");
  const data = parse(skipStepSchema, input ?? {}, "Skip");
  await transaction(async (tx) => {
    const { inst, doc } = await loadForOperator(tx, instanceId);
    const failed = await openFailure(tx, inst);
    if (!failed) throw new AppError("CONFLICT", `Only a failed step can be skipped; this instance is ${inst.status.toLowerCase()} and has none.`);
    const step = stepById(doc, failed.stepId);
    const to = skipTarget(step);
    if (!failed.compensationOf && !to) {
      throw new AppError("CONFLICT", `Step "${failed.stepId}" is a ${step?.kind ?? "unknown"} step with no single next step to continue at; retry it or cancel the instance.`);
    }
    await updateStepRunIf(tx, { id: failed.id, version: failed.version, statuses: ["FAILED"] }, { status: "SKIPPED" }).catch(() => {
      throw new AppError("CONFLICT", "The step changed while you were skipping it. Reload and try again.");
    });
    const compensating = !!failed.compensationOf;
    tx.audit(actor, {
      action: "step.skipped",
      subjectType: "instance",
      subjectId: inst.id,
      instanceId: inst.id,
      before: { status: inst.status, stepId: failed.stepId, stepRunId: failed.id, error: failed.error },
      after: { stepId: failed.stepId, stepRunId: failed.id, status: "SKIPPED", next: compensating ? null : to, ...(failed.branch ? { branch: failed.branch } : {}), ...(compensating ? { compensates: failed.compensationOf } : {}) },
      reason: data.reason,
    });
    await resumeInTx(tx, inst, compensating);
    const fresh = (await lockInstance(tx, inst.id))!;
    const e = { doc, actor: workerActor("engine", actor.requestId) };
    if (compensating) {
      await nextCompensationInTx(tx, e, fresh);
      return;
    }
    await reopenBranchInTx(tx, failed);
    await advanceInTx(tx, e, fresh, failed, to, []);
  });
  return getInstance(actor, instanceId);
}

/**
 * An operator cancels an instance: its pending, running and waiting steps stop (CANCELLED), its
 * open tasks are cancelled, and the instance ends CANCELLED; one audit entry per change, with the reason.
 */
export async function cancelInstance(actor: Actor, instanceId: string, input: unknown): Promise<InstanceDto> {
  requirePermission(actor, "processes:manage");
  const data = parse(cancelInstanceSchema, input ?? {}, "Cancellation");
  await transaction(async (tx) => {
    const { inst } = await loadForOperator(tx, instanceId);
    if (!CANCELLABLE.includes(inst.status)) throw new AppError("CONFLICT", `This instance is ${inst.status.toLowerCase()}; only a running, waiting, failed or compensating instance can be cancelled.`);
    const cancelled = await cancelActiveRunsInTx(tx, actor, inst.id, `Instance cancelled: ${data.reason}`);
    await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: CANCELLABLE }, { status: "CANCELLED", endedAt: new Date() });
    tx.audit(actor, {
      action: "instance.cancelled",
      subjectType: "instance",
      subjectId: inst.id,
      instanceId: inst.id,
      before: { status: inst.status },
      after: { status: "CANCELLED", cancelledStepRuns: cancelled.runs, cancelledTasks: cancelled.tasks },
      reason: data.reason,
    });
  });
  return getInstance(actor, instanceId);
}

const CANCELLABLE: InstanceStatus[] = ["RUNNING", "WAITING", "FAILED", "COMPENSATING"];

/** The circuit breakers of HTTP steps' hosts, with how many step runs wait behind each. */
export async function listCircuitBreakers(actor: Actor): Promise<{ data: CircuitBreakerDto[] }> {
  requirePermission(actor, "processes:manage");
  const [views, queued] = await Promise.all([
    listBreakers(),
    db().stepRun.groupBy({ by: ["circuitHost"], where: { status: "PENDING", circuitHost: { not: null } }, _count: { _all: true } }),
  ]);
  const count = new Map(queued.map((q) => [q.circuitHost, q._count._all]));
  return { data: views.map((v) => ({ ...v, queuedSteps: count.get(v.host) ?? 0 })) };
}
