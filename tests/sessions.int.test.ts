// Logout and endSessionsOf end a browser session on the server at once (issue #18): a copied
// session cookie stops working, and so do the live streams it opened. Real next-auth JWTs (encoded
// exactly as next-auth encodes them) go through the real route handlers and session decode.
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { endSessionOfJwt, endSessionsOf, newSessionClaims } from "@/lib/identity/sessions";
import { decodeSessionToken } from "@/app/api/_lib/session-token";
import { createUser } from "@/prisma/factories";
import { db, makeTeam, type Team } from "./helpers";

const { GET: meRoute } = await import("@/app/api/v1/me/route");
const { GET: streamRoute } = await import("@/app/api/v1/stream/route");

const COOKIE = "authjs.session-token";
let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

/** A session cookie as next-auth issues it at sign-in (auth.ts's jwt callback adds uid, sid, authAt). */
async function signIn(user: { id: string; name: string }, claims = newSessionClaims()): Promise<string> {
  const jwt = await encode({ token: { uid: user.id, name: user.name, ...claims }, secret: env().AUTH_SECRET, salt: COOKIE, maxAge: 12 * 3600 });
  return `${COOKIE}=${jwt}`;
}

async function me(cookie: string): Promise<number> {
  const res = await meRoute(new Request("http://localhost/api/v1/me", { headers: { cookie } }), { params: Promise.resolve({}) });
  return res.status;
}

/** What next-auth's signOut event receives: the decoded JWT of the cookie being cleared. */
async function signOut(cookie: string): Promise<void> {
  const token = await decodeSessionToken(cookie.slice(COOKIE.length + 1), env().AUTH_SECRET, COOKIE);
  await endSessionOfJwt(token);
}

async function openStream(cookie: string) {
  const abort = new AbortController();
  const res = await streamRoute(new Request("http://localhost/api/v1/stream", { headers: { cookie }, signal: abort.signal }), { params: Promise.resolve({}) });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const ended = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  })();
  // Wait until it subscribed ("ready"), so a revocation published next reaches it.
  for (let i = 0; i < 200 && !text.includes("event: ready"); i++) await new Promise((r) => setTimeout(r, 25));
  expect(text).toContain("event: ready");
  return { ended, abort };
}

function within<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  return Promise.race([p, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms))]);
}

describe("logout", () => {
  it("refuses a copy of the signed-out cookie at once, and only that session", async () => {
    const user = await createUser(db(), { name: "Maya" });
    const laptop = await signIn(user);
    const phone = await signIn(user);
    expect(await me(laptop)).toBe(200);
    expect(await me(phone)).toBe(200);

    await signOut(laptop);
    // The cookie is the same bytes a thief would have copied (and its decode is cached): refused.
    expect(await me(laptop)).toBe(401);
    expect(await me(phone)).toBe(200);
    const [row] = await db().revokedSession.findMany({ where: { userId: user.id } });
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000);
    expect(await db().auditEntry.count({ where: { action: "user.logout", subjectId: user.id } })).toBe(1);
    // Signing out twice (two tabs) is harmless.
    await signOut(laptop);
    expect(await db().revokedSession.count({ where: { userId: user.id } })).toBe(1);
  });

  it("ends the live stream of that session at once, not another session's", async () => {
    const user = team.users.alice;
    const tab = await signIn(user);
    const other = await signIn(user);
    const a = await openStream(tab);
    const b = await openStream(other);
    await signOut(tab);
    const text = await within(a.ended, 2000);
    expect(text).not.toBe("timeout");
    expect(text).toContain("event: session-ended");
    expect(await within(b.ended, 300)).toBe("timeout");
    b.abort.abort();
  });
});

describe("endSessionsOf", () => {
  it("ends every session and stream of the person, audited; a new sign-in works", async () => {
    const user = await createUser(db(), { name: "Rita" });
    const [one, two] = [await signIn(user), await signIn(user)];
    const stream = await openStream(one);
    const bystander = await signIn(team.users.bob);
    await endSessionsOf(team.as.admin, user.id, "left the company");
    expect(await within(stream.ended, 2000)).not.toBe("timeout");
    expect(await me(one)).toBe(401);
    expect(await me(two)).toBe(401);
    expect(await me(bystander)).toBe(200);
    const entry = await db().auditEntry.findFirstOrThrow({ where: { action: "user.sessions_ended", subjectId: user.id } });
    expect(entry).toMatchObject({ actorId: team.users.admin.id, reason: "left the company", before: { sessionsValidAfter: null } });
    // A session signed in afterwards is a new one.
    await new Promise((r) => setTimeout(r, 5));
    expect(await me(await signIn(user))).toBe(200);
  });

  it("ends a session from before session ids (no sign-in time in its JWT)", async () => {
    const user = await createUser(db(), { name: "Sam" });
    const jwt = await encode({ token: { uid: user.id }, secret: env().AUTH_SECRET, salt: COOKIE });
    const legacy = `${COOKIE}=${jwt}`;
    expect(await me(legacy)).toBe(200);
    await endSessionsOf(team.as.admin, user.id);
    expect(await me(legacy)).toBe(401);
  });

  it("a role change or deactivation applies to the next request of a live session", async () => {
    const user = await createUser(db(), { name: "Dana", role: "SUPERVISOR" });
    const cookie = await signIn(user);
    const body = async () => (await meRoute(new Request("http://localhost/api/v1/me", { headers: { cookie } }), { params: Promise.resolve({}) })).json();
    expect((await body()).permissions).toContain("team:manage");
    await db().user.update({ where: { id: user.id }, data: { role: "MEMBER" } });
    expect((await body()).permissions).not.toContain("team:manage");
    await db().user.update({ where: { id: user.id }, data: { active: false } });
    expect(await me(cookie)).toBe(401);
  });
});
