import { randomUUID } from "node:crypto";
import { query, raw, sql, transaction, type Row, type Tx } from "../db";
import { QUEUES } from "../queues";
import type { EventResult, IncomingEvent } from "./parse";
import { AppError } from "../errors";
import type { EventReceiptDto } from "./schemas";
import { mayPostEvent, mayStartProcess, principalId, requirePermission, requireProcessGrant, workerActor, type Actor } from "../identity/actor";
import { actorFromTokenJson } from "../identity/service";
import { tokenJsonSql, type TokenJson } from "../identity/repository";
import { permissionsFor, type RoleName } from "../identity/permissions";
import { documentOf, versionsStartedBy, versionsStartedByColumn, type StartedVersion } from "../processes/service";
import { stepById } from "../processes/definition";
import type { WaitStep } from "../processes/schemas";
import { deliverEventInTx, lockCorrelation, startInstanceInTx, type Advanced, type InstanceRef, type StepRunRef } from "../engine";

type EventReceipt = Row<"EventReceipt">;

// CloudEvents intake (POST /api/v1/events). An event either starts the processes that subscribe
// to its type, or correlates to an instance waiting for it; an event nobody waits for yet is kept
// and delivered when the wait starts. Intake is idempotent on (source, id).
//
// Two steps, each its own transaction: ACCEPT records the receipt, its audit entry and a
// `process-event` job in ONE statement (the durable hand-off: nothing is lost if the process dies
// right after), and PROCESS starts or correlates it under a row lock on the receipt, writing the
// result there. By default the request does both and answers with the result; a producer that
// sends `Prefer: respond-async` gets 202 once the event is accepted and the worker processes it
// (the high-rate path, ADR 014). Processing twice is harmless: the second finds the result.

function variablesFrom(data: unknown): Record<string, unknown> {
  if (data && typeof data === "object" && !Array.isArray(data)) return data as Record<string, unknown>;
  return data === null ? {} : { data };
}

export interface Accepted {
  receiptId: string;
  /** False for the first request with this (source, id); true for every later one. */
  duplicate: boolean;
  /** The processing result, once there is one. */
  result: EventResult | null;
}

/** Who posted the event, as the worker needs it to attribute what the event causes. */
function byOf(actor: Actor) {
  if (actor.type !== "USER" && actor.type !== "TOKEN") return undefined;
  // A person's token: its owner starts the instances (and is their tasks' requester) on either path.
  return { type: actor.type, id: actor.id, name: actor.name, ...(actor.owner?.kind === "PERSON" ? { ownerId: actor.owner.id } : {}) };
}

/**
 * M13: a service account posts only the `source type` pairs it is granted ("source *": any type
 * from that source). People's tokens (admins: events:write) are not narrowed further.
 */
async function assertMayPost(actor: Actor, ev: IncomingEvent): Promise<void> {
  if (actor.type !== "TOKEN" || actor.owner?.kind !== "SERVICE") return;
  if (!mayPostEvent(actor, ev.source, ev.type)) {
    throw new AppError("FORBIDDEN", `${actor.owner!.name} may not post events of type ${ev.type} from source ${ev.source}.`, { details: { source: ev.source, type: ev.type } });
  }
  // Nor start a process it is not granted, by an event that would.
  const starts = await transaction((tx) => versionsStartedBy(tx, ev.type));
  for (const def of starts) requireProcessGrant(actor, def.key);
}

/** Who posted an event, as its receipt records it: the person or token, and whose rights applied. */
function posterOf(actor: Actor): { type: string | null; id: string | null; principalId: string | null } {
  if (actor.type !== "USER" && actor.type !== "TOKEN") return { type: null, id: null, principalId: null };
  return { type: actor.type, id: actor.id, principalId: principalId(actor) };
}

/**
 * Whether an actor may see a receipt: the token that posted it, the person who posted it (or
 * whose token did), or an admin. Producers cannot read each other's receipts (issue #18).
 */
function mayReadReceipt(actor: Actor, r: { postedByType: string | null; postedById: string | null; postedByPrincipalId: string | null }): boolean {
  if (actor.type === "USER" && actor.role === "ADMIN") return true;
  if (actor.type === "TOKEN") return r.postedByType === "TOKEN" && r.postedById === actor.id;
  if (actor.type === "USER") return r.postedByPrincipalId === actor.id;
  return false;
}

/** A replay of an event comes from its first producer: the same token, or the same person's session. */
function sameProducer(by: ReturnType<typeof posterOf>, first: { postedByType: string | null; postedById: string | null; postedByPrincipalId: string | null }): boolean {
  if (by.type === null) return first.postedByType === null;
  if (by.type === "TOKEN") return first.postedByType === "TOKEN" && first.postedById === by.id;
  return by.principalId !== null && first.postedByType === "USER" && first.postedByPrincipalId === by.principalId;
}

