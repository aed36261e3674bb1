import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

// The key parsers live in lib/env.ts, which validates AUDIT_SIGNING_KEY at boot (env imports nothing).
export { DEV_AUDIT_SIGNING_KEY, parsePublicKey, parseSigningKey } from "../env";

// Signed checkpoints (ADR 026): the sealer signs each checkpoint's (chainIndex, hash) with an
// Ed25519 key that lives outside the database (AUDIT_SIGNING_KEY). Someone who can rewrite the
// tables, and recompute every hash, still cannot produce a signature the published public key
// accepts. Pure functions over node:crypto; the offline verifier (scripts/audit-verify.ts) uses them too.

/** The key's id: the first 16 hex characters of sha256 over its public key (SPKI DER). */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return createHash("sha256").update(pub.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return pub.export({ type: "spki", format: "pem" }).toString();
}

/** What is signed: versioned, so a signature over something else can never pass for a checkpoint. */
export function checkpointMessage(chainIndex: bigint | string, hash: string): Buffer {
  return Buffer.from(`baton-audit-checkpoint/v1\n${String(chainIndex)}\n${hash}`, "utf8");
}

export function signCheckpoint(key: KeyObject, chainIndex: bigint | string, hash: string): string {
  return sign(null, checkpointMessage(chainIndex, hash), key).toString("base64");
}

export function verifyCheckpointSignature(publicKey: KeyObject, chainIndex: bigint | string, hash: string, signature: string): boolean {
  try {
    return verify(null, checkpointMessage(chainIndex, hash), publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}
