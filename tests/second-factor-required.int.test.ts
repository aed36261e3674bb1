// "An admin can require" a second factor (issue #20, ADR 044): a password session of a person the
// sign-in policy covers, who has not set one up, reaches only the enrolment, /me and sign-out;
// every other route answers 403 MFA_ENROLMENT_REQUIRED, from the moment the policy says so, until
// the factor is on. Real next-auth JWTs go through the real route handlers and session decode.
import { encode } from "next-auth/jwt";
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { newSessionClaims } from "@/lib/identity/sessions";
import { getSignInPolicy, setSignInPolicy } from "@/lib/account/policy";
import { createUser, systemActor } from "@/prisma/factories";
import type { RouteHandler } from "@/lib/http/api-route";
import { db } from "./helpers";

const { GET: meRoute } = await import("@/app/api/v1/me/route");
const { GET: totpStatusRoute, POST: startTotpRoute } = await import("@/app/api/v1/me/totp/route");
const { POST: confirmTotpRoute } = await import("@/app/api/v1/me/totp/confirm/route");
const { GET: listTasksRoute } = await import("@/app/api/v1/tasks/route");
const { GET: notificationsRoute } = await import("@/app/api/v1/notifications/route");

const COOKIE = "authjs.session-token";

/** A session cookie as next-auth issues it at sign-in (auth.ts's jwt callback; `sso` for single sign-on). */
async function signIn(user: { id: string; name: string }, claims: Record<string, unknown> = {}): Promise<string> {
  const jwt = await encode({ token: { uid: user.id, name: user.name, ...newSessionClaims(), ...claims }, secret: env().AUTH_SECRET, salt: COOKIE, maxAge: 12 * 3600 });
  return `${COOKIE}=${jwt}`;
}

function call(route: RouteHandler, path: string, cookie: string, method = "GET", body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) };
  return route(new Request(`http://localhost${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), { params: Promise.resolve({}) });
}

describe("a sign-in policy that requires a second factor", () => {
  it("fences a person without one to the enrolment, /me and sign-out until they set it up", async () => {
    const before = await getSignInPolicy(systemActor());
    try {
      const auditor = await createUser(db(), { role: "AUDITOR" });
      const cookie = await signIn(auditor);
      expect((await call(listTasksRoute, "/api/v1/tasks", cookie)).status).toBe(200);

      await setSignInPolicy(systemActor(), { mfaRequiredRoles: ["AUDITOR"] });
      // A session from before the policy is fenced at once, on every other route.
      for (const [route, path] of [
        [listTasksRoute, "/api/v1/tasks"],
        [notificationsRoute, "/api/v1/notifications"],
      ] as const) {
        const refused = await call(route, path, cookie);
        expect(refused.status).toBe(403);
        expect(refused.headers.get("content-type")).toContain("application/problem+json");
        expect(await refused.json()).toMatchObject({ code: "MFA_ENROLMENT_REQUIRED", status: 403, enrolAt: "/settings/security?enrol=required" });
      }
      expect((await call(meRoute, "/api/v1/me", cookie)).status).toBe(200);
      expect(await (await call(totpStatusRoute, "/api/v1/me/totp", cookie)).json()).toMatchObject({ required: true, enabled: false });

      // Single sign-on: the identity provider asks for the second factor, the policy covers password sign-in.
      expect((await call(listTasksRoute, "/api/v1/tasks", await signIn(auditor, { sso: true }))).status).toBe(200);
      // A role the policy does not name is not affected.
      const member = await createUser(db(), { role: "MEMBER" });
      expect((await call(listTasksRoute, "/api/v1/tasks", await signIn(member))).status).toBe(200);

      // Set up in the same session: everything answers again at once.
      const started = await call(startTotpRoute, "/api/v1/me/totp", cookie, "POST");
      expect(started.status).toBe(200);
      const { secret } = (await started.json()) as { secret: string };
      const confirmed = await call(confirmTotpRoute, "/api/v1/me/totp/confirm", cookie, "POST", { code: await generate({ secret }) });
      expect(confirmed.status).toBe(200);
      expect((await call(listTasksRoute, "/api/v1/tasks", cookie)).status).toBe(200);
      expect((await call(notificationsRoute, "/api/v1/notifications", cookie)).status).toBe(200);
    } finally {
      await setSignInPolicy(systemActor(), before);
    }
  });
});
