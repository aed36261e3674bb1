import { Prisma } from "../db";
import { query } from "../pg";
import { env } from "../env";
import { auditInTx } from "../audit/repository";
import { AppError, isAppError } from "../errors";
import { workerActor, type Actor } from "../identity/actor";
import { logger } from "../logger";
import { enqueueInTx, pgTransactionWithOutbox, transactionWithOutbox } from "../outbox/service";
import { rows, tsValue, type AnyTx } from "../sql-tx";
import { queue, QUEUES } from "../queues";
import { insertTaskInTx, newTaskNeedsPrisma, validateNewTask, type CreatedTask, type NewTask } from "../tasks/service";
import { publishTaskEvent } from "../live/publish";
import { stepById } from "../processes/definition";
import { evaluateGuard, evaluateValue, getPath, parseDurationMs, renderTemplate, setPath } from "../processes/expressions";
import { findLatestPublished, findVersion } from "../rules/repository";
import { decisionTableModelSchema } from "../rules/schemas";
import { evaluateDecisionInTx } from "../rules/service";
import type { DecisionStep, HttpStep, HumanStep, ParallelStep, ProcessDocument, SetStep, Step, WaitStep } from "../processes/schemas";
import { acquireBreaker, breakerHost, recordBreakerFailure, recordBreakerSuccess } from "./circuit-breaker";
import { backoffDelayMs, idempotencyKeyFor, performHttpAttempt, type HttpAttemptResult } from "./http-call";
import { resolveSecrets, secretNamesOfStep } from "../secrets/service";
import { redactText, redactValue } from "../secrets/redact";
import {
  StaleTransition,
  appendAttempt,
  finishStepInTx,
  forkInTx,
  instanceMoved,
  liveStatusesFor,
  lockCorrelation,
  lockInstanceIn,
  refreshActivityInTx,
  scopeForRun,
  updateInstanceIf,
  updateStepRunIf,
  type Advanced,
  type Assignment,
  type InstanceRef,
  type StepRunRef,
} from "./transitions";

// Worker side of the engine: turns one job into one guarded step transition. Every function is
// idempotent: a duplicate or late job finds the step already moved on and does nothing.

export type JobResult = { done: string };
/** One step's result; `next`: the step run it created for this worker to run now (ADR 015). */
type StepResult = JobResult & { next?: string | null; carried?: Advanced["carried"] };
const engineActor = (requestId?: string): Actor => workerActor("engine", requestId);

/** A step held RUNNING longer than this by a worker is taken over (the worker died mid-step). */
const HUMAN_STALE_MS = 60_000;

interface Ctx {
  instance: InstanceRef & { definition: { id: string; key: string; version: number; document: Prisma.JsonValue } };
  stepRun: StepRunRef & { attemptStartedAt: Date | null; timeoutAt: Date | null; waitEventType: string | null; correlationKey: string | null };
  doc: ProcessDocument;
  step: Step;
  /** The worker runs the next step run itself (finishStepInTx writes no job for it). */
  inline: boolean;
  /** This worker's own transition created the run claimed (RUNNING, attempt 1): no claim to make (ADR 016). */
  owned: boolean;
}

type DefinitionRef = Ctx["instance"]["definition"];

// A published version never changes (only its status does, which the engine does not read here),
// so its document is read once per process and kept by id.
const definitions = new Map<string, DefinitionRef>();

async function definitionById(id: string): Promise<DefinitionRef | null> {
  const hit = definitions.get(id);
  if (hit) return hit;
  const rows = await query<DefinitionRef>(`SELECT "id", "key", "version", "document" FROM "ProcessDefinition" WHERE "id" = $1`, [id]);
  const found = rows[0] ?? null;
  if (found) {
    if (definitions.size >= 1_000) definitions.delete(definitions.keys().next().value!);
    definitions.set(id, found);
  }
  return found;
}

// Every job starts here: the step run and its instance in one prepared statement (ADR 013's pool).
const INSTANCE_COLUMNS = ["id", "definitionId", "businessKey", "status", "variables", "startedById", "startedAt", "endedAt", "error", "currentStepId", "startedByName", "startEventId", "updatedAt", "version"];
const INSTANCE_SELECT = INSTANCE_COLUMNS.map((c) => `i."${c}" AS "i.${c}"`).join(", ");
const LOAD_CTX = `SELECT sr.*, ${INSTANCE_SELECT} FROM "StepRun" sr JOIN "ProcessInstance" i ON i."id" = sr."instanceId" WHERE sr."id" = $1`;

async function loadCtx(stepRunId: string, inline = true): Promise<Ctx | null> {
  const row = (await query<Record<string, unknown>>(LOAD_CTX, [stepRunId]))[0];
  return row ? ctxFromRow(row, inline) : null;
}

/** A LOAD_CTX row (the step run's columns, the instance's as "i.<column>"; others ignored) as a Ctx. */
async function ctxFromRow(row: Record<string, unknown>, inline = true): Promise<Ctx | null> {
  const stepRun: Record<string, unknown> = {};
  const instance: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k.startsWith("i.")) instance[k.slice(2)] = v;
    else if (!k.startsWith("t.")) stepRun[k] = v;
  }
  const definition = await definitionById(instance.definitionId as string);
  if (!definition) return null;
  const doc = definition.document as unknown as ProcessDocument;
  const run = stepRun as unknown as Ctx["stepRun"];
  const step = stepById(doc, run.stepId);
  if (!step) throw new AppError("INTERNAL", `step "${run.stepId}" is not in ${definition.key} v${definition.version}`);
  return { instance: { ...(instance as unknown as InstanceRef), definition }, stepRun: run, doc, step, inline, owned: false };
}

