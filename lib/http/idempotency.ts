import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { inRequestTransaction, query, sql, json } from "../db";
import { env } from "../env";
import { AppError } from "../errors";

// Idempotency-Key on machine POSTs (Stripe's semantics, ADR 027): the first answer is stored and
// replayed for the same key; the same key with a different body is an error.
//
// - The key is claimed with a lease (IDEMPOTENCY_LEASE_MS): a retry while the first attempt runs
//   answers 409 with Retry-After; a retry after the lease (the first attempt died with its
//   process) takes the key over and runs the request afresh.
// - The request runs in one transaction (lib/db/request-tx.ts) that also stores the answer, and
//   only while it still holds the key: its effects and its stored answer commit together or not
//   at all, so a retry either replays the answer or finds nothing done — never a duplicate.
// - An attempt that ends in an error (thrown, or answered 5xx) is rolled back and frees the key.

/** The header's form; the OpenAPI document describes it with this schema. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,255}$/)
  .meta({ description: "Makes the POST safe to retry: the first answer (status and body) is replayed for the same key and body (1-255 of A-Z a-z 0-9 . _ : -)" });

/** Headers of the first answer a replay repeats (besides content-type). */
const KEPT_HEADERS = ["etag", "location", "content-type"];

export function requestHash(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method} ${path}\n${body}`).digest("hex");
}

interface StoredAnswer {
  requestHash: string;
  status: number;
  body: unknown;
  headers: Record<string, string> | null;
  leaseMs: number | null;
}

export async function withIdempotency(key: string, scope: string, hash: string, run: () => Promise<Response>): Promise<Response> {
  if (!idempotencyKeySchema.safeParse(key).success) throw new AppError("BAD_REQUEST", "Idempotency-Key must be 1-255 letters, digits or ._:-");
  const token = randomUUID();
  // Claim the key, or take it over from an attempt whose lease ran out (its process died).
  const claimed = await query(sql`INSERT INTO "IdempotencyRecord" ("key", "scope", "requestHash", "status", "body", "createdAt", "leaseUntil", "token")
    VALUES (${key}, ${scope}, ${hash}, 0, '{}'::jsonb, (now() AT TIME ZONE 'UTC'),
      (now() AT TIME ZONE 'UTC') + ${env().IDEMPOTENCY_LEASE_MS}::int * interval '1 millisecond', ${token})
    ON CONFLICT ("scope", "key") DO UPDATE SET "leaseUntil" = EXCLUDED."leaseUntil", "token" = EXCLUDED."token"
      WHERE "IdempotencyRecord"."status" = 0 AND "IdempotencyRecord"."requestHash" = EXCLUDED."requestHash"
        AND ("IdempotencyRecord"."leaseUntil" IS NULL OR "IdempotencyRecord"."leaseUntil" <= (now() AT TIME ZONE 'UTC'))
    RETURNING 1`);
  if (claimed.length === 0) return replay(key, scope, hash);

  let failed = false;
  try {
    return await inRequestTransaction(async () => {
      const response = await run();
      if (response.status >= 500) return { result: response, commit: false };
      const text = response.status === 204 ? "" : await response.clone().text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      const headers = Object.fromEntries(KEPT_HEADERS.flatMap((h) => (response.headers.has(h) ? [[h, response.headers.get(h)!]] : [])));
      // In the request's transaction, and only while this attempt still holds the key.
      const stored = await query(sql`UPDATE "IdempotencyRecord" SET "status" = ${response.status}::int, "body" = ${json(redactSecrets(body))}, "headers" = ${json(headers)},
        "leaseUntil" = NULL WHERE "scope" = ${scope} AND "key" = ${key} AND "token" = ${token} RETURNING 1`);
      if (stored.length === 0) throw leaseLost();
      return { result: response, commit: true };
    }).then((response) => {
      failed = response.status >= 500;
      return response;
    });
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    // Nothing of a failed attempt was kept: free the key for a retry (if the database is reachable; else the lease runs out).
    if (failed) await query(sql`DELETE FROM "IdempotencyRecord" WHERE "scope" = ${scope} AND "key" = ${key} AND "token" = ${token}`).catch(() => undefined);
  }
}

async function replay(key: string, scope: string, hash: string): Promise<Response> {
  const [existing] = await query<StoredAnswer>(
    sql`SELECT "requestHash", "status", "body", "headers",
      CEIL(EXTRACT(EPOCH FROM ("leaseUntil" - (now() AT TIME ZONE 'UTC'))) * 1000)::int AS "leaseMs"
      FROM "IdempotencyRecord" WHERE "scope" = ${scope} AND "key" = ${key}`,
  );
  if (existing && existing.requestHash !== hash) {
    throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request.");
  }
  if (!existing || existing.status === 0) {
    const retryAfterS = Math.max(1, Math.ceil((existing?.leaseMs ?? 1000) / 1000));
    throw new AppError("CONFLICT", "A request with this Idempotency-Key is still being processed; retry after Retry-After seconds.", { details: { retryAfterS } });
  }
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", ...(existing.headers ?? {}), "idempotent-replayed": "true" };
  const empty = existing.status === 204 || existing.body === null;
  return new Response(empty ? null : JSON.stringify(existing.body), { status: existing.status, headers });
}

function leaseLost(): AppError {
  return new AppError("CONFLICT", "This request outlasted its Idempotency-Key lease and another attempt took the key over; nothing of it was kept.", {
    details: { retryAfterS: 1 },
  });
}

const ONE_TIME_SECRETS = ["token", "secret"];

/** A one-time secret (a new API token, a webhook's signing secret) is never stored (M7): a replay answers with the same status and record, without it. */
function redactSecrets(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const kept = Object.entries(body).filter(([k]) => !ONE_TIME_SECRETS.includes(k));
  return kept.length === Object.keys(body).length ? body : { ...Object.fromEntries(kept), secretRedacted: true };
}
