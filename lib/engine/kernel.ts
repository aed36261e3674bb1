import { query, transaction, type Row, type Tx } from "../db";
import { AppError } from "../errors";
import { workerActor, type Actor } from "../identity/actor";
import { logger } from "../logger";
import { stepById } from "../processes/definition";
import { getPath } from "../paths";
import type { ProcessDocument, Step } from "../processes/schemas";
import { lockInstanceIn, refreshActivity, StaleTransition, scopeForRun, updateInstanceIf, type Assignment, type InstanceRef, type StepRunRef } from "./store";
import type { Advanced } from "./transitions";

// What every step kind stands on: the context a job loads (the step run, its instance and its
// definition), the one way to commit a transition, and claims on runs a worker works on.

/** What one step did: a transition committed (and the run it created to run next), or nothing to do. */
export type StepResult = { kind: "moved"; what: string; next: string | null; carried?: Advanced["carried"] } | { kind: "skipped"; why: string };

/** What an engine job did: each step it ran, in order, and the run it handed to a job of its own. */
export interface JobResult {
  steps: ({ kind: "moved"; what: string } | { kind: "skipped"; why: string })[];
  queued?: { stepRunId: string; why: string };
}

export const moved = (what: string): StepResult => ({ kind: "moved", what, next: null });
export const skipped = (why: string): StepResult => ({ kind: "skipped", why });

/** One line for the log: "set → human waiting", "skipped (instance COMPLETED)". */
export function describeJob(r: JobResult): string {
  const parts = r.steps.map((s) => (s.kind === "moved" ? s.what : `skipped (${s.why})`));
  if (r.queued) parts.push(`queued (${r.queued.why})`);
  return parts.join(" → ");
}

export const engineActor = (requestId?: string): Actor => workerActor("engine", requestId);

type DefinitionRef = Pick<Row<"ProcessDefinition">, "id" | "key" | "version" | "document">;

export interface Ctx {
  instance: InstanceRef & { definition: DefinitionRef };
  stepRun: StepRunRef & Partial<Pick<Row<"StepRun">, "timeoutAt" | "waitEventType" | "correlationKey">>;
  doc: ProcessDocument;
  step: Step;
  /** The worker runs the next step run itself (finishStepInTx writes no job for it). */
  inline: boolean;
  /** This worker's own transition created the run claimed (RUNNING, attempt 1): no claim to make (ADR 016). */
  owned: boolean;
}

// A published version never changes (only its status does, which the engine does not read here),
// so its document is read once per process and kept by id.
const definitions = new Map<string, DefinitionRef>();

async function definitionById(id: string): Promise<DefinitionRef | null> {
  const hit = definitions.get(id);
  if (hit) return hit;
  const [found] = await query<DefinitionRef>(`SELECT "id", "key", "version", "document" FROM "ProcessDefinition" WHERE "id" = $1`, [id]);
  if (!found) return null;
  if (definitions.size >= 1_000) definitions.delete(definitions.keys().next().value!);
  definitions.set(id, found);
  return found;
}

// The step run and its instance in one prepared statement, the instance's columns as "i.<column>".
const INSTANCE_COLUMNS = ["id", "definitionId", "businessKey", "status", "variables", "version", "startedById"] as const satisfies readonly (keyof Row<"ProcessInstance">)[];
export const INSTANCE_SELECT = INSTANCE_COLUMNS.map((c) => `i."${c}" AS "i.${c}"`).join(", ");
const LOAD_CTX = `SELECT sr.*, ${INSTANCE_SELECT} FROM "StepRun" sr JOIN "ProcessInstance" i ON i."id" = sr."instanceId" WHERE sr."id" = $1`;

export async function loadCtx(stepRunId: string, inline = true): Promise<Ctx | null> {
  const [row] = await query<Record<string, unknown>>(LOAD_CTX, [stepRunId]);
  return row ? ctxFromRow(row, inline) : null;
}

