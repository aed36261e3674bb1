import { hkdfSync } from "node:crypto";
import { getToken } from "next-auth/jwt";
import { base64url, calculateJwkThumbprint, jwtDecrypt } from "jose";
import { env } from "@/lib/env";
import type { SessionClaims } from "@/lib/identity/sessions";

// The API's reading of a browser session: the user id in the next-auth session cookie (an
// encrypted JWT, see auth.ts). next-auth's auth() answers the same question by running its whole
// /session handler — a Request, a decrypt, a re-encrypt of a cookie it then throws away — about
// a millisecond and a half of CPU on every API call. A session token never changes once issued,
// so its decoded user id is kept, keyed by the exact token, until the token's own expiry.
//
// A token not seen yet is decrypted exactly as next-auth's `decode` does it (auth.js
// packages/core/src/jwt.ts: "dir" + A256CBC-HS512 or A256GCM, key = HKDF-SHA256(secret, salt,
// "Auth.js Generated Encryption Key (<salt>)"), kid = the key's JWK thumbprint, 15 s clock
// tolerance), except that the derived key and its thumbprint are computed once per secret and
// cookie name instead of on every call — they were two thirds of a first request's cost.
// session-token.test.ts checks the two agree on tokens next-auth itself encodes.

const MAX_ENTRIES = 10_000;
const known = new Map<string, { uid: string; expMs: number; claims: SessionClaims }>();

const COOKIES = [
  { name: "__Secure-authjs.session-token", secure: true },
  { name: "authjs.session-token", secure: false },
] as const;

/**
 * The cookie names next-auth itself uses for this deployment: `__Secure-` only when AUTH_URL is
 * https, the plain name only when it is http (both when unset, as in development). Accepting the
 * plain name on https would let a sibling subdomain or a network attacker toss in a cookie of
 * their own account (security review L1).
 */
export function sessionCookieNames(authUrl: string | undefined): readonly { name: string; secure: boolean }[] {
  if (!authUrl) return COOKIES;
  const secure = authUrl.startsWith("https:");
  return COOKIES.filter((c) => c.secure === secure);
}

/** What a session JWT says about its session (auth.ts puts "sid" and "authAt" in at sign-in). */
export function sessionClaimsOf(payload: Record<string, unknown>): SessionClaims {
  return {
    sid: typeof payload.sid === "string" ? payload.sid : null,
    // A JWT from before session ids carries no sign-in time: any "end all sessions" ends it.
    authAt: typeof payload.authAt === "number" ? payload.authAt : 0,
    // Signed in through single sign-on: the sign-in policy's second factor is the identity provider's (ADR 044).
    ...(payload.sso === true ? { sso: true } : {}),
  };
}

/**
 * The signed-in user's id from the request's session cookie, or null (none, invalid, expired).
 * `claims`, when given, receives the session's id and sign-in time (checked with the user's row:
 * a signed-out session is refused, lib/identity/sessions.ts).
 */
export async function sessionUserId(req: Request, claims?: { value?: SessionClaims }): Promise<string | null> {
  const cookie = req.headers.get("cookie");
  if (!cookie || !cookie.includes("authjs.session-token")) return null;
  // getToken reads only the cookie here; it gets it alone in a Headers of its own (it would copy a
  // non-undici request's headers whole, ADR 043).
  const cookieOnly = { headers: new Headers([["cookie", cookie]]) };
  for (const c of sessionCookieNames(env().AUTH_URL)) {
    if (!cookie.includes(c.name)) continue;
    // getToken joins a cookie split into chunks (name.0, name.1, …) and returns the raw token.
    const raw = (await getToken({ req: cookieOnly, secret: env().AUTH_SECRET, secureCookie: c.secure, cookieName: c.name, raw: true })) as string | null;
    if (!raw) continue;
    const hit = known.get(raw);
    if (hit) {
      if (hit.expMs > Date.now()) {
        if (claims) claims.value = hit.claims;
        return hit.uid;
      }
      known.delete(raw);
      return null;
    }
    const payload = await decodeSessionToken(raw, env().AUTH_SECRET, c.name).catch(() => null);
    const uid = typeof payload?.uid === "string" ? payload.uid : null;
    if (!uid) return null;
    const expMs = typeof payload?.exp === "number" ? payload.exp * 1000 : Date.now() + 60_000;
    if (expMs <= Date.now()) return null;
    if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value!);
    const sessionClaims = sessionClaimsOf(payload!);
    known.set(raw, { uid, expMs, claims: sessionClaims });
    if (claims) claims.value = sessionClaims;
    return uid;
  }
  return null;
}

const ENC_KEY_BYTES = { "A256CBC-HS512": 64, A256GCM: 32 } as const;
type Enc = keyof typeof ENC_KEY_BYTES;
const derived = new Map<string, Promise<{ key: Uint8Array; kid: string }>>();

function derivedKey(enc: Enc, secret: string, salt: string): Promise<{ key: Uint8Array; kid: string }> {
  const id = `${enc}\u0000${salt}\u0000${secret}`;
  let hit = derived.get(id);
  if (!hit) {
    const key = new Uint8Array(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, ENC_KEY_BYTES[enc]));
    hit = calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, `sha${key.byteLength << 3}` as "sha256" | "sha512").then((kid) => ({ key, kid }));
    derived.set(id, hit);
  }
  return hit;
}

/** next-auth's session JWT decode (same algorithms, key derivation and checks), with the derived key cached. */
export async function decodeSessionToken(token: string, secret: string, salt: string): Promise<Record<string, unknown>> {
  const { payload } = await jwtDecrypt(
    token,
    async ({ kid, enc }) => {
      if (!(enc in ENC_KEY_BYTES)) throw new Error("Unsupported JWT Content Encryption Algorithm");
      const k = await derivedKey(enc as Enc, secret, salt);
      if (kid !== undefined && kid !== k.kid) throw new Error("no matching decryption secret");
      return k.key;
    },
    { clockTolerance: 15, keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256CBC-HS512", "A256GCM"] },
  );
  return payload as Record<string, unknown>;
}
