import { db, type Prisma } from "../db";
import { AppError, fromZodError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { appendAuditEntry } from "../audit/service";
import { dispatchOutboxSoon } from "../outbox/service";
import { taskReference } from "../tasks/schemas";
import { stepById } from "../processes/definition";
import { documentOf, startableVersion } from "../processes/service";
import { instanceListQuerySchema, retryStepSchema, startInstanceSchema, type InstanceDto, type InstancePage, type InstanceSummaryDto } from "./schemas";
import { createStepRunInTx, startInstanceInTx, updateInstanceIf } from "./transitions";

// The API side of the engine: start instances, read them, retry a failed step. Steps themselves
// only ever run in the worker (lib/engine/runner.ts).

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import("zod").ZodError } }, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) throw fromZodError(r.error, what);
  return r.data;
}

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
  const data = parse(startInstanceSchema, input ?? {}, "Start");
  const { instance } = await db().$transaction(async (tx) => {
    const def = await startableVersion(tx, key);
    if (!def) {
      const any = await tx.processDefinition.findFirst({ where: { key }, select: { id: true } });
      throw any
        ? new AppError("CONFLICT", `Every version of "${key}" is deprecated; publish a new version to start instances.`)
        : new AppError("NOT_FOUND", `No process "${key}".`);
    }
    return startInstanceInTx(tx, actor, { id: def.id, key: def.key, version: def.version, document: documentOf(def) }, data);
  });
  dispatchOutboxSoon();
  return getInstance(actor, instance.id);
}

export async function listInstances(actor: Actor, rawQuery: unknown): Promise<InstancePage> {
  requirePermission(actor, "processes:manage");
  const q = parse(instanceListQuerySchema, rawQuery, "Query");
  const where: Prisma.ProcessInstanceWhereInput = {
    ...(q.status ? { status: q.status } : {}),
    ...(q.process ? { definition: { key: q.process } } : {}),
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
  requirePermission(actor, "processes:manage");
  const i = await db().processInstance.findUnique({
    where: { id },
    include: {
      ...summaryInclude,
      stepRuns: { orderBy: [{ startedAt: "asc" }, { id: "asc" }] },
      tasks: { select: { id: true, number: true, title: true, status: true, outcome: true, stepRunId: true }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!i) throw new AppError("NOT_FOUND", "Instance not found.");
  return {
    ...toSummary(i),
    variables: (i.variables ?? {}) as Record<string, unknown>,
    steps: i.stepRuns.map((s) => ({
      id: s.id,
      stepId: s.stepId,
      type: s.type,
      status: s.status,
      attempts: s.attempts,
      attemptLog: (Array.isArray(s.attemptLog) ? s.attemptLog : []) as Record<string, unknown>[],
      error: s.error,
      output: s.output ?? null,
      startedAt: s.startedAt.toISOString(),
      endedAt: s.endedAt?.toISOString() ?? null,
      nextAttemptAt: s.nextAttemptAt?.toISOString() ?? null,
      waitEventType: s.waitEventType,
      correlationKey: s.correlationKey,
      timeoutAt: s.timeoutAt?.toISOString() ?? null,
    })),
    tasks: i.tasks.map((t) => ({ id: t.id, reference: taskReference(t.number), title: t.title, status: t.status, outcome: t.outcome, stepRunId: t.stepRunId })),
    can: { retry: i.status === "FAILED" && actor.permissions.has("processes:manage") },
  };
}

/** An operator retries the failed step of a FAILED instance: a fresh step run of the same step, audited. */
export async function retryFailedStep(actor: Actor, instanceId: string, input: unknown = {}): Promise<InstanceDto> {
  requirePermission(actor, "processes:manage");
  const data = parse(retryStepSchema, input ?? {}, "Retry");
  await db().$transaction(async (tx) => {
    const instance = await tx.processInstance.findUnique({ where: { id: instanceId }, include: { definition: true } });
    if (!instance) throw new AppError("NOT_FOUND", "Instance not found.");
    if (instance.status !== "FAILED") throw new AppError("CONFLICT", `Only a failed instance can be retried; this one is ${instance.status.toLowerCase()}.`);
    const failed = await tx.stepRun.findFirst({ where: { instanceId, status: "FAILED" }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] });
    const step = failed ? stepById(documentOf(instance.definition), failed.stepId) : undefined;
    if (!failed || !step) throw new AppError("CONFLICT", "This instance has no failed step to retry.");
    await updateInstanceIf(tx, { id: instance.id, version: instance.version, statuses: ["FAILED"] }, { status: "RUNNING", error: null, endedAt: null, currentStepId: step.id }).catch(() => {
      throw new AppError("CONFLICT", "The instance changed while you were retrying it. Reload and try again.");
    });
    const run = await createStepRunInTx(tx, instance.id, step);
    await appendAuditEntry(tx, actor, {
      action: "step.retried",
      subjectType: "instance",
      subjectId: instance.id,
      instanceId: instance.id,
      before: { status: "FAILED", stepId: step.id, stepRunId: failed.id, error: failed.error },
      after: { status: "RUNNING", stepId: step.id, stepRunId: run.id },
      reason: data.reason ?? null,
    });
  });
  dispatchOutboxSoon();
  return getInstance(actor, instanceId);
}