// A decided task with its step run and instance, in one statement (the task's fields as "t.<name>").
const TASK_CTX = `SELECT t."status"::text AS "t.status", t."outcome" AS "t.outcome", t."reason" AS "t.reason",
         (SELECT u."name" FROM "User" u WHERE u."id" = t."decidedById") AS "t.decidedBy",
         (t."status" = 'CANCELLED' AND EXISTS (SELECT 1 FROM "TaskEscalation" e WHERE e."taskId" = t."id" AND e."action" = 'fail')) AS "t.failedBySla",
         sr.*, ${INSTANCE_SELECT}
    FROM "Task" t LEFT JOIN "StepRun" sr ON sr."id" = t."stepRunId" LEFT JOIN "ProcessInstance" i ON i."id" = sr."instanceId"
   WHERE t."id" = $1`;

/**
 * Commits `fn` and hands the jobs it wrote to BullMQ; a lost race is reported as done. When `fn`
 * advanced to a next step run (finishStepInTx's nextStepRunId), it is returned for the caller to
 * run inline.
 */
async function transition(what: string, fn: (tx: AnyTx) => Promise<unknown>): Promise<StepResult> {
  // Batched (ADR 016): a transition that only writes commits as one statement; a failed guard in
  // it runs it again unbatched (pgTransactionWithOutbox).
  return transitionIn((body) => pgTransactionWithOutbox(body, { batched: true }), what, fn);
}

/** A transition that needs Prisma's client (decision tables: lib/rules reads through it). */
function prismaTransition(what: string, fn: (tx: Prisma.TransactionClient) => Promise<unknown>): Promise<StepResult> {
  return transitionIn(transactionWithOutbox, what, fn);
}

async function transitionIn<X extends AnyTx>(
  runTx: (body: (tx: X) => Promise<void>) => Promise<void>,
  what: string,
  fn: (tx: X) => Promise<unknown>,
): Promise<StepResult> {
  let advanced: Advanced | null = null;
  try {
    await runTx(async (tx) => {
      const out = await fn(tx);
      advanced = out && typeof out === "object" && "nextStepRunId" in out ? (out as Advanced) : null;
    });
  } catch (e) {
    if (e instanceof StaleTransition) return { done: `skipped (${what}: already moved on)` };
    throw e;
  }
  const a = advanced as Advanced | null;
  return { done: what, next: a?.nextStepRunId ?? null, carried: a?.carried };
}

/** The next run's context from what its transition wrote: no read but the (cached) definition. */
async function ctxFromCarried(carried: NonNullable<Advanced["carried"]>): Promise<Ctx | null> {
  const definition = await definitionById(carried.instance.definitionId);
  if (!definition) return null;
  const doc = definition.document as unknown as ProcessDocument;
  const step = stepById(doc, carried.stepRun.stepId);
  if (!step) return null;
  const stepRun = { ...carried.stepRun, attemptStartedAt: carried.stepRun.attemptStartedAt ?? null, timeoutAt: null, waitEventType: null, correlationKey: null };
  return { instance: { ...carried.instance, definition }, stepRun, doc, step, inline: true, owned: stepRun.status === "RUNNING" };
}

/** How many steps one job runs back to back before it queues the rest (fairness between instances). */
const INLINE_STEPS_MAX = 16;

/**
 * Runs the step runs a job's transition created, one after the other in this job, instead of one
 * BullMQ job each (ADR 015): an instance moves from one wait (a person, an event, a backoff) to the
 * next in one job. A step that throws, or one past INLINE_STEPS_MAX, gets its own job; should this
 * worker die first, the recovery sweep finds the run PENDING and queues it.
 */
async function continueInline(first: StepResult, requestId?: string): Promise<JobResult> {
  const done = [first.done];
  let next = first.next ?? null;
  let carried = first.carried;
  for (let n = 0; next; n++) {
    if (n >= INLINE_STEPS_MAX) {
      await queueStep(next, requestId, "inline step limit");
      done.push("queued");
      break;
    }
    let r: StepResult;
    try {
      r = await runStepOnce(next, requestId, true, carried);
    } catch (err) {
      // Its own job retries it (BullMQ's attempts and backoff), as if it had been queued.
      await queueStep(next, requestId, String(err));
      done.push(`queued (${err instanceof Error ? err.message : String(err)})`);
      break;
    }
    done.push(r.done);
    next = r.next ?? null;
    carried = r.carried;
  }
  return { done: done.join(" → ") };
}

async function queueStep(stepRunId: string, requestId: string | undefined, why: string): Promise<void> {
  try {
    const [run] = await query<{ instanceId: string }>(`SELECT "instanceId" FROM "StepRun" WHERE "id" = $1`, [stepRunId]);
    if (!run) return;
    await queue(QUEUES.engine).add("run-step", { instanceId: run.instanceId, stepRunId, ...(requestId ? { requestId } : {}) }, { jobId: `step.${stepRunId}` });
  } catch (err) {
    logger.warn({ err: String(err), stepRunId, why }, "step left to the recovery sweep");
  }
}

