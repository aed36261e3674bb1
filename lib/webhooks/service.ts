import { randomBytes } from "node:crypto";
import { db, newId, query, sql, transaction, type Row } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { QUEUES } from "../queues";
import { taskReference } from "../references";
import { appUrl } from "../notifications/email";
import {
  createWebhookSchema,
  deliveryQuerySchema,
  updateWebhookSchema,
  type DeliveryAttempt,
  type DeliveryDto,
  type DeliveryPage,
  type WebhookDto,
  type WebhookEventType,
  type WebhookWithSecretDto,
} from "./schemas";
import { storedWebhookSecret, webhookSecretFingerprint } from "./secret";

// Admin-managed webhook endpoints, and the events they receive. An event becomes one
// WebhookDelivery row per subscribed endpoint plus one outbox job each, in one transaction; the
// worker signs and sends it (lib/webhooks/deliver.ts).

type EndpointRow = Row<"WebhookEndpoint">;

function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

async function statsFor(ids: string[]) {
  const [groups, last] = await Promise.all([
    db().webhookDelivery.groupBy({ by: ["endpointId", "status"], where: { endpointId: { in: ids } }, _count: { _all: true } }),
    db().webhookDelivery.groupBy({ by: ["endpointId"], where: { endpointId: { in: ids } }, _max: { createdAt: true } }),
  ]);
  const out = new Map<string, WebhookDto["stats"]>();
  for (const id of ids) out.set(id, { succeeded: 0, failed: 0, pending: 0, lastDeliveryAt: null });
  for (const g of groups) {
    const s = out.get(g.endpointId)!;
    if (g.status === "SUCCEEDED") s.succeeded = g._count._all;
    else if (g.status === "FAILED") s.failed = g._count._all;
    else s.pending = g._count._all;
  }
  for (const l of last) out.get(l.endpointId)!.lastDeliveryAt = l._max.createdAt?.toISOString() ?? null;
  return out;
}

function toDto(e: EndpointRow, stats: WebhookDto["stats"]): WebhookDto {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    active: e.active,
    // A fingerprint, never characters of the secret (review L5).
    secretHint: `sha256:${e.secretFingerprint}`,
    createdBy: e.createdByName,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    stats,
  };
}

/** What the audit log keeps about an endpoint (never the secret). */
const auditView = (e: EndpointRow) => ({ url: e.url, description: e.description, eventTypes: e.eventTypes, active: e.active });

async function findEndpoint(id: string): Promise<EndpointRow> {
  const e = await db().webhookEndpoint.findUnique({ where: { id } });
  if (!e) throw new AppError("NOT_FOUND", "No such webhook endpoint.");
  return e;
}

export async function listWebhooks(actor: Actor): Promise<{ data: WebhookDto[] }> {
  requirePermission(actor, "webhooks:manage");
  const rows = await db().webhookEndpoint.findMany({ orderBy: { createdAt: "desc" } });
  const stats = await statsFor(rows.map((r) => r.id));
  return { data: rows.map((r) => toDto(r, stats.get(r.id)!)) };
}

export async function getWebhook(actor: Actor, id: string): Promise<WebhookDto> {
  requirePermission(actor, "webhooks:manage");
  const e = await findEndpoint(id);
  return toDto(e, (await statsFor([id])).get(id)!);
}

/** Creates an endpoint; the signing secret is in this response and never again. */
export async function createWebhook(actor: Actor, input: unknown): Promise<WebhookWithSecretDto> {
  requirePermission(actor, "webhooks:manage");
  const data = parse(createWebhookSchema, input, "Webhook");
  const secret = newSecret();
  const row = await transaction(async (tx) => {
    const id = newId();
    const created = await tx.insertReturning("WebhookEndpoint", {
      id,
      ...data,
      ...storedWebhookSecret(id, secret),
      createdById: actor.type === "USER" ? actor.id : null,
      createdByName: actor.name,
    });
    tx.audit(actor, { action: "webhook.created", subjectType: "webhook", subjectId: created.id, after: auditView(created) });
    tx.afterCommit(forgetWebhookSubscriptions);
    return created;
  });
  return { ...toDto(row, { succeeded: 0, failed: 0, pending: 0, lastDeliveryAt: null }), secret };
}

