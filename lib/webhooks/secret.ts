import { createHash } from "node:crypto";
import { db, sql, updateRows } from "../db";
import { env } from "../env";
import { keyFrom, open, seal } from "../secrets/crypto";

// Webhook signing secrets at rest (review L5): encrypted like named secrets (AES-256-GCM under
// BATON_SECRETS_KEY, lib/secrets/crypto.ts), with the endpoint's id as the additional data, so a
// ciphertext copied to another endpoint does not decrypt. Without a key (development) the secret is
// kept as before; the worker encrypts such rows when it starts with a key.

type Stored = {
  id: string;
  secret: string | null;
  secretCiphertext: Uint8Array | null;
  secretIv: Uint8Array | null;
  secretAuthTag: Uint8Array | null;
  secretKeyId: string | null;
};

const nameOf = (endpointId: string) => `webhook:${endpointId}`;

function keys() {
  const e = env();
  return { current: keyFrom(e.BATON_SECRETS_KEY), previous: keyFrom(e.BATON_SECRETS_KEY_PREVIOUS) };
}

/** 16 hex characters of sha256 of the secret: what the API and the audit log show instead of it. */
export function webhookSecretFingerprint(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex").slice(0, 16);
}

/** The columns that store `secret` for the endpoint `endpointId`. */
export function storedWebhookSecret(endpointId: string, secret: string) {
  const key = keys().current;
  const fingerprint = webhookSecretFingerprint(secret);
  if (!key) return { secret, secretCiphertext: null, secretIv: null, secretAuthTag: null, secretKeyId: null, secretFingerprint: fingerprint };
  const s = seal(nameOf(endpointId), secret, key);
  return { secret: null, secretCiphertext: s.ciphertext, secretIv: s.iv, secretAuthTag: s.authTag, secretKeyId: s.keyId, secretFingerprint: fingerprint };
}

/** The plaintext secret of a stored endpoint (for signing a delivery). */
export function openWebhookSecret(row: Stored): string {
  if (row.secretCiphertext && row.secretIv && row.secretAuthTag && row.secretKeyId) {
    const { current, previous } = keys();
    return open(nameOf(row.id), { ciphertext: row.secretCiphertext, iv: row.secretIv, authTag: row.secretAuthTag, keyId: row.secretKeyId }, [current, previous]);
  }
  if (row.secret) return row.secret;
  throw new Error(`webhook endpoint ${row.id} has no secret`);
}

/**
 * Encrypts every webhook secret that is not under the current key: plaintext rows (from before
 * encryption, or written without a key) and rows under BATON_SECRETS_KEY_PREVIOUS. Run by the
 * worker at start and by `npm run secrets:rekey`. Returns how many rows it changed.
 */
export async function encryptWebhookSecrets(): Promise<number> {
  const { current } = keys();
  if (!current) return 0;
  const rows = await db().webhookEndpoint.findMany({
    where: { OR: [{ secretKeyId: null }, { secretKeyId: { not: current.id } }] },
    select: { id: true, secret: true, secretCiphertext: true, secretIv: true, secretAuthTag: true, secretKeyId: true },
  });
  let changed = 0;
  for (const row of rows) {
    const plain = openWebhookSecret(row);
    const next = storedWebhookSecret(row.id, plain);
    // Guarded on what was read, so a concurrent rotation of the secret is never overwritten.
    changed += await updateRows(
      "WebhookEndpoint",
      next,
      sql`"id" = ${row.id} AND "secretKeyId" IS NOT DISTINCT FROM ${row.secretKeyId} AND "secret" IS NOT DISTINCT FROM ${row.secret}`,
    );
  }
  return changed;
}
