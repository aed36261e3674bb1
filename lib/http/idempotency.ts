import { createHash } from "node:crypto";
import { db } from "../db";
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
  const claimed = await db().idempotencyRecord.createMany({
    data: [{ key, scope, requestHash: hash, status: 0, body: {} }],
    skipDuplicates: true,
  });
  if (claimed.count === 0) {
    const existing = await db().idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } });
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
    await db().idempotencyRecord.delete({ where: { scope_key: { scope, key } } }).catch(() => undefined);
    throw e;
  }
  if (response.status >= 500) {
    await db().idempotencyRecord.delete({ where: { scope_key: { scope, key } } }).catch(() => undefined);
    return response;
  }
  const body = await response.clone().json().catch(() => ({}));
  await db().idempotencyRecord.update({ where: { scope_key: { scope, key } }, data: { status: response.status, body } });
  return response;
}
