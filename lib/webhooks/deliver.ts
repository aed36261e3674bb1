import { Webhook } from "standardwebhooks";
import { db, sql, updateRows } from "../db";
import { env } from "../env";
import { OutboundRefused, OutboundTimeout, outboundRequest } from "../outbound/client";
import type { DeliveryAttempt } from "./schemas";
import { openWebhookSecret } from "./secret";

// Sends one webhook delivery, signed per the Standard Webhooks spec: `webhook-id` (the event id,
// the same on every retry), `webhook-timestamp` (seconds) and `webhook-signature`
// (v1,<base64 HMAC-SHA256 of "id.timestamp.body">). A 2xx answer is success; anything else, a
// timeout or a network error is recorded in the delivery log and thrown, so BullMQ retries the job
// with exponential backoff (WEBHOOK_RETRY_BASE_MS doubling, WEBHOOK_MAX_ATTEMPTS in all).

type WebhookOutcome = "delivered" | "skipped";

class WebhookAttemptError extends Error {}

/** When the next attempt will run, as BullMQ's exponential backoff computes it. */
function nextAttemptDelay(attempt: number, baseMs: number): number {
  return baseMs * 2 ** (attempt - 1);
}

export async function deliverWebhook(deliveryId: string, opts: { final: boolean }): Promise<WebhookOutcome> {
  const d = await db().webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } });
  if (!d || d.status !== "PENDING") return "skipped";
  const log = (d.attemptLog ?? []) as unknown as DeliveryAttempt[];
  // Every change below is guarded: only a delivery still pending is written.
  const pending = sql`"id" = ${d.id} AND "status" = 'PENDING'`;
  const n = d.attempts + 1;
  // A test event goes to an inactive endpoint too (that is how one checks it before enabling).
  if (!d.endpoint.active && d.eventType !== "webhook.test") {
    const entry: DeliveryAttempt = { n, at: new Date().toISOString(), ms: 0, status: null, error: "endpoint is disabled" };
    await updateRows("WebhookDelivery", { status: "FAILED", attempts: n, lastError: entry.error, attemptLog: [...log, entry], nextAttemptAt: null }, pending);
    return "skipped";
  }

  const body = JSON.stringify(d.payload);
  const sentAt = new Date();
  const signature = new Webhook(openWebhookSecret(d.endpoint)).sign(d.eventId, sentAt, body);
  const started = Date.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    // Through the egress policy (lib/outbound): no loopback, private or metadata address unless
    // allowed; redirects are not followed. The receiver's answer is not kept (only its status), so
    // a webhook cannot be used to read what an internal address returns.
    const res = await outboundRequest(new URL(d.endpoint.url), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Baton-Webhooks/1.0",
        "webhook-id": d.eventId,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
      timeoutMs: env().WEBHOOK_TIMEOUT_MS,
      maxResponseBytes: 0,
    });
    status = res.status;
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
  } catch (e) {
    const err = e as Error;
    error =
      err instanceof OutboundTimeout
        ? `no answer within ${env().WEBHOOK_TIMEOUT_MS} ms`
        : err instanceof OutboundRefused
          ? `refused: ${err.message}`
          : `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ""}`;
  }
  const entry: DeliveryAttempt = { n, at: sentAt.toISOString(), ms: Date.now() - started, status, error };
  const attemptLog = [...log, entry];
  if (!error) {
    await updateRows("WebhookDelivery", { status: "SUCCEEDED", attempts: n, attemptLog, lastStatusCode: status, lastError: null, deliveredAt: new Date(), nextAttemptAt: null }, pending);
    return "delivered";
  }
  await updateRows(
    "WebhookDelivery",
    {
      attempts: n,
      attemptLog,
      lastStatusCode: status,
      lastError: error,
      ...(opts.final ? { status: "FAILED" as const, nextAttemptAt: null } : { nextAttemptAt: new Date(Date.now() + nextAttemptDelay(n, env().WEBHOOK_RETRY_BASE_MS)) }),
    },
    pending,
  );
  throw new WebhookAttemptError(`webhook delivery ${d.id} attempt ${n} failed: ${error}`);
}
