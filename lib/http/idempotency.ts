import { createHash } from "node:crypto";
import { query, sql, json } from "../db";
import { AppError } from "../errors";

// Idempotency-Key on machine POSTs (Stripe's semantics): the first response is stored and
// replayed for the same key; the same key with a different body is an error.
const KEY_RE = /^[A-Za-z0-9._:-]{1,255}$/;

export function requestHash(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method} ${path}\n${body}`).digest("hex");
}

export async function withIdempotency(
  key: string,
  scope: string,
  hash: string,
  run: () => Promise<Response>,
): Promise<Response> {
  if (!KEY_RE.test(key)) throw new AppError("BAD_REQUEST", "Idempotency-Key must be 1-255 letters, digits or ._:-");
  const claimed = await query(sql`INSERT INTO "IdempotencyRecord" ("key", "scope", "requestHash", "status", "body", "createdAt")
    VALUES (${key}, ${scope}, ${hash}, 0, '{}'::jsonb, (now() AT TIME ZONE 'UTC')) ON CONFLICT DO NOTHING RETURNING 1`);
  if (claimed.length === 0) {
    const [existing] = await query<{ requestHash: string; status: number; body: unknown }>(
      sql`SELECT "requestHash", "status", "body" FROM "IdempotencyRecord" WHERE "scope" = ${scope} AND "key" = ${key}`,
    );
    if (existing && existing.requestHash !== hash) {
      throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request.");
    }
    if (!existing || existing.status === 0) throw new AppError("CONFLICT", "A request with this Idempotency-Key is still being processed.");
    return new Response(JSON.stringify(existing.body), {
      status: existing.status,
      headers: { "content-type": "application/json; charset=utf-8", "idempotent-replayed": "true" },
    });
  }
  let response: Response;
  try {
    response = await run();
  } catch (e) {
    await forget().catch(() => undefined);
    throw e;
  }
  if (response.status >= 500) {
    await forget().catch(() => undefined);
    return response;
  }
  // A one-time secret (a new API token, a webhook's signing secret) is never stored (M7): a replay
  // answers with the same status and record, without it.
  const body = redactSecrets(await response.clone().json().catch(() => ({})));
  await query(sql`UPDATE "IdempotencyRecord" SET "status" = ${response.status}::int, "body" = ${json(body)} WHERE "scope" = ${scope} AND "key" = ${key}`);
  return response;

  function forget() {
    return query(sql`DELETE FROM "IdempotencyRecord" WHERE "scope" = ${scope} AND "key" = ${key}`);
  }
}

const ONE_TIME_SECRETS = ["token", "secret"];

function redactSecrets(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const kept = Object.entries(body).filter(([k]) => !ONE_TIME_SECRETS.includes(k));
  return kept.length === Object.keys(body).length ? body : { ...Object.fromEntries(kept), secretRedacted: true };
}
