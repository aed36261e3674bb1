import { env } from "../../env";
import type { Actor } from "../../identity/actor";
import { logger } from "../../logger";
import { renderTemplate } from "../../processes/expressions";
import { parseDurationMs } from "../../duration";
import type { HttpStep } from "../../processes/schemas";
import { secretNamesOfStep } from "../../processes/secret-refs";
import { resolveSecrets } from "../../secrets/service";
import { redactText, redactValue } from "../../secrets/redact";
import { acquireBreaker, breakerHost, recordBreakerFailure, recordBreakerSuccess } from "../circuit-breaker";
import { backoffDelayMs, idempotencyKeyFor, performHttpAttempt, type HttpAttemptResult } from "../http-call";
import { claim, mapOutput, skipped, transition, underClaim, variablesOf, type Claim, type Ctx, type StepResult } from "../kernel";
import { appendAttempt, runStepMessage, updateStepRunIf } from "../store";
import { finishStepInTx } from "../transitions";

// An HTTP step: a call to another system's API with a timeout, retries with backoff, the target
// host's circuit breaker, a fallback branch, and named secrets decrypted only for the call.

export async function run(ctx: Ctx, step: HttpStep, actor: Actor): Promise<StepResult> {
  const timeoutMs = parseDurationMs(step.timeout) ?? 10_000;
  // The breaker is asked before anything is claimed: an open one costs no attempt.
  const host = breakerHost(renderTemplate(step.url, variablesOf(ctx)));
  if (host && (ctx.stepRun.status === "PENDING" || ctx.owned)) {
    const gate = await acquireBreaker(host, timeoutMs + env().ENGINE_STALE_GRACE_MS);
    if (!gate.allowed) return deferForOpenCircuit(ctx, step, actor, host, gate.until);
  }
  const claimed = await claim(ctx, timeoutMs + env().ENGINE_STALE_GRACE_MS);
  if (claimed === "skip") return skipped(`step ${ctx.stepRun.status}`);
  // Another worker is mid-call: let BullMQ retry this job later; by then it has finished or is stale.
  if (claimed === "busy") throw new Error(`step run ${ctx.stepRun.id} is running in another worker`);
  return underClaim(ctx.stepRun.id, claimed, () => call(ctx, step, actor, host, claimed));
}

async function call(ctx: Ctx, step: HttpStep, actor: Actor, host: string | null, claimed: Claim): Promise<StepResult> {
  const stepRun = { ...ctx.stepRun, status: "RUNNING" as const, version: claimed.version, attempts: claimed.attempt };
  const running = { ...ctx, stepRun };
  // Named secrets are decrypted here, at call time, and nowhere else; a missing one fails the step
  // at once (no retry can fix it), naming the secret, never a value.
  const secrets = await resolveSecrets(secretNamesOfStep(step));
  if (!secrets.ok) {
    const error = `Step "${step.id}" cannot call its API: ${secrets.error}`;
    return transition("http failed (secret)", (tx) =>
      finishStepInTx(tx, actor, running, ["RUNNING"], { status: "FAILED", error, next: null, action: "step.failed", auditAfter: { attempts: claimed.attempt } }),
    );
  }
  const started = new Date();
  const secretValues = Object.values(secrets.values);
  // Whatever the receiver answers (an echo of the headers, an error quoting them) is redacted
  // before it reaches the step run, the variables, the audit log or a log line.
  const result = redact(await performHttpAttempt(step, variablesOf(ctx), idempotencyKeyFor(ctx.instance.id, step.id), secrets.values, secrets.hosts), secretValues);
  await recordForBreaker(host, result);
  const entry = { n: claimed.attempt, startedAt: started.toISOString(), endedAt: new Date().toISOString(), ms: result.ms, ok: result.ok, httpStatus: result.status, ...(result.ok ? {} : { error: result.error }) };
  const attemptLog = appendAttempt(ctx.stepRun.attemptLog, entry);
  if (result.ok) {
    return transition("http ok", (tx) =>
      finishStepInTx(tx, actor, running, ["RUNNING"], {
        status: "COMPLETED",
        output: { status: result.status, body: result.body ?? null },
        assign: mapOutput(step.output, { status: result.status, body: result.body }),
        next: step.next ?? null,
        action: "step.completed",
        auditAfter: { attempts: claimed.attempt, httpStatus: result.status },
        stepData: { attemptLog },
      }),
    );
  }
  const maxAttempts = step.retries.max + 1;
  if (result.retryable && claimed.attempt < maxAttempts) {
    const delay = Math.min(Math.max(backoffDelayMs(step, claimed.attempt), result.retryAfterMs ?? 0), parseDurationMs(step.retries.maxBackoff) ?? 300_000);
    const runAt = new Date(Date.now() + delay);
    return transition("http retry scheduled", async (tx) => {
      await updateStepRunIf(tx, { id: stepRun.id, version: stepRun.version, statuses: ["RUNNING"] }, { status: "PENDING", error: result.error, nextAttemptAt: runAt, attemptLog });
      tx.audit(actor, {
        action: "step.attempt_failed",
        subjectType: "instance",
        subjectId: ctx.instance.id,
        instanceId: ctx.instance.id,
        after: { stepId: step.id, stepRunId: stepRun.id, attempt: claimed.attempt, of: maxAttempts, error: result.error, retryAt: runAt.toISOString() },
      });
      tx.enqueue(runStepMessage(ctx.instance.id, stepRun.id, { suffix: `.${claimed.attempt + 1}`, attempt: claimed.attempt + 1, runAt }));
    });
  }
  const error = `Step "${step.id}" failed after ${claimed.attempt} attempt${claimed.attempt === 1 ? "" : "s"}: ${result.error}`;
  const fallback = (!ctx.stepRun.compensationOf && step.onError) || null;
  return transition("http failed", (tx) =>
    finishStepInTx(tx, actor, running, ["RUNNING"], {
      status: "FAILED",
      error,
      next: fallback,
      action: "step.failed",
      auditAfter: { attempts: claimed.attempt, httpStatus: result.status, fallback },
      stepData: { attemptLog },
    }),
  );
}

function redact(result: HttpAttemptResult, values: string[]): HttpAttemptResult {
  if (values.length === 0) return result;
  return result.ok ? { ...result, body: redactValue(result.body, values) } : { ...result, error: redactText(result.error, values) };
}

/** What a call's result says about its host: an answer below 500 means the host is up. */
async function recordForBreaker(host: string | null, result: HttpAttemptResult): Promise<void> {
  if (!host) return;
  const up = result.ok || (result.status !== null && result.status < 500);
  await (up ? recordBreakerSuccess(host) : recordBreakerFailure(host, result.error)).catch((err: unknown) => logger.warn({ err: String(err), host }, "circuit breaker not updated"));
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
    tx.audit(actor, {
      action: "step.circuit_open",
      subjectType: "instance",
      subjectId: ctx.instance.id,
      instanceId: ctx.instance.id,
      after: { stepId: step.id, stepRunId: stepRun.id, host, until: at, queuedUntil: runAt.toISOString() },
    });
    tx.enqueue(runStepMessage(ctx.instance.id, stepRun.id, { suffix: `.c${stepRun.version + 1}`, runAt }));
  });
}
