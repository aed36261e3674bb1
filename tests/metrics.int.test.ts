import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startApiServer, type ApiServer } from "./api-server";
import { groupTask, makeTeam, tokenFor, type Team } from "./helpers";

// No browser session in these calls: the session lookup answers "signed out".
vi.mock("@/auth", () => ({ auth: async () => null }));
// The API reads the session cookie through app/api/_lib/session-token (not auth()).
vi.mock("@/app/api/_lib/session-token", () => ({ sessionUserId: async () => null }));
const { GET: metricsRoute } = await import("@/app/api/metrics/route");

// The Prometheus endpoint: token-protected, valid text format (checked by Debian's promtool
// when it is installed — .ci/run installs it), and carrying Baton's own series.
const PROMTOOL = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((p) => existsSync(p));

let team: Team;
let admin: string;
let member: string;
let api: ApiServer;
beforeAll(async () => {
  team = await makeTeam();
  admin = (await tokenFor(team, "ADMIN")).token;
  member = (await tokenFor(team, "MEMBER")).token;
  await groupTask(team);
  api = await startApiServer();
});
afterAll(() => api.close());

function get(route: typeof metricsRoute, url: string, token?: string) {
  return route(new Request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }), { params: Promise.resolve({}) });
}

describe("GET /api/metrics", () => {
  it("refuses anonymous callers (401) and tokens without metrics:read (403)", async () => {
    expect((await get(metricsRoute, "http://localhost/api/metrics")).status).toBe(401);
    expect((await get(metricsRoute, "http://localhost/api/metrics", member)).status).toBe(403);
  });

  it("serves Baton's series in the Prometheus text format", async () => {
    // One API call through the router first, so the latency histogram has a sample with a route pattern.
    await fetch(`${api.url}/api/v1/tasks?view=all`, { headers: { authorization: `Bearer ${admin}` } });
    const res = await get(metricsRoute, "http://localhost/api/metrics", admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const body = await res.text();
    expect(body).toMatch(/^baton_tasks\{status="OPEN"\} [1-9]\d*$/m);
    expect(body).toMatch(/^baton_queue_jobs\{queue="notifications",state="waiting"\} \d+$/m);
    expect(body).toMatch(/^baton_audit_unsealed_entries \d+$/m);
    expect(body).toMatch(/^baton_events_unprocessed \d+$/m);
    expect(body).toMatch(/^baton_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/tasks",status="200"\} [1-9]/m);
    expect(body).toContain("baton_process_resident_memory_bytes");
  });

  it.skipIf(!PROMTOOL)("passes promtool check metrics", async () => {
    const body = await (await get(metricsRoute, "http://localhost/api/metrics", admin)).text();
    const result = spawnSync(PROMTOOL!, ["check", "metrics"], { input: body, encoding: "utf8" });
    expect(result.stdout + result.stderr).not.toMatch(/error/i);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});
