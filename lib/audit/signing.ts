import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

// Signed checkpoints (ADR 026): the sealer signs each checkpoint's (chainIndex, hash) with an
// Ed25519 key that lives outside the database (AUDIT_SIGNING_KEY). Someone who can rewrite the
// tables, and recompute every hash, still cannot produce a signature the published public key
// accepts. Pure functions over node:crypto; the offline verifier (scripts/audit-verify.ts) uses them too.

/** The development key carried by .env.example: never valid in production (lib/env.ts refuses it). */
export const DEV_AUDIT_SIGNING_KEY = "MC4CAQAwBQYDK2VwBCIEIOl8vaojdYgc4sJEkIhjqdEJYhrVn0Vn4xgTCGcjEurA";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/**
 * An Ed25519 private key from PEM ("-----BEGIN PRIVATE KEY-----"), base64 PKCS#8 DER, or a base64
 * 32-byte seed. Null when the text is none of these or not an Ed25519 key.
 */
export function parseSigningKey(text: string): KeyObject | null {
  try {
    const t = text.trim().replace(/\\n/g, "\n");
    let key: KeyObject;
    if (t.includes("-----BEGIN")) key = createPrivateKey(t);
    else {
      const der = Buffer.from(t, "base64");
      key = createPrivateKey({ key: der.length === 32 ? Buffer.concat([PKCS8_ED25519_PREFIX, der]) : der, format: "der", type: "pkcs8" });
    }
    return key.asymmetricKeyType === "ed25519" ? key : null;
  } catch {
    return null;
  }
}

/** An Ed25519 public key from PEM or base64 SPKI DER (or a raw 32-byte key); null otherwise. */
export function parsePublicKey(text: string): KeyObject | null {
  try {
    const t = text.trim().replace(/\\n/g, "\n");
    let key: KeyObject;
    if (t.includes("-----BEGIN")) key = createPublicKey(t);
    else {
      const der = Buffer.from(t, "base64");
      key = createPublicKey({ key: der.length === 32 ? Buffer.concat([SPKI_ED25519_PREFIX, der]) : der, format: "der", type: "spki" });
    }
    return key.asymmetricKeyType === "ed25519" ? key : null;
  } catch {
    return null;
  }
}

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
