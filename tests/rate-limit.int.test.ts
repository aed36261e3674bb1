// Per-token rate limiting in withApi: a token past its requests a minute gets 429 problem+json
// with Retry-After; every answer carries the RateLimit headers; other tokens and people are not
// affected.
import { CloudEvent, HTTP } from "cloudevents";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createApiToken } from "@/lib/identity/service";
import { db, makeTeam, uid, type Team } from "./helpers";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));
// The API reads the session cookie through app/api/_lib/session-token (not auth()).
vi.mock("@/app/api/_lib/session-token", () => ({ sessionUserId: async () => session.userId }));
const { GET: listProcesses } = await import("@/app/api/v1/processes/route");
const { POST: postEvent } = await import("@/app/api/v1/events/route");

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

const ctx = { params: Promise.resolve({}) } as never;
function get(token: string | null) {
  session.userId = token ? null : team.users.admin.id;
  return listProcesses(new Request("http://localhost/api/v1/processes", { headers: token ? { authorization: `Bearer ${token}` } : {} }), ctx);
}
function event(token: string) {
  const m = HTTP.structured(new CloudEvent({ id: `evt-${uid()}`, source: "urn:test:rate", type: `com.acme.rate.${uid()}`, data: { n: 1 } }));
  return postEvent(new Request("http://localhost/api/v1/events", { method: "POST", headers: { ...(m.headers as Record<string, string>), authorization: `Bearer ${token}` }, body: m.body as string }), ctx);
}

/** A 429 as every limit answers it: problem+json, Retry-After within the window, nothing remaining. */
async function expectRefused(res: Response, windowS: number): Promise<{ code: string; status: number; detail: string }> {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowS);
  expect(res.headers.get("ratelimit-remaining")).toBe("0");
  const problem = (await res.json()) as { code: string; status: number; detail: string };
  expect(problem).toMatchObject({ code: "RATE_LIMITED", status: 429 });
  return problem;
}

