import { describe, expect, it } from "vitest";
import { SecretUnreadable, keyFrom, open, seal } from "./crypto";

const k1 = keyFrom(Buffer.alloc(32, 1).toString("base64"))!;
const k2 = keyFrom("02".repeat(32))!;

describe("secret encryption (AES-256-GCM)", () => {
  it("round-trips, with a fresh IV each time and no plaintext in the ciphertext", () => {
    const a = seal("erp_token", "hunter2-hunter2", k1);
    const b = seal("erp_token", "hunter2-hunter2", k1);
    expect(Buffer.from(a.iv).equals(Buffer.from(b.iv))).toBe(false);
    expect(Buffer.from(a.ciphertext).toString("utf8")).not.toContain("hunter2");
    expect(a.keyId).toBe(k1.id);
    expect(open("erp_token", a, [k1])).toBe("hunter2-hunter2");
  });

  it("decrypts with the previous key during a rotation, and names the missing key otherwise", () => {
    const sealed = seal("erp_token", "value-1234", k1);
    expect(open("erp_token", sealed, [k2, k1])).toBe("value-1234");
    expect(() => open("erp_token", sealed, [k2, null])).toThrow(SecretUnreadable);
    expect(() => open("erp_token", sealed, [k2, null])).toThrow(/neither BATON_SECRETS_KEY nor BATON_SECRETS_KEY_PREVIOUS/);
  });

  it("is bound to its name and detects tampering", () => {
    const sealed = seal("erp_token", "value-1234", k1);
    expect(() => open("other_name", sealed, [k1])).toThrow(/does not authenticate/);
    const tampered = { ...sealed, ciphertext: new Uint8Array(sealed.ciphertext.map((x, i) => (i === 0 ? x ^ 1 : x))) };
    expect(() => open("erp_token", tampered, [k1])).toThrow(/does not authenticate/);
  });

  it("rejects keys that are not 32 bytes", () => {
    expect(keyFrom(Buffer.alloc(16).toString("base64"))).toBeNull();
    expect(keyFrom(undefined)).toBeNull();
  });
});
