import { decode, getToken } from "next-auth/jwt";
import { env } from "@/lib/env";

// The API's reading of a browser session: the user id in the next-auth session cookie (an
// encrypted JWT, see auth.ts). next-auth's auth() answers the same question by running its whole
// /session handler — a Request, a decrypt, a re-encrypt of a cookie it then throws away — about
// a millisecond and a half of CPU on every API call. A session token never changes once issued,
// so its decoded user id is kept, keyed by the exact token, until the token's own expiry.

const MAX_ENTRIES = 10_000;
const known = new Map<string, { uid: string; expMs: number }>();

const COOKIES = [
  { name: "__Secure-authjs.session-token", secure: true },
  { name: "authjs.session-token", secure: false },
] as const;

/** The signed-in user's id from the request's session cookie, or null (none, invalid, expired). */
export async function sessionUserId(req: Request): Promise<string | null> {
  const cookie = req.headers.get("cookie");
  if (!cookie || !cookie.includes("authjs.session-token")) return null;
  for (const c of COOKIES) {
    if (!cookie.includes(c.name)) continue;
    // getToken joins a cookie split into chunks (name.0, name.1, …) and returns the raw token.
    const raw = (await getToken({ req, secret: env().AUTH_SECRET, secureCookie: c.secure, cookieName: c.name, raw: true })) as string | null;
    if (!raw) continue;
    const hit = known.get(raw);
    if (hit) {
      if (hit.expMs > Date.now()) return hit.uid;
      known.delete(raw);
      return null;
    }
    const payload = await decode({ token: raw, secret: env().AUTH_SECRET, salt: c.name }).catch(() => null);
    const uid = typeof payload?.uid === "string" ? payload.uid : null;
    if (!uid) return null;
    const expMs = typeof payload?.exp === "number" ? payload.exp * 1000 : Date.now() + 60_000;
    if (expMs <= Date.now()) return null;
    if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value!);
    known.set(raw, { uid, expMs });
    return uid;
  }
  return null;
}
