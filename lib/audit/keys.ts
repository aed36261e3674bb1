import { createPublicKey, type KeyObject } from "node:crypto";
import { env } from "../env";
import { keyIdOf, parsePublicKey, parseSigningKey, publicKeyPem } from "./signing";

// The configured audit keys (ADR 026), parsed once per process.
let cached: { signer: { key: KeyObject; keyId: string } | null; verifiers: Map<string, KeyObject> } | undefined;

function load() {
  if (cached) return cached;
  const e = env();
  const key = e.AUDIT_SIGNING_KEY ? parseSigningKey(e.AUDIT_SIGNING_KEY) : null;
  const signer = key ? { key, keyId: keyIdOf(key) } : null;
  const verifiers = new Map<string, KeyObject>();
  if (key) verifiers.set(keyIdOf(key), createPublicKey(key));
  for (const text of (e.AUDIT_PUBLIC_KEYS ?? "").split(",").filter((t) => t.trim())) {
    const pub = parsePublicKey(text);
    if (pub) verifiers.set(keyIdOf(pub), pub);
  }
  cached = { signer, verifiers };
  return cached;
}

/** The checkpoint signer, or null when no AUDIT_SIGNING_KEY is set (development only). */
export function auditSigner() {
  return load().signer;
}

/** Public keys that verify checkpoints, by key id: the signing key's and AUDIT_PUBLIC_KEYS. */
export function auditVerifyKeys(): Map<string, KeyObject> {
  return load().verifiers;
}

/** What GET /api/v1/audit/public-key and the export publish. */
export function publishedAuditKeys(): { algorithm: "Ed25519"; current: string | null; keys: { keyId: string; publicKeyPem: string; publicKey: string }[] } {
  const { signer, verifiers } = load();
  return {
    algorithm: "Ed25519",
    current: signer?.keyId ?? null,
    keys: [...verifiers].map(([keyId, k]) => ({ keyId, publicKeyPem: publicKeyPem(k), publicKey: k.export({ type: "spki", format: "der" }).toString("base64") })),
  };
}

/** For tests that switch keys. */
export function resetAuditKeys(): void {
  cached = undefined;
}