export async function updateWebhook(actor: Actor, id: string, input: unknown): Promise<WebhookDto | WebhookWithSecretDto> {
  requirePermission(actor, "webhooks:manage");
  const data = parse(updateWebhookSchema, input, "Webhook");
  const before = await findEndpoint(id);
  const { rotateSecret, ...fields } = data;
  const secret = rotateSecret ? newSecret() : undefined;
  const row = await transaction(async (tx) => {
    const [updated] = await tx.updateReturning("WebhookEndpoint", { ...fields, ...(secret ? storedWebhookSecret(id, secret) : {}) }, sql`"id" = ${id}`);
    if (!updated) throw new AppError("NOT_FOUND", "No such webhook endpoint.");
    tx.afterCommit(forgetWebhookSubscriptions);
    tx.audit(actor, {
      action: "webhook.updated",
      subjectType: "webhook",
      subjectId: id,
      before: { ...auditView(before), ...(secret ? { secretHint: `sha256:${before.secretFingerprint}` } : {}) },
      after: { ...auditView(updated), ...(secret ? { secretHint: `sha256:${webhookSecretFingerprint(secret)}` } : {}) },
    });
    return updated;
  });
  const dto = toDto(row, (await statsFor([id])).get(id)!);
  return secret ? { ...dto, secret } : dto;
}

export async function deleteWebhook(actor: Actor, id: string): Promise<{ deleted: true }> {
  requirePermission(actor, "webhooks:manage");
  const before = await findEndpoint(id);
  await transaction(async (tx) => {
    // Its delivery log goes with it (cascade); the audit entry keeps what it was.
    await tx.write(sql`DELETE FROM "WebhookEndpoint" WHERE "id" = ${id}`);
    tx.afterCommit(forgetWebhookSubscriptions);
    tx.audit(actor, { action: "webhook.deleted", subjectType: "webhook", subjectId: id, before: auditView(before) });
  });
  return { deleted: true };
}

function toDeliveryDto(d: Row<"WebhookDelivery">): DeliveryDto {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAt: d.status === "PENDING" ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    attemptLog: (d.attemptLog ?? []) as unknown as DeliveryAttempt[],
    payload: d.payload,
  };
}

