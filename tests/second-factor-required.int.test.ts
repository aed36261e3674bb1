// "An admin can require" a second factor (issue #20, ADR 044): a password session of a person the
// sign-in policy covers, who has not set one up, reaches only the enrolment, /me and sign-out;
// every other route answers 403 MFA_ENROLMENT_REQUIRED, from the moment the policy says so, until
// the factor is on. Real next-auth JWTs go through the real route handlers and session decode.
import { encode } from "next-auth/jwt";
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { appError } from "./helpers";
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
const { PUT: putPolicyRoute } = await import("@/app/api/v1/sign-in-policy/route");

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

describe("an admin requiring a second factor of their own role (ADR 053)", () => {
  const POLICY = "/api/v1/sign-in-policy";
  const changes = () => db().auditEntry.count({ where: { action: "signin_policy.changed" } });

  it("is asked to confirm (409, nothing changes), then saved and sent to set up their own factor", async () => {
    const before = await getSignInPolicy(systemActor());
    try {
      await setSignInPolicy(systemActor(), { mfaRequiredRoles: [] });
      const admin = await createUser(db(), { role: "ADMIN" });
      const cookie = await signIn(admin);
      const audited = await changes();

      const refused = await call(putPolicyRoute, POLICY, cookie, "PUT", { mfaRequiredRoles: ["ADMIN", "AUDITOR"] });
      expect(refused.status).toBe(409);
      const problem = (await refused.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({ code: "CONFIRMATION_REQUIRED", enrolmentRequired: true, enrolAt: "/settings/security?enrol=required" });
      expect(problem.withoutSecondFactor).toEqual(expect.any(Number));
      expect((await getSignInPolicy(systemActor())).mfaRequiredRoles).toEqual([]);
      expect(await changes()).toBe(audited);
      // The refusal changed nothing: the admin still works.
      expect((await call(listTasksRoute, "/api/v1/tasks", cookie)).status).toBe(200);

      const saved = await call(putPolicyRoute, POLICY, cookie, "PUT", { mfaRequiredRoles: ["ADMIN", "AUDITOR"], confirm: true });
      expect(saved.status).toBe(200);
      const dto = (await saved.json()) as { mfaRequiredRoles: string[]; enrolmentRequired: boolean; enrolAt: string | null; withoutSecondFactor: number };
      expect(dto).toMatchObject({ mfaRequiredRoles: ["ADMIN", "AUDITOR"], enrolmentRequired: true, enrolAt: "/settings/security?enrol=required" });
      expect(dto.withoutSecondFactor).toBeGreaterThanOrEqual(1);
      const entry = await db().auditEntry.findFirstOrThrow({ where: { action: "signin_policy.changed", actorId: admin.id }, orderBy: { seq: "desc" } });
      expect(entry.before).toEqual({ mfaRequiredRoles: [] });
      expect(entry.after).toMatchObject({ mfaRequiredRoles: ["ADMIN", "AUDITOR"], changedByIsSentToEnrol: true });
      // From the next request on, the admin reaches only the enrolment (ADR 044).
      expect(await (await call(listTasksRoute, "/api/v1/tasks", cookie)).json()).toMatchObject({ code: "MFA_ENROLMENT_REQUIRED" });
    } finally {
      await setSignInPolicy(systemActor(), before);
    }
  });

  it("asks nothing of an admin the change does not newly cover: single sign-on, no password, or a role already required", async () => {
    const before = await getSignInPolicy(systemActor());
    try {
      await setSignInPolicy(systemActor(), { mfaRequiredRoles: [] });
      const admin = await createUser(db(), { role: "ADMIN" });
      // Signed in through single sign-on: the identity provider asks for the factor; the policy does not fence the session.
      const viaSso = await call(putPolicyRoute, POLICY, await signIn(admin, { sso: true }), "PUT", { mfaRequiredRoles: ["ADMIN"] });
      expect(viaSso.status).toBe(200);
      expect(await viaSso.json()).toMatchObject({ mfaRequiredRoles: ["ADMIN"], enrolmentRequired: false, enrolAt: null });

      // A single-sign-on-only admin (no password) is never locked out by it, whatever the session says.
      const ssoOnly = await createUser(db(), { role: "ADMIN" });
      await db().user.update({ where: { id: ssoOnly.id }, data: { passwordHash: "!sso" } });
      const ssoOnlyCookie = await signIn(ssoOnly);
      expect((await call(listTasksRoute, "/api/v1/tasks", ssoOnlyCookie)).status).toBe(200);
      const more = await call(putPolicyRoute, POLICY, ssoOnlyCookie, "PUT", { mfaRequiredRoles: ["ADMIN", "SUPERVISOR"] });
      expect(more.status).toBe(200);
      expect(await more.json()).toMatchObject({ enrolmentRequired: false });
    } finally {
      await setSignInPolicy(systemActor(), before);
    }
  });

  it("refuses to require a factor nobody could set up (no BATON_SECRETS_KEY); lifting a requirement always works", async () => {
    const before = await getSignInPolicy(systemActor());
    const config = env() as { BATON_SECRETS_KEY?: string };
    const key = config.BATON_SECRETS_KEY;
    try {
      await setSignInPolicy(systemActor(), { mfaRequiredRoles: ["AUDITOR"] });
      config.BATON_SECRETS_KEY = undefined;
      const audited = await changes();
      const refused = await appError(setSignInPolicy(systemActor(), { mfaRequiredRoles: ["AUDITOR", "MEMBER"] }));
      expect(refused.code).toBe("CONFLICT");
      expect(refused.details).toEqual({ reason: "second_factor_unavailable" });
      expect(refused.message).toMatch(/BATON_SECRETS_KEY/);
      expect(await changes()).toBe(audited);
      expect((await getSignInPolicy(systemActor())).mfaRequiredRoles).toEqual(["AUDITOR"]);
      expect((await setSignInPolicy(systemActor(), { mfaRequiredRoles: [] })).mfaRequiredRoles).toEqual([]);
    } finally {
      config.BATON_SECRETS_KEY = key;
      await setSignInPolicy(systemActor(), before);
    }
  });
});