function mapOutput(mapping: Record<string, string>, source: unknown): Assignment[] {
  return Object.entries(mapping).map(([name, path]) => [name, getPath(source, path) ?? null]);
}

const scopeOf = (ctx: Pick<Ctx, "instance" | "stepRun">) => scopeForRun(ctx.instance, ctx.stepRun, ctx.instance.definition);

/** The run now waits (for a person, an event): the instance waits too, unless another branch is busy. */
async function markWaitingInTx(tx: AnyTx, ctx: Pick<Ctx, "instance" | "stepRun">, locked?: InstanceRef) {
  const inst = locked ?? (await lockInstanceIn(tx, ctx.instance.id, ["RUNNING", "WAITING"]));
  if (ctx.stepRun.parallelRunId) await refreshActivityInTx(tx, inst);
  else if (inst.status !== "WAITING") await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, { status: "WAITING" });
}

// ── run-step ──────────────────────────────────────────────────────────────────────────────────

export async function runStep(stepRunId: string, requestId?: string, opts: { chain?: boolean } = {}): Promise<JobResult> {
  // chain: false runs this one step and queues the next as a job (operators' tools, tests).
  if (opts.chain === false) return runStepOnce(stepRunId, requestId, false);
  return continueInline(await runStepOnce(stepRunId, requestId), requestId);
}

/** Runs the first steps of instances a worker just started (processEventReceipt with inline), from what it wrote. */
export async function runFirstSteps(first: NonNullable<Advanced["carried"]>[], requestId?: string): Promise<void> {
  for (const carried of first) await continueInline({ done: "started", next: carried.stepRun.id, carried }, requestId);
}

async function runStepOnce(stepRunId: string, requestId?: string, inline = true, carried?: Advanced["carried"]): Promise<StepResult> {
  const ctx = (carried?.stepRun.id === stepRunId ? await ctxFromCarried(carried) : null) ?? (await loadCtx(stepRunId, inline));
  if (!ctx) return { done: "skipped (no such step run)" };
  const { instance, stepRun, step } = ctx;
  if (!liveStatusesFor(stepRun).includes(instance.status)) return { done: `skipped (instance ${instance.status})` };
  const actor = engineActor(requestId);
  switch (step.kind) {
    case "end":
      if (stepRun.status !== "PENDING") return { done: `skipped (step ${stepRun.status})` };
      return transition("end", (tx) => finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "COMPLETED", next: null, action: "step.completed" }));
    case "set":
      if (stepRun.status !== "PENDING") return { done: `skipped (step ${stepRun.status})` };
      return runSet(ctx, step, actor);
    case "decision":
      if (stepRun.status !== "PENDING") return { done: `skipped (step ${stepRun.status})` };
      return runDecision(ctx, step, actor);
    case "http":
      return runHttp(ctx, step, actor);
    case "human":
      return runHuman(ctx, step, actor);
    case "wait":
      if (stepRun.status !== "PENDING") return { done: `skipped (step ${stepRun.status})` };
      return startWait(ctx, step, actor);
    case "parallel":
      if (stepRun.status !== "PENDING") return { done: `skipped (step ${stepRun.status})` };
      return runParallel(ctx, step, actor);
    case "join":
      // Joins complete inside the transaction of the last branch to arrive; they never run as jobs.
      return { done: "skipped (a join completes when its branches arrive)" };
  }
}

function runParallel(ctx: Ctx, step: ParallelStep, actor: Actor) {
  return transition("fork", (tx) => forkInTx(tx, { doc: ctx.doc, actor }, ctx.instance.id, ctx.stepRun, step));
}

function runSet(ctx: Ctx, step: SetStep, actor: Actor) {
  const scope = scopeOf(ctx);
  const assigned: Record<string, unknown> = {};
  const assign: Assignment[] = [];
  for (const [name, expr] of Object.entries(step.assign)) {
    const value = evaluateValue(expr, scope);
    assigned[name] = value;
    assign.push([name, value]);
  }
  return transition("set", (tx) =>
    finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "COMPLETED", output: assigned as Prisma.InputJsonObject, assign, next: step.next ?? null, action: "step.completed" }),
  );
}

function runDecision(ctx: Ctx, step: DecisionStep, actor: Actor) {
  const scope = scopeOf(ctx);
  if (step.table) return runTableDecision(ctx, step, step.table, scope, actor);
  const i = step.branches.findIndex((b) => evaluateGuard(b.when, scope));
  const next = i >= 0 ? step.branches[i]!.next : step.otherwise;
  const output = { branch: i >= 0 ? i : "otherwise", next };
  return transition("decision", (tx) =>
    finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "COMPLETED", output, next, action: "step.completed", auditAfter: { branch: output.branch } }),
  );
}

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A decision step with a DMN table (lib/rules): the latest published version, or the pinned one,
 * evaluated in the step's transaction (audited as decision_table.evaluated with the inputs, the
 * matched rules and the outputs). The first output lands in a variable the branches then test;
 * the step run records the version and the rules that decided. A table that cannot answer fails
 * the step, naming the table.
 */