/** The event was accepted before: this request is a duplicate. */
class Duplicate extends Error {}

/**
 * Records the event once per (source, id) with its audit entry and its `process-event` job, in
 * one statement. A concurrent duplicate waits on the unique index until the first commits.
 */
export async function acceptEvent(actor: Actor, ev: IncomingEvent): Promise<Accepted> {
  requirePermission(actor, "events:write");
  await assertMayPost(actor, ev);
  const id = randomUUID();
  const data = ev.data === null || ev.data === undefined ? null : JSON.stringify(ev.data);
  const by = posterOf(actor);
  const accepted = await transaction(
    async (tx) => {
      // Exactly one row, or (a duplicate) nothing at all: a batched transaction writes this, the
      // audit entry and the job as one statement, and a conflict reruns it unbatched, where the
      // missing row says "duplicate".
      await tx.write(
        sql`INSERT INTO "EventReceipt" ("id", "source", "eventId", "type", "subject", "correlationKey", "data", "receivedAt", "postedByType", "postedById", "postedByPrincipalId")
          VALUES (${id}, ${ev.source}, ${ev.id}, ${ev.type}, ${ev.subject ?? null}, ${ev.correlationKey ?? null}, ${data}::jsonb, (now() AT TIME ZONE 'UTC'),
                  ${by.type}, ${by.id}, ${by.principalId})
          ON CONFLICT ("source", "eventId") DO NOTHING`,
        { expect: 1, stale: () => new Duplicate() },
      );
      tx.audit(actor, { action: "event.received", subjectType: "event", subjectId: id, after: { source: ev.source, id: ev.id, type: ev.type, subject: ev.subject ?? null } });
      tx.enqueue({ queue: QUEUES.engine, name: "process-event", jobId: `event.${id}`, payload: { receiptId: id, by: byOf(actor), requestId: actor.requestId } });
      return true;
    },
    { batched: true, awaitHandOff: false },
  ).catch((e: unknown) => {
    if (e instanceof Duplicate) return false;
    throw e;
  });
  if (accepted) return { receiptId: id, duplicate: false, result: null };
  const first = await query<{ id: string; result: EventResult | null; postedByType: string | null; postedById: string | null; postedByPrincipalId: string | null }>(
    `SELECT "id", "result", "postedByType", "postedById", "postedByPrincipalId" FROM "EventReceipt" WHERE "source" = $1 AND "eventId" = $2`,
    [ev.source, ev.id],
  );
  if (!first[0]) throw new Error("event receipt vanished after a conflicting insert");
  // A replay answers with the first result only to the same producer: another one learns nothing of it.
  if (!sameProducer(by, first[0])) {
    throw new AppError("CONFLICT", `An event with source "${ev.source}" and id "${ev.id}" was already posted by another producer; give your event its own id.`);
  }
  return { receiptId: first[0].id, duplicate: true, result: first[0].result ?? null };
}

/**
 * Starts the processes that subscribe to the event's type, or correlates it to an instance
 * waiting for it, or keeps it until such a wait starts; the result is written on the receipt.
 * Under a row lock on the receipt: whoever comes second (the worker after the request, or the
 * other way round) finds the result and returns it. Null: no such receipt.
 */
async function processEventReceipt(receiptId: string, actor: Actor): Promise<EventResult | null> {
  return (await processEventReceiptIn(receiptId, actor, {})).result;
}

/**
 * processEventReceipt for the worker: with `inline`, the instances' first step runs get no job;
 * they come back in `firstStepRuns` for the worker to run at once (ADR 015).
 */