describe("per-token rate limit", () => {
  it("answers 429 with Retry-After past the token's limit, on every route, and counts per token", async () => {
    const limited = await createApiToken(team.as.admin, { name: `rl-${uid()}`, role: "ADMIN", rateLimitPerMinute: 3 });
    expect(limited.rateLimitPerMinute).toBe(3);
    const other = await createApiToken(team.as.admin, { name: `rl-${uid()}`, role: "ADMIN", rateLimitPerMinute: 3 });

    const first = await get(limited.token);
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-limit")).toBe("3");
    expect(first.headers.get("ratelimit-remaining")).toBe("2");
    expect(first.headers.get("ratelimit-policy")).toBe("3;w=60");
    expect(Number(first.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    expect((await event(limited.token)).status).toBe(202);
    const third = await get(limited.token);
    expect(third.headers.get("ratelimit-remaining")).toBe("0");

    const problem = await expectRefused(await event(limited.token), 60);
    expect(problem.detail).toContain("more than 3 requests in a minute");
    // A refused event changes nothing.
    expect(await db().eventReceipt.count({ where: { source: "urn:test:rate", receivedAt: { gte: new Date(Date.now() - 1000) } } })).toBeLessThanOrEqual(1);
    expect((await get(limited.token)).status).toBe(429);

    // Another token and a person in the browser are not affected.
    expect((await get(other.token)).status).toBe(200);
    const person = await get(null);
    expect(person.status).toBe(200);
    expect(person.headers.get("ratelimit-limit")).toBeNull();
  });

  it("the installation default applies without an override, and 0 turns limiting off for a token", async () => {
    const byDefault = await createApiToken(team.as.admin, { name: `rl-${uid()}`, role: "ADMIN" });
    const res = await get(byDefault.token);
    expect(res.headers.get("ratelimit-limit")).toBe("6000");
    const unlimited = await createApiToken(team.as.admin, { name: `rl-${uid()}`, role: "ADMIN", rateLimitPerMinute: 0 });
    for (let i = 0; i < 3; i++) expect((await get(unlimited.token)).headers.get("ratelimit-limit")).toBeNull();
  });

  it("an invalid token is 401, not counted against anyone", async () => {
    const res = await get("bat_notarealtokennotarealtoken");
    expect(res.status).toBe(401);
    expect(res.headers.get("ratelimit-limit")).toBeNull();
  });
});

// The public routes (nobody signs in to call them) are limited per client address, in windows
// their flows share: the invitation link's lookup and accept, the password reset's request and
// confirm. Past the limit: 429 problem+json with Retry-After and the RateLimit fields.
const { POST: lookup } = await import("@/app/api/v1/invitations/lookup/route");
const { POST: accept } = await import("@/app/api/v1/invitations/accept/route");
const { POST: askReset } = await import("@/app/api/v1/account/password-reset/route");
const { POST: confirmReset } = await import("@/app/api/v1/account/password-reset/complete/route");
const { CLIENT_IP_HEADER } = await import("@/lib/http/request-meta");

describe("per-client limit of the public routes", () => {
  let n = 0;
  const client = () => `203.0.113.${(n++ % 250) + 1}`;
  const post = (route: typeof lookup, path: string, ip: string, body: unknown) =>
    route(new Request(`http://localhost${path}`, { method: "POST", headers: { "content-type": "application/json", [CLIENT_IP_HEADER]: ip }, body: JSON.stringify(body) }), ctx);
  const badLink = () => ({ token: `x${uid()}`.padEnd(43, "x") });

  it("invitation links: 30 a quarter hour from one address over lookup and accept, then 429 with Retry-After", async () => {
    const ip = client();
    const first = await post(lookup, "/api/v1/invitations/lookup", ip, badLink());
    expect(first.status).toBe(404);
    expect(first.headers.get("ratelimit-policy")).toBe("30;w=900");
    expect(first.headers.get("ratelimit-remaining")).toBe("29");
    for (let i = 0; i < 28; i++) expect((await post(lookup, "/api/v1/invitations/lookup", ip, badLink())).status).toBe(404);
    // The 30th is an accept: the two routes count together.
    expect((await post(accept, "/api/v1/invitations/accept", ip, { ...badLink(), password: "a long enough password" })).status).toBe(404);

    await expectRefused(await post(lookup, "/api/v1/invitations/lookup", ip, badLink()), 900);
    await expectRefused(await post(accept, "/api/v1/invitations/accept", ip, { ...badLink(), password: "a long enough password" }), 900);
    // Even a malformed request counts, and is refused before its body is read.
    expect((await post(lookup, "/api/v1/invitations/lookup", ip, {})).status).toBe(429);
    // Another address is not affected.
    expect((await post(lookup, "/api/v1/invitations/lookup", client(), badLink())).status).toBe(404);
  });

  it("password reset: 20 a quarter hour from one address over asking and confirming, the same answer until then", async () => {
    const ip = client();
    const answers = [];
    for (let i = 0; i < 19; i++) answers.push(await post(askReset, "/api/v1/account/password-reset", ip, { email: `nobody-${uid()}@test.local` }));
    expect(answers.map((r) => r.status)).toEqual(Array(19).fill(200));
    expect(answers[18]!.headers.get("ratelimit-remaining")).toBe("1");
    const spent = await post(confirmReset, "/api/v1/account/password-reset/complete", ip, { token: "x".repeat(43), password: "a long enough password" });
    expect(spent.status).toBe(422);
    expect(spent.headers.get("ratelimit-remaining")).toBe("0");

    const problem = await expectRefused(await post(askReset, "/api/v1/account/password-reset", ip, { email: `nobody-${uid()}@test.local` }), 900);
    // It says nothing about any address.
    expect(problem.detail).not.toContain("@");
    expect((await post(confirmReset, "/api/v1/account/password-reset/complete", ip, { token: "x".repeat(43), password: "a long enough password" })).status).toBe(429);
    expect((await post(askReset, "/api/v1/account/password-reset", client(), { email: `nobody-${uid()}@test.local` })).status).toBe(200);
  });
});