function runTableDecision(ctx: Ctx, step: DecisionStep, table: NonNullable<DecisionStep["table"]>, scope: Record<string, unknown>, actor: Actor) {
  const fail = (tx: Prisma.TransactionClient, why: string) =>
    finishStepInTx(tx, actor, ctx, ["PENDING"], { status: "FAILED", error: `Step "${step.id}": decision table "${table.key}" ${why}`, next: null, action: "step.failed" });
  return prismaTransition("decision (table)", async (tx) => {
    const row = table.version ? await findVersion(table.key, table.version, tx) : await findLatestPublished(table.key, tx);
    if (!row) return fail(tx, table.version ? `has no version ${table.version}` : "has no published version");
    if (row.status !== "PUBLISHED") return fail(tx, `version ${row.version} is a draft; publish it first`);
    const model = decisionTableModelSchema.parse(row.model);
    let mapping = table.inputs;
    if (!mapping) {
      mapping = {};
      for (const input of model.inputs) {
        const name = input.expression.trim();
        if (!SIMPLE_NAME.test(name)) return fail(tx, `input "${input.label ?? name}" is the expression "${name}"; map it with table.inputs`);
        mapping[name] = name;
      }
    }
    const inputs: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(mapping)) inputs[name] = getPath(scope, path) ?? null;
    let evaluation;
    try {
      evaluation = await evaluateDecisionInTx(tx, actor, table.key, inputs, row.version, { instanceId: ctx.instance.id });
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      return fail(tx, `v${row.version} could not decide: ${e.message}`);
    }
    const value = evaluation.outputs.length > 1 ? evaluation.outputs : (evaluation.outputs[0] ?? null);
    const outPath = table.output ?? step.id;
    const decided = setPath(scope, outPath, value);
    const i = step.branches.findIndex((b) => evaluateGuard(b.when, decided));
    const next = i >= 0 ? step.branches[i]!.next : step.otherwise;
    const matchedRules = evaluation.matchedRules.map((r) => r.id);
    const output = {
      table: table.key,
      version: evaluation.version,
      matchedRules: evaluation.matchedRules as unknown as Prisma.InputJsonArray,
      inputs: inputs as Prisma.InputJsonObject,
      outputs: evaluation.outputs as Prisma.InputJsonArray,
      branch: i >= 0 ? i : "otherwise",
      next,
    };
    return finishStepInTx(tx, actor, ctx, ["PENDING"], {
      status: "COMPLETED",
      output,
      assign: [[outPath, value]],
      next,
      action: "step.completed",
      auditAfter: { table: table.key, tableVersion: evaluation.version, matchedRules, branch: output.branch },
    });
  });
}

/** A run this worker holds: the run's version after the claim and the attempt it is on. */
type Claim = { version: number; attempt: number };

/** Claims the step for this worker: PENDING → RUNNING, or takes over a RUNNING step whose worker died. */
async function claim(ctx: Ctx, staleAfterMs: number): Promise<Claim | "skip" | "busy"> {
  const { stepRun } = ctx;
  if (ctx.owned) return { version: stepRun.version, attempt: stepRun.attempts };
  const stale = stepRun.status === "RUNNING" && (!stepRun.attemptStartedAt || Date.now() - stepRun.attemptStartedAt.getTime() > staleAfterMs);
  if (stepRun.status !== "PENDING" && !stale) return stepRun.status === "RUNNING" ? "busy" : "skip";
  const attempt = stepRun.attempts + 1;
  // One guarded UPDATE (what updateStepRunIf does, without a transaction around a single statement).
  const claimed = await query<{ id: string }>(
    `UPDATE "StepRun" SET "status" = 'RUNNING', "attempts" = $1, "attemptStartedAt" = $2::timestamptz AT TIME ZONE 'UTC', "nextAttemptAt" = NULL,
            "circuitHost" = NULL, "version" = "version" + 1, "updatedAt" = (now() AT TIME ZONE 'UTC')
      WHERE "id" = $3 AND "version" = $4 AND "status" = $5::"StepRunStatus" RETURNING "id"`,
    [attempt, new Date().toISOString(), stepRun.id, stepRun.version, stepRun.status],
  );
  if (claimed.length !== 1) return "skip";
  return { version: stepRun.version + 1, attempt };
}

/**
 * Gives a claim back after the work that followed it failed unexpectedly (a lost connection, a
 * deadlock: anything but a step's own failure, which its transition records): the run is PENDING
 * again with its attempt returned, so the retry of its job, or the job queued for it, claims it at
 * once instead of finding it "busy" until it is stale (ADR 017). Guarded by the claim's version: if
 * the failed transaction did commit after all, the run moved on and nothing changes here. A release
 * that fails leaves the run to be taken over once stale, as before.
 */
async function releaseClaim(stepRunId: string, claimed: Claim, err: unknown): Promise<void> {
  try {
    const released = await query<{ id: string }>(
      `UPDATE "StepRun" SET "status" = 'PENDING', "attempts" = $1, "attemptStartedAt" = NULL, "version" = "version" + 1, "updatedAt" = (now() AT TIME ZONE 'UTC')
        WHERE "id" = $2 AND "version" = $3 AND "status" = 'RUNNING' RETURNING "id"`,
      [claimed.attempt - 1, stepRunId, claimed.version],
    );
    logger.warn({ stepRunId, attempt: claimed.attempt, released: released.length === 1, err: err instanceof Error ? err.message : String(err) }, "step failed unexpectedly after its claim");
  } catch (releaseErr) {
    logger.warn({ stepRunId, err: String(releaseErr) }, "claim not released; the run is taken over once stale");
  }
}