export async function processEventReceiptIn(
  receiptId: string,
  actor: Actor,
  opts: { inline?: boolean; recheckProducer?: boolean },
): Promise<{ result: EventResult | null; firstStepRuns: NonNullable<Advanced["carried"]>[] }> {
  let firstStepRuns: NonNullable<Advanced["carried"]>[] = [];
  // Every event a producer sends runs this once. Batched (ADR 017): after the read, the instance,
  // its first run, the receipt's result and the audit entries go as one statement (a guard that
  // failed in it, a wait step delivered to meanwhile, runs it again unbatched).
  const body = async (tx: Tx) => {
    firstStepRuns = [];
    // The producer as it is now rides on the same statement (the recheck below costs no round trip).
    // So do the versions its type starts (versionsStartedBy's pick): the receipt, its producer and
    // what it starts are one read.
    const read = sql`SELECT r.*, CASE WHEN r."postedByType" = 'TOKEN' THEN ${tokenJsonSql(raw(`r."postedById"`))} END AS "producerToken",
                 CASE WHEN r."postedByType" = 'USER' THEN (SELECT json_build_object('active', u."active", 'role', u."role") FROM "User" u WHERE u."id" = r."postedById") END AS "producerPerson",
                 CASE WHEN r."result" IS NULL THEN ${versionsStartedByColumn(raw(`r."type"`))} END AS "starts"
            FROM "EventReceipt" r WHERE r."id" = ${receiptId}`;
    // Batched, the receipt is not locked: the write of its result below is guarded on "no result
    // yet", so a second worker that took the same event meanwhile makes this statement write
    // nothing (a BatchConflict), and the unbatched run reads the receipt locked and finds the result.
    // An event that starts an instance is then two round trips, without BEGIN and COMMIT (ADR 056).
    const [locked] = tx.batched
      ? await tx.lookup<EventReceipt & Producer & { starts: StartedVersion[] }>(read)
      : await tx.query<EventReceipt & Producer & { starts: StartedVersion[] }>(sql`${read} FOR UPDATE OF r`);
    if (!locked) return null;
    const { producerToken, producerPerson, starts: started, ...receipt } = locked;
    if (receipt.result !== null) return receipt.result as unknown as EventResult;
    let result: EventResult;
    let consumed = false;
    const starts = started ?? [];
    // Accepted a while ago (the worker's path): its producer may have lost the right meanwhile.
    const refused = starts.length > 0 && opts.recheckProducer ? producerRefusal(receipt, { producerToken, producerPerson }, starts) : null;
    if (refused) {
      result = { receiptId: receipt.id, outcome: "rejected", reason: refused };
    } else if (starts.length > 0) {
      const instances: NonNullable<EventResult["instances"]> = [];
      for (const def of starts) {
        const { instance, carried } = await startInstanceInTx(
          tx,
          actor,
          { id: def.id, key: def.key, version: def.version, document: documentOf(def) },
          { variables: variablesFrom(receipt.data), businessKey: receipt.correlationKey, startEventId: receipt.id },
          { enqueue: !opts.inline },
        );
        if (opts.inline) firstStepRuns.push(carried);
        instances.push({ id: instance.id, process: def.key, version: def.version });
      }
      consumed = true;
      result = { receiptId: receipt.id, outcome: "started", instances };
    } else if (receipt.correlationKey) {
      await lockCorrelation(tx, receipt.type, receipt.correlationKey);
      const [waiting] = await tx.query<StepRunRef & { instanceId: string; i: InstanceRef; document: Row<"ProcessDefinition">["document"] }>(
        sql`SELECT sr."id", sr."instanceId", sr."stepId", sr."status"::text AS "status", sr."version", sr."attempts", sr."attemptLog", sr."parallelRunId",
                          sr."branch", sr."branchWrites", sr."compensationOf",
                          json_build_object('id', i."id", 'version', i."version", 'status', i."status", 'variables', i."variables",
                                            'businessKey', i."businessKey", 'definitionId', i."definitionId") AS "i",
                          d."document"
                     FROM "StepRun" sr JOIN "ProcessInstance" i ON i."id" = sr."instanceId" JOIN "ProcessDefinition" d ON d."id" = i."definitionId"
                    WHERE sr."waitEventType" = ${receipt.type} AND sr."correlationKey" = ${receipt.correlationKey} AND sr."status" = 'WAITING'
                      AND (sr."waitEventSource" IS NULL OR sr."waitEventSource" = ${receipt.source})
                    ORDER BY sr."startedAt" ASC LIMIT 1`,
      );
      const doc = waiting ? documentOf(waiting) : undefined;
      const step = waiting && doc ? stepById(doc, waiting.stepId) : undefined;
      if (waiting && doc && step?.kind === "wait") {
        await deliverEventInTx(tx, workerActor("engine", actor.requestId), { instance: waiting.i, stepRun: waiting, doc, step: step as WaitStep }, ["WAITING"], receipt);
        result = { receiptId: receipt.id, outcome: "correlated", instanceId: waiting.instanceId, stepId: waiting.stepId, correlationKey: receipt.correlationKey };
      } else {
        // Nobody waits yet: kept, and delivered when a matching wait step starts.
        result = { receiptId: receipt.id, outcome: "pending", correlationKey: receipt.correlationKey };
      }
    } else {
      result = { receiptId: receipt.id, outcome: "ignored", reason: `No process starts on "${receipt.type}" and the event has no subject or correlationkey to correlate it.` };
    }
    await tx.update("EventReceipt", { result, ...(consumed ? { consumedAt: new Date() } : {}) }, sql`"id" = ${receipt.id} AND "result" IS NULL`, {
      expect: 1,
      stale: () => new Error(`event receipt ${receipt.id} was processed meanwhile`),
      key: `EventReceipt:${receipt.id}`,
    });
    tx.audit(actor, {
      action: result.outcome === "rejected" ? "event.rejected" : "event.processed",
      ...(result.outcome === "rejected" ? { reason: result.reason } : {}),
      subjectType: "event",
      subjectId: receipt.id,
      instanceId: result.instanceId ?? result.instances?.[0]?.id ?? null,
      after: { source: receipt.source, id: receipt.eventId, type: receipt.type, outcome: result.outcome },
    });
    return result;
  };
  const result = await transaction(body, { batched: true });
  return { result, firstStepRuns };
}

