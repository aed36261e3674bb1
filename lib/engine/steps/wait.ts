import { sql, ts, type Row, type Tx } from "../../db";
import { env } from "../../env";
import type { Actor } from "../../identity/actor";
import { renderTemplate } from "../../processes/expressions";
import { parseDurationMs } from "../../duration";
import type { ProcessDocument, WaitStep } from "../../processes/schemas";
import { QUEUES } from "../../queues";
import { engineActor, loadCtx, mapOutput, markWaitingInTx, skipped, transition, variablesOf, type Ctx, type StepResult } from "../kernel";
import { lockCorrelation, lockInstanceIn, updateStepRunIf, type Assignment, type InstanceRef, type StepRunRef } from "../store";
import { finishStepInTx } from "../transitions";

// A wait step: the instance waits for an event of a type with a correlation key (or times out).
// An event that arrived first is kept and delivered when the wait starts (lib/events).

/** Events received before this were kept for correlation too long: expired, no wait takes them (EVENT_PENDING_TTL_HOURS). */
export function pendingEventCutoff(now = Date.now()): Date {
  return new Date(now - env().EVENT_PENDING_TTL_HOURS * 3_600_000);
}

export type ReceivedEvent = Pick<Row<"EventReceipt">, "id" | "eventId" | "source" | "type" | "subject" | "data">;

function eventView(e: ReceivedEvent) {
  return { id: e.eventId, source: e.source, type: e.type, subject: e.subject, data: e.data };
}

/** Delivers an event to a waiting (or just starting) wait step, inside the caller's transaction. */
export async function deliverEventInTx(
  tx: Tx,
  actor: Actor,
  ctx: { instance: InstanceRef; stepRun: StepRunRef; doc: ProcessDocument; step: WaitStep },
  from: ("PENDING" | "WAITING")[],
  event: ReceivedEvent,
) {
  // Keyed: the event's own processing writes the receipt's result after this (lib/events/service.ts).
  await tx.update("EventReceipt", { consumedAt: new Date(), stepRunId: ctx.stepRun.id }, sql`"id" = ${event.id}`, { key: `EventReceipt:${event.id}` });
  const view = eventView(event);
  const assign: Assignment[] = Object.keys(ctx.step.output).length > 0 ? mapOutput(ctx.step.output, view) : [[ctx.step.id, event.data]];
  return finishStepInTx(tx, actor, ctx, from, {
    status: "COMPLETED",
    output: view,
    assign,
    next: ctx.step.next,
    action: "step.completed",
    auditAfter: { eventId: event.eventId, eventSource: event.source, eventType: event.type },
  });
}

export async function run(ctx: Ctx, step: WaitStep, actor: Actor): Promise<StepResult> {
  if (ctx.stepRun.status !== "PENDING") return skipped(`step ${ctx.stepRun.status}`);
  const key = renderTemplate(step.correlationKey, variablesOf(ctx));
  const timeoutMs = step.timeout ? parseDurationMs(step.timeout) : null;
  return transition("wait", async (tx) => {
    await lockCorrelation(tx, step.event, key);
    // An event that arrived before this wait started is delivered now — once it has been processed
    // (result set): one still being processed finds this wait itself (both hold the correlation
    // lock), and a start event for the same type cannot be taken for a correlation.
    const [early] = await tx.query<ReceivedEvent>(
      sql`SELECT "id", "eventId", "source", "type", "subject", "data" FROM "EventReceipt"
        WHERE "type" = ${step.event} AND "correlationKey" = ${key} AND "consumedAt" IS NULL AND "result" IS NOT NULL
          AND "receivedAt" > ${ts(pendingEventCutoff())} AND (${step.source ?? null}::text IS NULL OR "source" = ${step.source ?? null})
        ORDER BY "receivedAt" ASC LIMIT 1`,
    );
    if (early) return deliverEventInTx(tx, actor, { ...ctx, step }, ["PENDING"], early);
    const timeoutAt = timeoutMs !== null ? new Date(Date.now() + timeoutMs) : null;
    const inst = await lockInstanceIn(tx, ctx.instance.id, ["RUNNING", "WAITING"]);
    await updateStepRunIf(tx, { id: ctx.stepRun.id, version: ctx.stepRun.version, statuses: ["PENDING"] }, { status: "WAITING", waitEventType: step.event, waitEventSource: step.source ?? null, correlationKey: key, timeoutAt });
    await markWaitingInTx(tx, ctx, inst);
    tx.audit(actor, {
      action: "step.waiting",
      subjectType: "instance",
      subjectId: ctx.instance.id,
      instanceId: ctx.instance.id,
      after: { stepId: step.id, stepRunId: ctx.stepRun.id, status: "WAITING", event: step.event, source: step.source ?? null, correlationKey: key, timeoutAt: timeoutAt?.toISOString() ?? null },
    });
    if (timeoutAt) {
      tx.enqueue({ queue: QUEUES.engine, name: "wait-timeout", jobId: `wait-timeout.${ctx.stepRun.id}`, payload: { instanceId: ctx.instance.id, stepRunId: ctx.stepRun.id }, runAt: timeoutAt });
    }
  });
}

/** The wait's timeout job: continue along `onTimeout` if no event came. */
export async function timedOut(stepRunId: string, requestId?: string): Promise<StepResult> {
  const ctx = await loadCtx(stepRunId);
  if (!ctx || ctx.step.kind !== "wait") return skipped("no wait step");
  if (ctx.stepRun.status !== "WAITING") return skipped(`step ${ctx.stepRun.status}`);
  if (ctx.stepRun.timeoutAt && ctx.stepRun.timeoutAt.getTime() > Date.now() + 1000) throw new Error("wait-timeout job ran early");
  const step = ctx.step;
  return transition("wait timed out", async (tx) => {
    await lockCorrelation(tx, step.event, ctx.stepRun.correlationKey ?? "");
    return finishStepInTx(tx, engineActor(requestId), ctx, ["WAITING"], { status: "COMPLETED", output: { timedOut: true }, next: step.onTimeout ?? null, action: "step.timed_out" });
  });
}