/** Runs `work` under a claim, giving the claim back when it throws (releaseClaim), then rethrows. */
async function underClaim<T>(stepRunId: string, claimed: Claim, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await releaseClaim(stepRunId, claimed, err);
    throw err;
  }
}

/**
 * The target host's breaker is open: take the step's onCircuitOpen branch, or wait (no attempt
 * spent) until it is due to half-open. A run created claimed (ctx.owned) goes back to PENDING.
 */
function deferForOpenCircuit(ctx: Ctx, step: HttpStep, actor: Actor, host: string, until: Date): Promise<StepResult> {
  const at = until.toISOString();
  const from = [ctx.stepRun.status];
  if (step.onCircuitOpen && !ctx.stepRun.compensationOf) {
    return transition("circuit open: fallback", (tx) =>
      finishStepInTx(tx, actor, ctx, from, {
        status: "FAILED",
        error: `Circuit open for ${host} until ${at}: took onCircuitOpen`,
        next: step.onCircuitOpen!,
        action: "step.circuit_open",
        auditAfter: { host, until: at, fallback: step.onCircuitOpen! },
        // No call was made: a run created claimed gives its attempt back.
        stepData: { circuitHost: host, ...(ctx.owned ? { attempts: ctx.stepRun.attempts - 1, attemptStartedAt: null } : {}) },
      }),
    );
  }
  // A little jitter so the steps queued behind one host do not all arrive at the probe together.
  const runAt = new Date(until.getTime() + 50 + Math.round(Math.random() * 450));
  const { stepRun } = ctx;
  return transition("circuit open: queued", async (tx) => {
    await updateStepRunIf(tx, { id: stepRun.id, version: stepRun.version, statuses: from }, {
      ...(ctx.owned ? { status: "PENDING", attempts: stepRun.attempts - 1, attemptStartedAt: null } : {}),
      nextAttemptAt: runAt,
      circuitHost: host,
      error: `Waiting: circuit open for ${host} until ${at}`,
    });
    await auditInTx(tx, actor, {
      action: "step.circuit_open",
      subjectType: "instance",
      subjectId: ctx.instance.id,
      instanceId: ctx.instance.id,
      after: { stepId: step.id, stepRunId: stepRun.id, host, until: at, queuedUntil: runAt.toISOString() },
    });
    await enqueueInTx(tx, {
      queue: QUEUES.engine,
      name: "run-step",
      jobId: `step.${stepRun.id}.c${stepRun.version + 1}`,
      payload: { instanceId: ctx.instance.id, stepRunId: stepRun.id },
      runAt,
    });
  });
}

/** What a call's result says about its host: an answer below 500 means the host is up. */
async function recordForBreaker(host: string | null, result: HttpAttemptResult): Promise<void> {
  if (!host) return;
  const up = result.ok || (result.status !== null && result.status < 500);
  await (up ? recordBreakerSuccess(host) : recordBreakerFailure(host, result.error)).catch((err: unknown) => logger.warn({ err: String(err), host }, "circuit breaker not updated"));
}

async function runHttp(ctx: Ctx, step: HttpStep, actor: Actor): Promise<StepResult> {
  const timeoutMs = parseDurationMs(step.timeout) ?? 10_000;
  // The breaker is asked before anything is claimed: an open one costs no attempt.
  const host = breakerHost(renderTemplate(step.url, scopeOf(ctx)));
  if (host && (ctx.stepRun.status === "PENDING" || ctx.owned)) {
    const gate = await acquireBreaker(host, timeoutMs + env().ENGINE_STALE_GRACE_MS);
    if (!gate.allowed) return deferForOpenCircuit(ctx, step, actor, host, gate.until);
  }
  const claimed = await claim(ctx, timeoutMs + env().ENGINE_STALE_GRACE_MS);
  if (claimed === "skip") return { done: `skipped (step ${ctx.stepRun.status})` };
  // Another worker is mid-call: let BullMQ retry this job later; by then it has finished or is stale.
  if (claimed === "busy") throw new Error(`step run ${ctx.stepRun.id} is running in another worker`);
  return underClaim(ctx.stepRun.id, claimed, () => callHttp(ctx, step, actor, host, claimed));
}

