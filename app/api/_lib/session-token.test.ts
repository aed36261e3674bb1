import { describe, expect, it } from "vitest";
import { hkdfSync } from "node:crypto";
import { decode, encode } from "next-auth/jwt";
import { base64url, calculateJwkThumbprint, EncryptJWT } from "jose";
import { decodeSessionToken, sessionCookieNames } from "./session-token";

// The API decodes session cookies itself (cached key derivation); it must accept exactly what
// next-auth accepts.
const secret = "unit-test-secret-0123456789abcdef";
const salt = "authjs.session-token";

describe("decodeSessionToken", () => {
  it("reads the tokens next-auth encodes, with the same claims as next-auth's decode", async () => {
    const token = await encode({ token: { uid: "u-1", name: "Maya" }, secret, salt, maxAge: 3600 });
    const ours = await decodeSessionToken(token, secret, salt);
    const theirs = await decode({ token, secret, salt });
    expect(ours).toEqual(theirs);
    expect(ours.uid).toBe("u-1");
    // Again, now from the cached key.
    expect((await decodeSessionToken(token, secret, salt)).uid).toBe("u-1");
  });

  it("refuses another secret, another cookie name, a tampered or an expired token", async () => {
    const token = await encode({ token: { uid: "u-1" }, secret, salt, maxAge: 3600 });
    await expect(decodeSessionToken(token, "another-secret-0123456789abcdef00", salt)).rejects.toThrow();
    await expect(decodeSessionToken(token, secret, "__Secure-authjs.session-token")).rejects.toThrow();
    const parts = token.split(".");
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith("A") ? "BB" : "AA");
    await expect(decodeSessionToken(parts.join("."), secret, salt)).rejects.toThrow();
    const expired = await encode({ token: { uid: "u-1" }, secret, salt, maxAge: -60 });
    await expect(decodeSessionToken(expired, secret, salt)).rejects.toThrow();
  });
});

describe("decodeSessionToken, beyond next-auth's own tokens", () => {
  const keyFor = (bytes: number) => new Uint8Array(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, bytes));
  const jwe = async (enc: "A256GCM" | "A256CBC-HS512", claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
    const key = keyFor(enc === "A256GCM" ? 32 : 64);
    const kid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, enc === "A256GCM" ? "sha256" : "sha512");
    const jwt = new EncryptJWT(claims).setProtectedHeader({ alg: "dir", enc, kid, ...header }).setIssuedAt();
    return (claims.exp === undefined ? jwt.setExpirationTime("1h") : jwt).encrypt(key);
  };
  const reheader = (token: string, header: Record<string, unknown>) => [Buffer.from(JSON.stringify(header)).toString("base64url"), ...token.split(".").slice(1)].join(".");

  it("reads A256GCM tokens as next-auth does", async () => {
    const token = await jwe("A256GCM", { uid: "u-2" });
    expect(await decodeSessionToken(token, secret, salt)).toEqual(await decode({ token, secret, salt }));
  });

  it("refuses what next-auth refuses: another kid, a zip or crit header, alg none, a changed header, an encrypted key, a token not yet valid", async () => {
    const token = await encode({ token: { uid: "u-1" }, secret, salt, maxAge: 3600 });
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as Record<string, unknown>;
    const refused = async (t: string) => {
      await expect(decodeSessionToken(t, secret, salt)).rejects.toThrow();
      await expect(decode({ token: t, secret, salt })).rejects.toThrow();
    };
    await refused(await jwe("A256GCM", { uid: "u-1" }, { kid: "someone-else" }));
    await refused(reheader(token, { ...header, zip: "DEF" }));
    await refused(reheader(token, { ...header, alg: "none" }));
    // The header is the MAC's additional data: any change to it breaks the tag.
    await refused(reheader(token, { ...header, x: 1 }));
    const parts = token.split(".");
    parts[1] = "AAAA";
    await refused(parts.join("."));
    await refused(await jwe("A256CBC-HS512", { uid: "u-1", nbf: Math.floor(Date.now() / 1000) + 120 }));
    await refused("not.a.token");
    await refused(token.slice(0, -4));
  });

  it("takes 15 s of clock tolerance on expiry, as next-auth does", async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await jwe("A256CBC-HS512", { uid: "u-1", exp: now - 5 });
    expect((await decodeSessionToken(justExpired, secret, salt)).uid).toBe("u-1");
    const longExpired = await jwe("A256CBC-HS512", { uid: "u-1", exp: now - 60 });
    await expect(decodeSessionToken(longExpired, secret, salt)).rejects.toThrow();
  });
});

// Security review L1: on https only the __Secure- cookie counts (no cookie tossing).
describe("sessionCookieNames", () => {
  it("follows AUTH_URL's scheme, and accepts both only when it is unset", () => {
    expect(sessionCookieNames("https://baton.example").map((c) => c.name)).toEqual(["__Secure-authjs.session-token"]);
    expect(sessionCookieNames("http://127.0.0.1:3000").map((c) => c.name)).toEqual(["authjs.session-token"]);
    expect(sessionCookieNames(undefined)).toHaveLength(2);
  });
});
