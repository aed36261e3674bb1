import type { Prisma, Tx } from "../db";
import { appendAuditEntry } from "../audit/service";
import type { Actor } from "../identity/actor";
import { enqueueInTx } from "../outbox/service";
import { QUEUES } from "../queues";
import { stepById } from "../processes/definition";
import type { ProcessDocument, Step } from "../processes/schemas";
import type { Variables } from "../processes/expressions";

// The engine's state changes. Each runs inside the caller's transaction and is guarded by
// (status, version): a zero row count means another worker (or a duplicate job) got there
// first, and the whole transaction rolls back with StaleTransition, which callers treat as done.
// The job the change implies is written to the outbox in the same transaction.

type StepRunStatus = "PENDING" | "RUNNING" | "WAITING" | "COMPLETED" | "FAILED" | "SKIPPED" | "COMPENSATED";
type InstanceStatus = "RUNNING" | "WAITING" | "COMPLETED" | "FAILED" | "CANCELLED";

export class StaleTransition extends Error {
  constructor(what: string) {
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
}

export function asVariables(v: Prisma.JsonValue): Variables {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Variables) : {};
}

/** What templates and conditions see: the variables, plus `$instance`. */
export function scopeFor(instance: Pick<InstanceRef, "id" | "businessKey" | "variables">, definition?: { key: string; version: number }): Variables {
  return { ...asVariables(instance.variables), $instance: { id: instance.id, businessKey: instance.businessKey, process: definition?.key, version: definition?.version } };
}

export async function updateStepRunIf(
  tx: Tx,
  guard: { id: string; version: number; statuses: StepRunStatus[] },
  data: Prisma.StepRunUpdateManyMutationInput,
): Promise<void> {
  const r = await tx.stepRun.updateMany({
    where: { id: guard.id, version: guard.version, status: { in: guard.statuses } },
    data: { ...data, version: { increment: 1 } },
  });
  if (r.count !== 1) throw new StaleTransition(`step run ${guard.id}`);
}

export async function updateInstanceIf(
  tx: Tx,
  guard: { id: string; version: number; statuses: InstanceStatus[] },
  data: Prisma.ProcessInstanceUpdateManyMutationInput,
): Promise<void> {
  const r = await tx.processInstance.updateMany({
    where: { id: guard.id, version: guard.version, status: { in: guard.statuses } },
    data: { ...data, version: { increment: 1 } },
  });
  if (r.count !== 1) throw new StaleTransition(`instance ${guard.id}`);
}

/** A new step run for `step`, and the job that runs it (job id `step.<stepRunId>`). */
export async function createStepRunInTx(tx: Tx, instanceId: string, step: Step) {
  const run = await tx.stepRun.create({ data: { instanceId, stepId: step.id, type: step.kind, status: "PENDING" } });
  await enqueueInTx(tx, { queue: QUEUES.engine, name: "run-step", jobId: `step.${run.id}`, payload: { instanceId, stepRunId: run.id } });
  return run;
}

/** Starts an instance of a definition version: the instance, its first step run and its job, audited. */
export async function startInstanceInTx(
  tx: Tx,
  actor: Actor,
  definition: { id: string; key: string; version: number; document: ProcessDocument },
  input: { variables: Variables; businessKey?: string | null; startEventId?: string | null },
) {
  const first = stepById(definition.document, definition.document.start)!;
  const instance = await tx.processInstance.create({
    data: {
      definitionId: definition.id,
      businessKey: input.businessKey ?? null,
      variables: input.variables as Prisma.InputJsonObject,
      status: "RUNNING",
      currentStepId: first.id,
      startedById: actor.type === "USER" ? actor.id : null,
      startedByName: actor.name,
      startEventId: input.startEventId ?? null,
    },
  });
  const run = await createStepRunInTx(tx, instance.id, first);
  await appendAuditEntry(tx, actor, {
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
  return { instance, firstStepRun: run };
}

export interface StepOutcome {
  /** The finished step's final status. */
  status: "COMPLETED" | "FAILED";
  output?: Prisma.InputJsonValue;
  error?: string | null;
  variables?: Variables;
  /** The next step; null ends the instance (COMPLETED, or FAILED when the step failed). */
  next: string | null;
  action: string;
  auditAfter?: Record<string, Prisma.InputJsonValue | null>;
  stepData?: Prisma.StepRunUpdateManyMutationInput;
}

/**
 * Finishes the instance's current step and moves on: the step run's guarded change, the
 * instance's guarded change (variables, current step, status), the next step run and its job,
 * and the audit entries: all in the caller's transaction.
 */
export async function finishStepInTx(
  tx: Tx,
  actor: Actor,
  ctx: { instance: InstanceRef; stepRun: StepRunRef; doc: ProcessDocument },
  from: StepRunStatus[],
  outcome: StepOutcome,
): Promise<{ nextStepRunId: string | null }> {
  const { instance, stepRun, doc } = ctx;
  const now = new Date();
  await updateStepRunIf(tx, { id: stepRun.id, version: stepRun.version, statuses: from }, {
    status: outcome.status,
    output: outcome.output ?? undefined,
    error: outcome.error ?? null,
    endedAt: now,
    ...outcome.stepData,
  });
  const variables = outcome.variables ?? asVariables(instance.variables);
  const base = { subjectType: "instance", subjectId: instance.id, instanceId: instance.id } as const;
  await appendAuditEntry(tx, actor, {
    ...base,
    action: outcome.action,
    before: { stepId: stepRun.stepId, status: stepRun.status },
    after: { stepId: stepRun.stepId, stepRunId: stepRun.id, status: outcome.status, next: outcome.next, ...(outcome.error ? { error: outcome.error } : {}), ...outcome.auditAfter },
  });
  const nextStep = outcome.next ? stepById(doc, outcome.next) : undefined;
  if (!nextStep) {
    const failed = outcome.status === "FAILED";
    await updateInstanceIf(tx, { id: instance.id, version: instance.version, statuses: ["RUNNING", "WAITING"] }, {
      status: failed ? "FAILED" : "COMPLETED",
      variables: variables as Prisma.InputJsonObject,
      endedAt: now,
      error: failed ? (outcome.error ?? "failed") : null,
      currentStepId: stepRun.stepId,
    });
    await appendAuditEntry(tx, actor, {
      ...base,
      action: failed ? "instance.failed" : "instance.completed",
      before: { status: instance.status },
      after: { status: failed ? "FAILED" : "COMPLETED", lastStep: stepRun.stepId, ...(failed ? { error: outcome.error ?? "failed" } : {}) },
      reason: failed ? (outcome.error ?? null) : null,
    });
    return { nextStepRunId: null };
  }
  await updateInstanceIf(tx, { id: instance.id, version: instance.version, statuses: ["RUNNING", "WAITING"] }, {
    status: "RUNNING",
    variables: variables as Prisma.InputJsonObject,
    currentStepId: nextStep.id,
    error: null,
  });
  const run = await createStepRunInTx(tx, instance.id, nextStep);
  return { nextStepRunId: run.id };
}

/** Serialises an event and a wait step on the same (type, key), so neither misses the other. */
export async function lockCorrelation(tx: Tx, type: string, key: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${`${type}\n${key}`}, 0))`;
}

export function appendAttempt(log: Prisma.JsonValue, entry: Record<string, unknown>): Prisma.InputJsonArray {
  const list = Array.isArray(log) ? log : [];
  return [...list, entry] as Prisma.InputJsonArray;
}