async function callHttp(ctx: Ctx, step: HttpStep, actor: Actor, host: string | null, claimed: Claim): Promise<StepResult> {
  const stepRun = { ...ctx.stepRun, status: "RUNNING" as const, version: claimed.version, attempts: claimed.attempt };
  // Named secrets are decrypted here, at call time, and nowhere else; a missing one fails the step
  // at once (no retry can fix it), naming the secret, never a value.
  const secrets = await resolveSecrets(secretNamesOfStep(step));
  if (!secrets.ok) {
    const error = `Step "${step.id}" cannot call its API: ${secrets.error}`;
    return transition("http failed (secret)", (tx) =>
      finishStepInTx(tx, actor, { ...ctx, stepRun }, ["RUNNING"], { status: "FAILED", error, next: null, action: "step.failed", auditAfter: { attempts: claimed.attempt } }),
    );
  }
  const started = new Date();
  const scope = scopeOf(ctx);
  const secretValues = Object.values(secrets.values);
  // Whatever the receiver answers (an echo of the headers, an error quoting them) is redacted
  // before it reaches the step run, the variables, the audit log or a log line.
  const result = redactAttemptResult(await performHttpAttempt(step, scope, idempotencyKeyFor(ctx.instance.id, step.id), secrets.values), secretValues);
  await recordForBreaker(host, result);
  const entry = {
    n: claimed.attempt,
    startedAt: started.toISOString(),
    endedAt: new Date().toISOString(),
    ms: result.ms,
    ok: result.ok,
    httpStatus: result.status,
    ...(result.ok ? {} : { error: result.error }),
  };
  const attemptLog = appendAttempt(ctx.stepRun.attemptLog, entry);
  const c = { ...ctx, stepRun };
  if (result.ok) {
    const assign = mapOutput(step.output, { status: result.status, body: result.body });
    return transition("http ok", (tx) =>
      finishStepInTx(tx, actor, c, ["RUNNING"], {
        status: "COMPLETED",
        output: { status: result.status, body: (result.body ?? null) as Prisma.InputJsonValue },
        assign,
        next: step.next ?? null,
        action: "step.completed",
        auditAfter: { attempts: claimed.attempt, httpStatus: result.status },
        stepData: { attemptLog },
      }),
    );
  }
  const maxAttempts = step.retries.max + 1;
  if (result.retryable && claimed.attempt < maxAttempts) {
    const delay = Math.min(
      Math.max(backoffDelayMs(step, claimed.attempt), result.retryAfterMs ?? 0),
      parseDurationMs(step.retries.maxBackoff) ?? 300_000,
    );
    const runAt = new Date(Date.now() + delay);
    return transition("http retry scheduled", async (tx) => {
      await updateStepRunIf(tx, { id: stepRun.id, version: stepRun.version, statuses: ["RUNNING"] }, {
        status: "PENDING",
        error: result.error,
        nextAttemptAt: runAt,
        attemptLog,
      });
        await auditInTx(tx, actor, {
        action: "step.attempt_failed",
        subjectType: "instance",
        subjectId: ctx.instance.id,
        instanceId: ctx.instance.id,
        after: { stepId: step.id, stepRunId: stepRun.id, attempt: claimed.attempt, of: maxAttempts, error: result.error, retryAt: runAt.toISOString() },
      });
      await enqueueInTx(tx, {
        queue: QUEUES.engine,
        name: "run-step",
        jobId: `step.${stepRun.id}.${claimed.attempt + 1}`,
        payload: { instanceId: ctx.instance.id, stepRunId: stepRun.id, attempt: claimed.attempt + 1 },
        runAt,
      });
    });
  }
  const error = `Step "${step.id}" failed after ${claimed.attempt} attempt${claimed.attempt === 1 ? "" : "s"}: ${result.error}`;
  return transition("http failed", (tx) =>
    finishStepInTx(tx, actor, c, ["RUNNING"], {
      status: "FAILED",
      error,
      next: (!ctx.stepRun.compensationOf && step.onError) || null,
      action: "step.failed",
      auditAfter: { attempts: claimed.attempt, httpStatus: result.status, fallback: (!ctx.stepRun.compensationOf && step.onError) || null },
      stepData: { attemptLog },
    }),
  );
}

function redactAttemptResult(result: HttpAttemptResult, values: string[]): HttpAttemptResult {
  if (values.length === 0) return result;
  return result.ok ? { ...result, body: redactValue(result.body, values) } : { ...result, error: redactText(result.error, values) };
}

async function runHuman(ctx: Ctx, step: HumanStep, actor: Actor): Promise<StepResult> {
  const claimed = await claim(ctx, HUMAN_STALE_MS);
  if (claimed === "skip") return { done: `skipped (step ${ctx.stepRun.status})` };
  if (claimed === "busy") throw new Error(`step run ${ctx.stepRun.id} is being started by another worker`);
  return underClaim(ctx.stepRun.id, claimed, () => createTaskAndWait(ctx, step, actor, claimed));
}

