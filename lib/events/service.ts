import { HTTP, ValidationError, type CloudEventV1 } from "cloudevents";
import { db, type Prisma } from "../db";
import { AppError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { appendAuditEntry } from "../audit/service";
import { dispatchOutboxSoon } from "../outbox/service";
import { documentOf, versionsStartedBy } from "../processes/service";
import { stepById } from "../processes/definition";
import type { WaitStep } from "../processes/schemas";
import { deliverEventInTx } from "../engine/runner";
import { lockCorrelation, startInstanceInTx } from "../engine/transitions";
import { workerActor } from "../identity/actor";

// CloudEvents intake (POST /api/v1/events). An event either starts the processes that subscribe
// to its type, or correlates to an instance waiting for it; an event nobody waits for yet is kept
// and delivered when the wait starts. Intake is idempotent on (source, id).

export const MAX_EVENT_BYTES = 256 * 1024;

export interface IncomingEvent {
  id: string;
  source: string;
  type: string;
  subject: string | null;
  correlationKey: string | null;
  data: Prisma.InputJsonValue | null;
}

export interface EventResult {
  receiptId: string;
  outcome: "started" | "correlated" | "pending" | "ignored";
  instances?: { id: string; process: string; version: number }[];
  instanceId?: string;
  stepId?: string;
  correlationKey?: string | null;
  reason?: string;
}

const REQUIRED = ["specversion", "id", "source", "type"] as const;

/** Parses an HTTP request into a CloudEvent (structured or binary mode) with the cloudevents SDK. */
export function parseCloudEvent(headers: Headers, body: string): IncomingEvent {
  if (Buffer.byteLength(body, "utf8") > MAX_EVENT_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `An event must be at most ${MAX_EVENT_BYTES / 1024} KB.`);
  const plain: Record<string, string> = {};
  headers.forEach((v, k) => (plain[k.toLowerCase()] = v));
  const type = (plain["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/cloudevents-batch")) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Batched CloudEvents are not accepted; send one event per request.");
  const structured = type.startsWith("application/cloudevents+json");
  const binary = !structured && Boolean(plain["ce-id"] ?? plain["ce-specversion"] ?? plain["ce-type"] ?? plain["ce-source"]);
  if (!structured && !binary) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      "Send a CloudEvent: structured mode with content-type application/cloudevents+json, or binary mode with ce-specversion, ce-id, ce-source and ce-type headers.",
    );
  }
  if (structured) {
    let obj: unknown;
    try {
      obj = JSON.parse(body);
    } catch {
      throw new AppError("BAD_REQUEST", "The body is not valid JSON.");
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new AppError("BAD_REQUEST", "A structured CloudEvent is a JSON object.");
    const missing = REQUIRED.filter((a) => typeof (obj as Record<string, unknown>)[a] !== "string" || (obj as Record<string, string>)[a] === "");
    if (missing.length) throw new AppError("BAD_REQUEST", `The event is missing required attribute${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}.`, { details: { missing } });
    if ("data_base64" in obj) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Binary event data (data_base64) is not accepted; send JSON data.");
  } else {
    const missing = REQUIRED.filter((a) => !plain[`ce-${a}`]);
    if (missing.length) throw new AppError("BAD_REQUEST", `The event is missing required header${missing.length > 1 ? "s" : ""}: ${missing.map((m) => `ce-${m}`).join(", ")}.`, { details: { missing } });
    if (body.length > 0 && !/^application\/([a-z0-9.+-]*\+)?json\b/.test(type)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Binary-mode event data must be JSON (content-type application/json).");
    }
  }
  let event: CloudEventV1<unknown>;
  try {
    const parsed = HTTP.toEvent({ headers: plain, body });
    if (Array.isArray(parsed)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Batched CloudEvents are not accepted; send one event per request.");
    event = parsed as CloudEventV1<unknown>;
    // The SDK builds events leniently; validate against the 1.0 spec here.
    (event as unknown as { validate(): boolean }).validate();
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof ValidationError || e instanceof SyntaxError || e instanceof TypeError) {
      const errors = e instanceof ValidationError ? (e.errors as unknown[]).map((x) => (typeof x === "string" ? x : JSON.stringify(x))) : [];
      throw new AppError("BAD_REQUEST", `Not a valid CloudEvent: ${e.message.split("\n")[0]}`, { details: { reasons: errors.slice(0, 10) } });
    }
    throw e;
  }
  if (event.specversion !== "1.0") throw new AppError("BAD_REQUEST", `Only CloudEvents 1.0 is accepted (specversion "${event.specversion}").`);
  let data = (event.data ?? null) as unknown;
  if (typeof data === "string" && binary && body.length > 0) {
    try {
      data = JSON.parse(data);
    } catch {
      throw new AppError("BAD_REQUEST", "The event data is not valid JSON.");
    }
  }
  const ext = (event as unknown as Record<string, unknown>).correlationkey;
  const subject = typeof event.subject === "string" && event.subject ? event.subject : null;
  return {
    id: event.id,
    source: event.source,
    type: event.type,
    subject,
    correlationKey: typeof ext === "string" && ext ? ext : subject,
    data: data as Prisma.InputJsonValue | null,
  };
}

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