/** A row of the step run's columns and the instance's as "i.<column>" (others ignored) as a Ctx. */
export async function ctxFromRow(row: Record<string, unknown>, inline = true): Promise<Ctx | null> {
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

/** The next run's context from what its transition wrote: no read but the (cached) definition. */
export async function ctxFromCarried(carried: NonNullable<Advanced["carried"]>): Promise<Ctx | null> {
  const definition = await definitionById(carried.instance.definitionId);
  if (!definition) return null;
  const doc = definition.document as unknown as ProcessDocument;
  const step = stepById(doc, carried.stepRun.stepId);
  if (!step) return null;
  const stepRun = { ...carried.stepRun, attemptStartedAt: carried.stepRun.attemptStartedAt ?? null };
  return { instance: { ...carried.instance, definition }, stepRun, doc, step, inline: true, owned: stepRun.status === "RUNNING" };
}

/**
 * Commits `fn` as one transition (batched, ADR 016: a transition that only writes commits as one
 * statement; a conflict in it runs it again unbatched). A lost race is "skipped"; when `fn`
 * advanced to a next step run, it is returned for the caller to run inline.
 */
export async function transition(what: string, fn: (tx: Tx) => Promise<unknown>): Promise<StepResult> {
  let advanced: Advanced | null = null;
  try {
    await transaction(
      async (tx) => {
        const out = await fn(tx);
        advanced = out && typeof out === "object" && "nextStepRunId" in out ? (out as Advanced) : null;
      },
      { batched: true },
    );
  } catch (e) {
    if (e instanceof StaleTransition) return skipped(`${what}: already moved on`);
    throw e;
  }
  const a = advanced as Advanced | null;
  return { kind: "moved", what, next: a?.nextStepRunId ?? null, carried: a?.carried };
}

export function mapOutput(mapping: Record<string, string>, source: unknown): Assignment[] {
  return Object.entries(mapping).map(([name, path]) => [name, getPath(source, path) ?? null]);
}

/** What a step's templates and conditions see (its branch's writes included). */
export const variablesOf = (ctx: Pick<Ctx, "instance" | "stepRun">) => scopeForRun(ctx.instance, ctx.stepRun, ctx.instance.definition);

/** The run now waits (for a person, an event): the instance waits too, unless another branch is busy. */
export async function markWaitingInTx(tx: Tx, ctx: Pick<Ctx, "instance" | "stepRun">, locked?: InstanceRef): Promise<void> {
  const inst = locked ?? (await lockInstanceIn(tx, ctx.instance.id, ["RUNNING", "WAITING"]));
  if (ctx.stepRun.parallelRunId) await refreshActivity(tx, inst);
  else if (inst.status !== "WAITING") await updateInstanceIf(tx, { id: inst.id, version: inst.version, statuses: ["RUNNING", "WAITING"] }, { status: "WAITING" });
}

// ── claims ─────────────────────────────────────────────────────────────────────────────────────

/** A run this worker holds: the run's version after the claim and the attempt it is on. */
export type Claim = { version: number; attempt: number };

/** Claims the step for this worker: PENDING → RUNNING, or takes over a RUNNING step whose worker died. */
export async function claim(ctx: Ctx, staleAfterMs: number): Promise<Claim | "skip" | "busy"> {
  const { stepRun } = ctx;
  if (ctx.owned) return { version: stepRun.version, attempt: stepRun.attempts };
  const stale = stepRun.status === "RUNNING" && (!stepRun.attemptStartedAt || Date.now() - stepRun.attemptStartedAt.getTime() > staleAfterMs);
  if (stepRun.status !== "PENDING" && !stale) return stepRun.status === "RUNNING" ? "busy" : "skip";
  const attempt = stepRun.attempts + 1;
  // One guarded UPDATE, without a transaction around a single statement.
  const claimed = await query<{ id: string }>(
    `UPDATE "StepRun" SET "status" = 'RUNNING', "attempts" = $1, "attemptStartedAt" = ($2::timestamptz AT TIME ZONE 'UTC'), "nextAttemptAt" = NULL,
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
 * again with its attempt returned, so the retry claims it at once instead of finding it "busy"
 * until stale (ADR 017). Guarded by the claim's version: if the failed transaction did commit
 * after all, nothing changes here. A release that fails leaves the run to be taken over once stale.
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
export async function underClaim<T>(stepRunId: string, claimed: Claim, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await releaseClaim(stepRunId, claimed, err);
    throw err;
  }
}
