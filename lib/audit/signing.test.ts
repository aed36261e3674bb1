import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEV_AUDIT_SIGNING_KEY, keyIdOf, parsePublicKey, parseSigningKey, publicKeyPem, signCheckpoint, verifyCheckpointSignature } from "./signing";

const hash = "a".repeat(64);

describe("checkpoint signatures (ADR 026)", () => {
  it("verify with the signing key's public half, and fail with any other key", () => {
    const key = parseSigningKey(DEV_AUDIT_SIGNING_KEY)!;
    const sig = signCheckpoint(key, BigInt(1000), hash);
    expect(verifyCheckpointSignature(parsePublicKey(publicKeyPem(key))!, "1000", hash, sig)).toBe(true);
    const other = generateKeyPairSync("ed25519").publicKey;
    expect(verifyCheckpointSignature(other, "1000", hash, sig)).toBe(false);
  });

  it("cover the chain index and the hash", () => {
    const key = parseSigningKey(DEV_AUDIT_SIGNING_KEY)!;
    const sig = signCheckpoint(key, "1000", hash);
    const pub = parsePublicKey(publicKeyPem(key))!;
    expect(verifyCheckpointSignature(pub, "1001", hash, sig)).toBe(false);
    expect(verifyCheckpointSignature(pub, "1000", "b".repeat(64), sig)).toBe(false);
    expect(verifyCheckpointSignature(pub, "1000", hash, "not base64 at all")).toBe(false);
  });

  it("read PEM, base64 PKCS#8 and a raw seed; refuse other keys and text", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const der = privateKey.export({ type: "pkcs8", format: "der" });
    expect(keyIdOf(parseSigningKey(pem)!)).toBe(keyIdOf(privateKey));
    expect(keyIdOf(parseSigningKey(der.toString("base64"))!)).toBe(keyIdOf(privateKey));
    expect(keyIdOf(parseSigningKey(der.subarray(-32).toString("base64"))!)).toBe(keyIdOf(privateKey));
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(parseSigningKey(rsa)).toBeNull();
    expect(parseSigningKey("hello")).toBeNull();
  });
});