/** The delivery log of one endpoint, newest first (cursor: the last delivery id of a page). */
export async function listDeliveries(actor: Actor, endpointId: string, rawQuery: unknown): Promise<DeliveryPage> {
  requirePermission(actor, "webhooks:manage");
  const q = parse(deliveryQuerySchema, rawQuery, "Query");
  await findEndpoint(endpointId);
  const rows = await db().webhookDelivery.findMany({
    where: { endpointId, ...(q.status ? { status: q.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, q.limit);
  return { data: page.map(toDeliveryDto), nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
}

/** Sends a `webhook.test` event to one endpoint (active or not), through the normal delivery path. */
export async function sendTestEvent(actor: Actor, endpointId: string): Promise<DeliveryDto> {
  requirePermission(actor, "webhooks:manage");
  const endpoint = await findEndpoint(endpointId);
  const eventId = `evt_test_${randomBytes(8).toString("hex")}`;
  const payload = { type: "webhook.test", timestamp: new Date().toISOString(), data: { message: "A test event from Baton.", endpointId, sentBy: actor.name } };
  const delivery = await transaction(async (tx) => {
    const d = await tx.insertReturning("WebhookDelivery", { endpointId: endpoint.id, eventId, eventType: "webhook.test", payload });
    tx.enqueue({ queue: QUEUES.webhooks, name: "deliver-webhook", jobId: `webhook.${d.id}`, payload: { deliveryId: d.id } });
    tx.audit(actor, { action: "webhook.test_sent", subjectType: "webhook", subjectId: endpoint.id, after: { eventId } });
    return d;
  });
  return toDeliveryDto(delivery);
}

/**
 * Sends a failed delivery again, as it was (same webhook-id, same payload, a fresh signature and
 * a fresh set of attempts). Only FAILED deliveries: 409 otherwise. Audited as webhook.redelivered.
 */
export async function redeliver(actor: Actor, endpointId: string, deliveryId: string): Promise<DeliveryDto> {
  requirePermission(actor, "webhooks:manage");
  const d = await db().webhookDelivery.findFirst({ where: { id: deliveryId, endpointId } });
  if (!d) throw new AppError("NOT_FOUND", "No such delivery for this endpoint.");
  if (d.status !== "FAILED") throw new AppError("CONFLICT", d.status === "PENDING" ? "This delivery is still being retried." : "This delivery already succeeded.", { details: { currentStatus: d.status } });
  const updated = await transaction(async (tx) => {
    const [changed] = await tx.updateReturning("WebhookDelivery", { status: "PENDING", nextAttemptAt: new Date() }, sql`"id" = ${d.id} AND "status" = 'FAILED'`);
    if (!changed) throw new AppError("CONFLICT", "The delivery changed meanwhile; reload the log.");
    // A new job id: the failed job is kept (for a while) under the old one.
    tx.enqueue({ queue: QUEUES.webhooks, name: "deliver-webhook", jobId: `webhook.${d.id}.r${d.attempts}`, payload: { deliveryId: d.id } });
    tx.audit(actor, { action: "webhook.redelivered", subjectType: "webhook", subjectId: endpointId, after: { deliveryId: d.id, eventId: d.eventId, eventType: d.eventType } });
    return changed;
  });
  return toDeliveryDto(updated);
}

/** The event body for a task: what it is, where it is, and a link to it. */
async function taskEventData(taskId: string): Promise<Record<string, unknown> | null> {
  const t = await db().task.findUnique({
    where: { id: taskId },
    include: {
      assignee: { select: { id: true, name: true, email: true } },
      candidateGroup: { select: { key: true, name: true } },
      decidedBy: { select: { id: true, name: true } },
    },
  });
  if (!t) return null;
  return {
    taskId: t.id,
    reference: taskReference(t.number),
    title: t.title,
    status: t.status,
    priority: t.priority,
    assignee: t.assignee,
    candidateGroup: t.candidateGroup,
    dueAt: t.dueAt?.toISOString() ?? null,
    escalationLevel: t.escalationLevel,
    escalatedAt: t.escalatedAt?.toISOString() ?? null,
    outcome: t.outcome,
    decidedBy: t.decidedBy,
    instanceId: t.instanceId,
    version: t.version,
    url: `${appUrl()}/tasks/${t.id}`,
  };
}

// Which endpoints take which events. Every task event asks (two or three times per process
// instance), and the answer changes only when an admin edits an endpoint: it is read once for all
// event types and kept for SUBSCRIPTIONS_TTL_MS in each process (ADR 056). This process's own
// edits drop it at their commit; another process's are seen within that time, so an endpoint
// added (or switched off) in the web process may miss (or still get) the events of its first second.
const SUBSCRIPTIONS_TTL_MS = 1000;
let subscriptions: { at: number; endpoints: Promise<{ id: string; eventTypes: string[] }[]> } | null = null;

/** Forgets the cached subscriptions (an endpoint was created, changed or deleted here). */
export function forgetWebhookSubscriptions(): void {
  subscriptions = null;
}

/** The active endpoints subscribed to this event type (all types when their list is empty). */
export async function endpointsSubscribedTo(type: WebhookEventType): Promise<{ id: string }[]> {
  const now = Date.now();
  if (!subscriptions || now - subscriptions.at >= SUBSCRIPTIONS_TTL_MS) {
    const entry = { at: now, endpoints: query<{ id: string; eventTypes: string[] }>(`SELECT "id", "eventTypes" FROM "WebhookEndpoint" WHERE "active" ORDER BY "id"`) };
    subscriptions = entry;
    // A failed read is not kept. (A read an edit of this process overtook is already dropped: the
    // edit's forgetWebhookSubscriptions replaced it.)
    entry.endpoints.catch(() => {
      if (subscriptions === entry) subscriptions = null;
    });
  }
  const all = await subscriptions.endpoints;
  return all.filter((e) => e.eventTypes.length === 0 || e.eventTypes.includes(type)).map((e) => ({ id: e.id }));
}

/**
 * Records a task event for every active endpoint subscribed to its type (deliveries + their jobs
 * in one transaction). `eventId` identifies the event: the same id twice (a retried notification
 * job) creates nothing new. Returns how many deliveries were created.
 */
export async function emitTaskWebhookEvent(type: WebhookEventType, taskId: string, eventId: string, extra: Record<string, unknown> = {}): Promise<number> {
  const endpoints = await endpointsSubscribedTo(type);
  if (endpoints.length === 0) return 0;
  const data = await taskEventData(taskId);
  if (!data) return 0;
  const payload = JSON.stringify({ type, timestamp: new Date().toISOString(), data: { ...data, ...extra } });
  return transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(sql`
      INSERT INTO "WebhookDelivery" ("id", "endpointId", "eventId", "eventType", "payload", "createdAt")
      SELECT e.id, e.endpoint, ${eventId}, ${type}, ${payload}::jsonb, (now() AT TIME ZONE 'UTC')
        FROM unnest(${endpoints.map(() => newId())}::text[], ${endpoints.map((e) => e.id)}::text[]) AS e(id, endpoint)
      ON CONFLICT ("endpointId", "eventId") DO NOTHING
      RETURNING "id"`);
    for (const r of rows) tx.enqueue({ queue: QUEUES.webhooks, name: "deliver-webhook", jobId: `webhook.${r.id}`, payload: { deliveryId: r.id } });
    return rows.length;
  });
}
