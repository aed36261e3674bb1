import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { decodeSecretsKey } from "../env";

// AES-256-GCM with a random 96-bit IV per encryption and the secret's name as additional
// authenticated data (a ciphertext copied to another name does not decrypt). Each row records
// the fingerprint of the key that encrypted it, so a rotation of BATON_SECRETS_KEY can keep the
// old key as BATON_SECRETS_KEY_PREVIOUS until every row is re-encrypted.

export interface SecretsKey {
  id: string;
  key: Buffer;
}

/** Byte columns as Prisma reads and writes them. */
export interface Sealed {
  ciphertext: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  authTag: Uint8Array<ArrayBuffer>;
  keyId: string;
}

const bytes = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b);

function keyFingerprint(key: Buffer): string {
  return createHash("sha256").update("baton-secrets-key\n").update(key).digest("hex").slice(0, 16);
}

export function keyFrom(text: string | undefined): SecretsKey | null {
  if (!text) return null;
  const key = decodeSecretsKey(text);
  return key ? { id: keyFingerprint(key), key } : null;
}

export function seal(name: string, value: string, key: SecretsKey): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(`baton-secret:${name}`, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return { ciphertext: bytes(ciphertext), iv: bytes(iv), authTag: bytes(cipher.getAuthTag()), keyId: key.id };
}

export class SecretUnreadable extends Error {
  constructor(name: string, why: string) {
    super(`secret "${name}" cannot be decrypted: ${why}`);
    this.name = "SecretUnreadable";
  }
}

/** Decrypts with whichever of `keys` made it; throws SecretUnreadable (never the value) otherwise. */
export function open(name: string, sealed: Pick<Sealed, "keyId"> & { ciphertext: Uint8Array; iv: Uint8Array; authTag: Uint8Array }, keys: (SecretsKey | null)[]): string {
  const key = keys.find((k) => k?.id === sealed.keyId);
  if (!key) throw new SecretUnreadable(name, `it was encrypted with key ${sealed.keyId}, which is neither BATON_SECRETS_KEY nor BATON_SECRETS_KEY_PREVIOUS`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(sealed.iv));
    decipher.setAAD(Buffer.from(`baton-secret:${name}`, "utf8"));
    decipher.setAuthTag(Buffer.from(sealed.authTag));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretUnreadable(name, "the ciphertext does not authenticate (tampered, or stored under another name)");
  }
}