async function createTaskAndWait(ctx: Ctx, step: HumanStep, actor: Actor, claimed: Claim): Promise<StepResult> {
  const stepRun = { ...ctx.stepRun, status: "RUNNING" as const, version: claimed.version, attempts: claimed.attempt };
  const c = { ...ctx, stepRun };
  const scope = scopeOf(ctx);
  // A worker that died after creating the task left it behind: reuse it rather than make a second.
  // Only a run taken over from a dead worker (a second attempt) can already have its task.
  const existing: { id: string } | null =
    claimed.attempt > 1 ? ((await query<{ id: string }>(`SELECT "id" FROM "Task" WHERE "stepRunId" = $1 LIMIT 1`, [stepRun.id]))[0] ?? null) : null;
  const failed = (e: AppError) => {
    // A definition that names an unknown group or person: fail visibly, nobody would ever see the task.
    const error = `Step "${step.id}" could not create its task: ${e.message}`;
    return transition("human failed", (tx) => finishStepInTx(tx, actor, c, ["RUNNING"], { status: "FAILED", error, next: null, action: "step.failed" }));
  };
  let data: NewTask | null = null;
  if (!existing) {
    const context: Record<string, unknown> = {};
    for (const path of step.context) context[path] = getPath(scope, path) ?? null;
    const render = (t: string | undefined) => (t === undefined ? undefined : renderTemplate(t, scope).trim() || undefined);
    try {
      data = validateNewTask(actor, {
        title: render(step.title) ?? step.id,
        description: render(step.description),
        context,
        candidateGroup: render(step.candidateGroup),
        assignee: render(step.assignee),
        routing: step.routing,
        requestedBy: render(step.requestedBy),
        priority: step.priority,
        dueIn: step.due,
        escalation: step.escalation,
      }).data;
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      return failed(e);
    }
  }
  // The task and the step's WAITING commit together (ADR 016): on the worker's pool, unless the
  // task needs what only Prisma's transaction offers (a deadline, a decision table's routing).
  let created: CreatedTask | null = null;
  const body = async (tx: AnyTx) => {
    // The instance first (lock order instance → task, step run): the task's INSERT takes a key-share
    // lock on the instance, which two branches' transactions must not both hold before locking it.
    // Main flow: its guarded change to WAITING, from the state this job holds (as finishStepInTx
    // does); should it have moved meanwhile, or in a branch, lock it and look again.
    let waiting = false;
    if (!stepRun.parallelRunId && ctx.instance.status === "RUNNING") {
      try {
        await updateInstanceIf(tx, { id: ctx.instance.id, version: ctx.instance.version, statuses: ["RUNNING"] }, { status: "WAITING" });
        waiting = true;
      } catch (err) {
        if (!instanceMoved(err)) throw err;
      }
    }
    const inst = waiting ? null : await lockInstanceIn(tx, ctx.instance.id, ["RUNNING", "WAITING"]);
    created = data ? await insertTaskInTx(tx, actor, data, { instanceId: ctx.instance.id, stepRunId: stepRun.id }) : null;
    const taskId = created?.id ?? existing!.id;
    await updateStepRunIf(tx, { id: stepRun.id, version: stepRun.version, statuses: ["RUNNING"] }, { status: "WAITING", output: { taskId } });
    if (inst) await markWaitingInTx(tx, c, inst);
    await auditInTx(tx, actor, {
      action: "step.waiting",
      subjectType: "instance",
      subjectId: ctx.instance.id,
      instanceId: ctx.instance.id,
      taskId,
      after: { stepId: step.id, stepRunId: stepRun.id, status: "WAITING", taskId },
    });
  };
  let result: StepResult;
  try {
    result = data && newTaskNeedsPrisma(data) ? await prismaTransition("human waiting", body) : await transition("human waiting", body);
  } catch (e) {
    if (!isAppError(e) || e.status >= 500) throw e;
    return failed(e);
  }
  // Announced to open inboxes once committed (a stale transition rolled the task back).
  const task = created as CreatedTask | null;
  if (task && result.done === "human waiting") publishTaskEvent("task.created", task);
  return result;
}

/** A human step's task was decided: continue along the outcome's `next`. */
export async function onTaskDecided(taskId: string, requestId?: string): Promise<JobResult> {
  return continueInline(await taskDecided(taskId, requestId), requestId);
}

async function taskDecided(taskId: string, requestId?: string): Promise<StepResult> {
  const [row] = await query<Record<string, unknown>>(TASK_CTX, [taskId]);
  // No step run or instance joined (row["i.id"] null): a task created outside a process.
  if (!row || row["i.id"] == null) return { done: "skipped (not a process task)" };
  const task = {
    status: row["t.status"] as string,
    outcome: row["t.outcome"] as string | null,
    reason: row["t.reason"] as string | null,
    decidedBy: row["t.decidedBy"] as string | null,
    failedBySla: row["t.failedBySla"] as boolean,
  };
  const failedBySla = task.failedBySla;
  if (!failedBySla && (task.status !== "DECIDED" || !task.outcome)) return { done: `skipped (task ${task.status})` };
  const ctx = await ctxFromRow(row);
  if (!ctx || ctx.step.kind !== "human") return { done: "skipped (no human step)" };
  // The task can be decided before the worker that created it recorded WAITING: try again shortly.
  if (ctx.stepRun.status === "RUNNING" || ctx.stepRun.status === "PENDING") throw new Error(`step run ${ctx.stepRun.id} is not waiting yet`);
  if (ctx.stepRun.status !== "WAITING") return { done: `skipped (step ${ctx.stepRun.status})` };
  if (failedBySla) {
    // The escalation policy's last level: no decision in time fails the step (ADR 009).
    const error = `Step "${ctx.step.id}": ${task.reason ?? "no decision within the deadline"}`;
    return transition("human expired", (tx) => finishStepInTx(tx, engineActor(requestId), ctx, ["WAITING"], { status: "FAILED", error, next: null, action: "step.failed", auditAfter: { taskId } }));
  }
  const step = ctx.step;
  const outcome = task.outcome as "approve" | "reject";
  const decision = { outcome, reason: task.reason, decidedBy: task.decidedBy, taskId };
  const next = step.next[outcome];
  const compensate = outcome === "reject" && step.compensateOnReject;
  const actor = engineActor(requestId);
  return transition(`human ${outcome}`, (tx) =>
    finishStepInTx(tx, actor, ctx, ["WAITING"], {
      status: next || compensate ? "COMPLETED" : "FAILED",
      output: decision,
      error: next || compensate ? null : `Outcome "${outcome}" has no next step`,
      assign: [[step.id, decision]],
      next: next ?? null,
      compensate,
      action: next || compensate ? "step.completed" : "step.failed",
      auditAfter: { outcome, taskId, ...(compensate ? { compensate: true } : {}) },
    }),
  );
}