/** The producer of a receipt as it is now, read with the receipt (a token with its owner, or a person). */
interface Producer {
  producerToken: TokenJson | null;
  producerPerson: { active: boolean; role: string } | null;
}

/**
 * Why the producer of an accepted event may no longer start what it would start, or null: its
 * token revoked or expired, its owner (person or service account) deactivated, or a grant gone
 * (issue #18). Read as they are now, when the worker takes the event up.
 */
function producerRefusal(receipt: EventReceipt, producer: Producer, starts: { key: string }[]): string | null {
  if (receipt.postedByType === "TOKEN" && receipt.postedById) {
    const now = actorFromTokenJson(producer.producerToken);
    if (!now) return "The token that posted the event has been revoked or has expired, or its owner was deactivated, since it was accepted.";
    if (!now.permissions.has("events:write")) return "The token that posted the event may no longer post events.";
    if (!mayPostEvent(now, receipt.source, receipt.type)) return `${now.owner!.name} may no longer post events of type ${receipt.type} from source ${receipt.source}.`;
    const denied = starts.find((d) => !mayStartProcess(now, d.key));
    return denied ? `${now.owner!.name} may no longer start process "${denied.key}".` : null;
  }
  if (receipt.postedByType === "USER" && receipt.postedById) {
    const person = producer.producerPerson;
    if (!person?.active) return "The person who posted the event has been deactivated since it was accepted.";
    if (!permissionsFor(person.role as RoleName).has("events:write")) return "The person who posted the event may no longer post events.";
  }
  return null;
}

/**
 * Accepts the event and processes it before answering (the default): the caller learns what it
 * started or where it was delivered. The same (source, id) again answers with the first result.
 */
export async function receiveEvent(actor: Actor, ev: IncomingEvent): Promise<{ duplicate: boolean; result: EventResult }> {
  const accepted = await acceptEvent(actor, ev);
  const result = accepted.result ?? (await processEventReceipt(accepted.receiptId, actor));
  if (!result) throw new Error(`event receipt ${accepted.receiptId} not found after it was accepted`);
  return { duplicate: accepted.duplicate, result };
}

/** The receipt of an event, for the producer that posted it: what it started or where it went. */
export async function getEventReceipt(actor: Actor, receiptId: string): Promise<EventReceiptDto> {
  requirePermission(actor, "events:write");
  const rows = await query<EventReceipt>(`SELECT * FROM "EventReceipt" WHERE "id" = $1`, [receiptId]);
  const r = rows[0];
  // Someone else's receipt is answered exactly like a missing one: ids reveal nothing.
  if (!r || !mayReadReceipt(actor, r)) throw new AppError("NOT_FOUND", "No event receipt with this id.");
  return {
    receiptId: r.id,
    source: r.source,
    id: r.eventId,
    type: r.type,
    subject: r.subject,
    correlationKey: r.correlationKey,
    receivedAt: r.receivedAt.toISOString(),
    status: r.result === null ? "accepted" : "processed",
    result: (r.result as unknown as EventResult | null) ?? null,
  } satisfies EventReceiptDto;
}

/** The actor a `process-event` job acts as: the person or token that posted the event. */
export function eventActor(by: { type: "USER" | "TOKEN"; id: string | null; name: string; ownerId?: string } | undefined, requestId?: string): Actor {
  if (!by) return workerActor("engine", requestId);
  // The owner rides along so the instance's starter (its tasks' requester) is the same whichever process runs it.
  const owner = by.ownerId ? { id: by.ownerId, name: by.name, kind: "PERSON" as const, role: "MEMBER" as const } : undefined;
  return { ...workerActor("engine", requestId), type: by.type, id: by.id, name: by.name, ...(owner ? { owner } : {}) };
}
