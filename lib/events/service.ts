import { db, type Prisma } from "../db";
import type { EventResult, IncomingEvent } from "./parse";
import { requirePermission, workerActor, type Actor } from "../identity/actor";
import { appendAuditEntry } from "../audit/service";
import { dispatchOutboxSoon } from "../outbox/service";
import { documentOf, versionsStartedBy } from "../processes/service";
import { stepById } from "../processes/definition";
import type { WaitStep } from "../processes/schemas";
import { deliverEventInTx } from "../engine/runner";
import { lockCorrelation, startInstanceInTx } from "../engine/transitions";

// CloudEvents intake (POST /api/v1/events). An event either starts the processes that subscribe
// to its type, or correlates to an instance waiting for it; an event nobody waits for yet is kept
// and delivered when the wait starts. Intake is idempotent on (source, id).

function variablesFrom(data: Prisma.InputJsonValue | null): Record<string, unknown> {
  if (data && typeof data === "object" && !Array.isArray(data)) return data as Record<string, unknown>;
  return data === null ? {} : { data };
}

/**
 * Records the event once per (source, id) and acts on it in the same transaction. A concurrent
 * duplicate blocks on the unique index until the first commits, then answers with its result.
 */
export async function receiveEvent(actor: Actor, ev: IncomingEvent): Promise<{ duplicate: boolean; result: EventResult }> {
  requirePermission(actor, "events:write");
  const outcome = await db().$transaction(async (tx) => {
    const claimed = await tx.eventReceipt.createMany({
      data: [{ source: ev.source, eventId: ev.id, type: ev.type, subject: ev.subject, correlationKey: ev.correlationKey, data: ev.data ?? undefined }],
      skipDuplicates: true,
    });
    const receipt = await tx.eventReceipt.findUniqueOrThrow({ where: { source_eventId: { source: ev.source, eventId: ev.id } } });
    if (claimed.count === 0) return { duplicate: true, result: receipt.result as unknown as EventResult };

    let result: EventResult;
    const starts = await versionsStartedBy(tx, ev.type);
    if (starts.length > 0) {
      const instances: NonNullable<EventResult["instances"]> = [];
      for (const def of starts) {
        const { instance } = await startInstanceInTx(tx, actor, { id: def.id, key: def.key, version: def.version, document: documentOf(def) }, {
          variables: variablesFrom(ev.data),
          businessKey: ev.correlationKey,
          startEventId: receipt.id,
        });
        instances.push({ id: instance.id, process: def.key, version: def.version });
      }
      await tx.eventReceipt.update({ where: { id: receipt.id }, data: { consumedAt: new Date() } });
      result = { receiptId: receipt.id, outcome: "started", instances };
    } else if (ev.correlationKey) {
      await lockCorrelation(tx, ev.type, ev.correlationKey);
      const waiting = await tx.stepRun.findFirst({
        where: { waitEventType: ev.type, correlationKey: ev.correlationKey, status: "WAITING" },
        orderBy: { startedAt: "asc" },
        include: { instance: { include: { definition: true } } },
      });
      const step = waiting ? stepById(documentOf(waiting.instance.definition), waiting.stepId) : undefined;
      if (waiting && step?.kind === "wait") {
        const doc = documentOf(waiting.instance.definition);
        await deliverEventInTx(tx, workerActor("engine", actor.requestId), { instance: waiting.instance, stepRun: waiting, doc, step: step as WaitStep }, ["WAITING"], {
          ...receipt,
          data: receipt.data,
        });
        result = { receiptId: receipt.id, outcome: "correlated", instanceId: waiting.instanceId, stepId: waiting.stepId, correlationKey: ev.correlationKey };
      } else {
        // Nobody waits yet: kept, and delivered when a matching wait step starts.
        result = { receiptId: receipt.id, outcome: "pending", correlationKey: ev.correlationKey };
      }
    } else {
      result = { receiptId: receipt.id, outcome: "ignored", reason: `No process starts on "${ev.type}" and the event has no subject or correlationkey to correlate it.` };
    }
    await tx.eventReceipt.update({ where: { id: receipt.id }, data: { result: result as unknown as Prisma.InputJsonObject } });
    await appendAuditEntry(tx, actor, {
      action: "event.received",
      subjectType: "event",
      subjectId: receipt.id,
      instanceId: result.instanceId ?? result.instances?.[0]?.id ?? null,
      after: { source: ev.source, id: ev.id, type: ev.type, subject: ev.subject, outcome: result.outcome },
    });
    return { duplicate: false, result };
  });
  if (!outcome.duplicate) dispatchOutboxSoon();
  return outcome;
}