// ── wait for an event ─────────────────────────────────────────────────────────────────────────

export interface ReceivedEvent {
  id: string;
  eventId: string;
  source: string;
  type: string;
  subject: string | null;
  data: Prisma.JsonValue;
}

export function eventView(e: ReceivedEvent) {
  return { id: e.eventId, source: e.source, type: e.type, subject: e.subject, data: e.data };
}

/** Delivers an event to a waiting (or just starting) wait step, inside the caller's transaction. */
export async function deliverEventInTx(
  tx: AnyTx,
  actor: Actor,
  ctx: { instance: InstanceRef; stepRun: StepRunRef; doc: ProcessDocument; step: WaitStep },
  from: ("PENDING" | "WAITING")[],
  event: ReceivedEvent,
) {
  await rows(tx, Prisma.sql`UPDATE "EventReceipt" SET "consumedAt" = ${tsValue(new Date())}, "stepRunId" = ${ctx.stepRun.id} WHERE "id" = ${event.id}`);
  const view = eventView(event);
  const assign: Assignment[] = Object.keys(ctx.step.output).length > 0 ? mapOutput(ctx.step.output, view) : [[ctx.step.id, event.data]];
  return finishStepInTx(tx, actor, ctx, from, {
    status: "COMPLETED",
    output: view as Prisma.InputJsonObject,
    assign,
    next: ctx.step.next,
    action: "step.completed",
    auditAfter: { eventId: event.eventId, eventSource: event.source, eventType: event.type },
  });
}

async function startWait(ctx: Ctx, step: WaitStep, actor: Actor): Promise<StepResult> {
  const key = renderTemplate(step.correlationKey, scopeOf(ctx));
  const timeoutMs = step.timeout ? parseDurationMs(step.timeout) : null;
  return transition("wait", async (tx) => {
    await lockCorrelation(tx, step.event, key);
    // An event that arrived before this wait started is delivered now — once it has been processed
    // (result set): one still being processed finds this wait itself (both hold the correlation
    // lock), and a start event for the same type cannot be taken for a correlation.
    const [early] = await rows<ReceivedEvent>(
      tx,
      Prisma.sql`SELECT "id", "eventId", "source", "type", "subject", "data" FROM "EventReceipt"
        WHERE "type" = ${step.event} AND "correlationKey" = ${key} AND "consumedAt" IS NULL AND "result" IS NOT NULL
        ORDER BY "receivedAt" ASC LIMIT 1`,
    );
    const c = { ...ctx, step };
    if (early) return deliverEventInTx(tx, actor, c, ["PENDING"], early);
    const timeoutAt = timeoutMs !== null ? new Date(Date.now() + timeoutMs) : null;
    const inst = await lockInstanceIn(tx, ctx.instance.id, ["RUNNING", "WAITING"]);
    await updateStepRunIf(tx, { id: ctx.stepRun.id, version: ctx.stepRun.version, statuses: ["PENDING"] }, {
      status: "WAITING",
      waitEventType: step.event,
      correlationKey: key,
      timeoutAt,
    });
    await markWaitingInTx(tx, ctx, inst);
    await auditInTx(tx, actor, {
      action: "step.waiting",
      subjectType: "instance",
      subjectId: ctx.instance.id,
      instanceId: ctx.instance.id,
      after: { stepId: step.id, stepRunId: ctx.stepRun.id, status: "WAITING", event: step.event, correlationKey: key, timeoutAt: timeoutAt?.toISOString() ?? null },
    });
    if (timeoutAt) {
      await enqueueInTx(tx, {
        queue: QUEUES.engine,
        name: "wait-timeout",
        jobId: `wait-timeout.${ctx.stepRun.id}`,
        payload: { instanceId: ctx.instance.id, stepRunId: ctx.stepRun.id },
        runAt: timeoutAt,
      });
    }
  });
}

export async function onWaitTimeout(stepRunId: string, requestId?: string): Promise<JobResult> {
  return continueInline(await waitTimedOut(stepRunId, requestId), requestId);
}

async function waitTimedOut(stepRunId: string, requestId?: string): Promise<StepResult> {
  const ctx = await loadCtx(stepRunId);
  if (!ctx || ctx.step.kind !== "wait") return { done: "skipped (no wait step)" };
  if (ctx.stepRun.status !== "WAITING") return { done: `skipped (step ${ctx.stepRun.status})` };
  if (ctx.stepRun.timeoutAt && ctx.stepRun.timeoutAt.getTime() > Date.now() + 1000) throw new Error("wait-timeout job ran early");
  const step = ctx.step;
  const actor = engineActor(requestId);
  return transition("wait timed out", async (tx) => {
    await lockCorrelation(tx, step.event, ctx.stepRun.correlationKey ?? "");
    return finishStepInTx(tx, actor, ctx, ["WAITING"], {
      status: "COMPLETED",
      output: { timedOut: true },
      next: step.onTimeout ?? null,
      action: "step.timed_out",
    });
  });
}

