import { createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { getToken } from "next-auth/jwt";
import { base64url, calculateJwkThumbprint } from "jose";
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
// cookie name instead of on every call — they were two thirds of a first request's cost — and
// that the decryption uses node:crypto's synchronous primitives (decodeSessionToken, ADR 056).
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
const derived = new Map<string, { key: Buffer; kid: Promise<string> }>();

function derivedKey(enc: Enc, secret: string, salt: string): { key: Buffer; kid: Promise<string> } {
  const id = `${enc}\u0000${salt}\u0000${secret}`;
  let hit = derived.get(id);
  if (!hit) {
    const key = Buffer.from(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, ENC_KEY_BYTES[enc]));
    const kid = calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, `sha${key.byteLength << 3}` as "sha256" | "sha512");
    hit = { key, kid };
    derived.set(id, hit);
  }
  return hit;
}

class InvalidSessionToken extends Error {
  constructor(reason: string) {
    super(`invalid session token: ${reason}`);
    this.name = "InvalidSessionToken";
  }
}

const CLOCK_TOLERANCE_S = 15;
const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * next-auth's session JWT decode: the same algorithms ("dir" with A256CBC-HS512 or A256GCM, RFC 7516
 * and RFC 7518 §5.2 / §5.3), key derivation, `kid` check and claim checks (exp and nbf with 15 s of
 * tolerance), with node:crypto's synchronous primitives instead of jose's WebCrypto calls. jose
 * runs each of a token's six WebCrypto steps (two key imports, two HMACs for its constant-time
 * compare, the MAC and the decryption) as an async job on the thread pool: about 0.4 ms of CPU a
 * token, a tenth of a decision's whole cost in the web process (ADR 056). Anything this reader does
 * not recognise (a `zip` or `crit` header, an encrypted key, another algorithm) is refused.
 * session-token.test.ts checks it against next-auth's own encode and decode.
 */
export async function decodeSessionToken(token: string, secret: string, salt: string): Promise<Record<string, unknown>> {
  const parts = token.split(".");
  if (parts.length !== 5 || !parts.every((p) => B64URL.test(p))) throw new InvalidSessionToken("not a compact JWE");
  const [protectedB64, encryptedKey, ivB64, cipherB64, tagB64] = parts as [string, string, string, string, string];
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(protectedB64, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new InvalidSessionToken("header is not JSON");
  }
  if (!header || typeof header !== "object" || Array.isArray(header)) throw new InvalidSessionToken("header is not an object");
  const enc = header.enc;
  if (header.alg !== "dir" || typeof enc !== "string" || !(enc in ENC_KEY_BYTES)) throw new InvalidSessionToken("unsupported algorithm");
  if ("zip" in header || "crit" in header) throw new InvalidSessionToken("unsupported header parameter");
  if (encryptedKey !== "") throw new InvalidSessionToken("direct encryption carries no encrypted key");
  const { key, kid } = derivedKey(enc as Enc, secret, salt);
  if (header.kid !== undefined && header.kid !== (await kid)) throw new InvalidSessionToken("no matching decryption secret");

  const aad = Buffer.from(protectedB64, "ascii");
  const iv = Buffer.from(ivB64, "base64url");
  const ciphertext = Buffer.from(cipherB64, "base64url");
  const tag = Buffer.from(tagB64, "base64url");
  let plaintext: Buffer;
  try {
    if (enc === "A256GCM") {
      if (iv.length !== 12 || tag.length !== 16) throw new InvalidSessionToken("bad iv or tag length");
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } else {
      // AES_256_CBC_HMAC_SHA_512 (RFC 7518 §5.2.2.2): MAC key first, encryption key second; the tag
      // is the first half of HMAC-SHA-512(AAD || IV || ciphertext || AL), AL the AAD's length in bits.
      if (iv.length !== 16 || tag.length !== 32) throw new InvalidSessionToken("bad iv or tag length");
      const al = Buffer.alloc(8);
      al.writeBigUInt64BE(BigInt(aad.length) << 3n);
      const expected = createHmac("sha512", key.subarray(0, 32)).update(aad).update(iv).update(ciphertext).update(al).digest().subarray(0, 32);
      if (!timingSafeEqual(expected, tag)) throw new InvalidSessionToken("authentication failed");
      const decipher = createDecipheriv("aes-256-cbc", key.subarray(32), iv);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    }
  } catch (e) {
    if (e instanceof InvalidSessionToken) throw e;
    throw new InvalidSessionToken("decryption failed");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(plaintext.toString("utf8"));
  } catch {
    throw new InvalidSessionToken("payload is not JSON");
  }
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new InvalidSessionToken("payload is not an object");
  const claims = payload as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  for (const c of ["exp", "nbf", "iat"] as const) {
    if (claims[c] !== undefined && typeof claims[c] !== "number") throw new InvalidSessionToken(`"${c}" is not a number`);
  }
  if (typeof claims.exp === "number" && claims.exp <= now - CLOCK_TOLERANCE_S) throw new InvalidSessionToken("expired");
  if (typeof claims.nbf === "number" && claims.nbf > now + CLOCK_TOLERANCE_S) throw new InvalidSessionToken("not yet valid");
  return claims;
}
