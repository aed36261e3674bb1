import { describe, expect, it } from "vitest";
import { decode, encode } from "next-auth/jwt";
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

// Security review L1: on https only the __Secure- cookie counts (no cookie tossing).
describe("sessionCookieNames", () => {
  it("follows AUTH_URL's scheme, and accepts both only when it is unset", () => {
    expect(sessionCookieNames("https://baton.example").map((c) => c.name)).toEqual(["__Secure-authjs.session-token"]);
    expect(sessionCookieNames("http://127.0.0.1:3000").map((c) => c.name)).toEqual(["authjs.session-token"]);
    expect(sessionCookieNames(undefined)).toHaveLength(2);
  });
});
