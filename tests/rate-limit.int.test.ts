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

    const refusedEvent = await event(limited.token);
    expect(refusedEvent.status).toBe(429);
    expect(refusedEvent.headers.get("content-type")).toContain("application/problem+json");
    const retryAfter = Number(refusedEvent.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refusedEvent.headers.get("ratelimit-remaining")).toBe("0");
    const problem = (await refusedEvent.json()) as { code: string; status: number; detail: string };
    expect(problem).toMatchObject({ code: "RATE_LIMITED", status: 429 });
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
