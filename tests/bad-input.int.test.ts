// Issue 19, point 4: input that passes a schema must never fail in PostgreSQL. Integers above
// 2^31-1 for Int columns, days that do not exist, and NUL characters in bodies, queries and path
// ids are refused as 4xx (422, or 404 for an id) before they reach the database — never 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type ApiServer } from "./api-server";
import { groupTask, makeTeam, tokenFor, type Team } from "./helpers";

let team: Team;
let admin: string;
let server: ApiServer;
beforeAll(async () => {
  team = await makeTeam();
  admin = (await tokenFor(team, "ADMIN")).token;
  server = await startApiServer();
});
afterAll(() => server.close());

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as { code?: string; errors?: { path: string }[] } | null };
}

describe("bad input is a 4xx, never a 500", () => {
  it("refuses integers an int4 column cannot hold", async () => {
    const task = await groupTask(team);
    for (const [method, path, body] of [
      ["POST", `/api/v1/tasks/${task.id}/claim`, { version: 2147483648 }],
      ["POST", `/api/v1/tasks/${task.id}/cancel`, { reason: "x", version: 1e15 }],
      ["PUT", `/api/v1/processes/no-such/split`, { versionA: 1, versionB: 2147483648, percentB: 5 }],
      ["POST", `/api/v1/processes/no-such/migrations/preview`, { targetVersion: 4294967296 }],
    ] as const) {
      const r = await call(method, path, body);
      expect(r.status, path).toBe(422);
    }
    expect((await call("GET", "/api/v1/instances?version=99999999999")).status).toBe(422);
    expect((await call("GET", "/api/v1/kpis?process=x&version=3000000000")).status).toBe(422);
  });

  it("refuses days that do not exist", async () => {
    for (const path of [
      "/api/v1/kpis?from=2026-13-45",
      "/api/v1/kpis?to=0000-02-29",
      "/api/v1/instances?startedFrom=2026-02-30",
      "/api/v1/tasks?view=decided&decidedFrom=2026-13-45",
      "/api/v1/audit?from=0000-02-29T00:00:00Z",
    ]) {
      const r = await call("GET", path);
      expect(r.status, path).toBe(422);
      expect(r.body?.code).toBe("VALIDATION_FAILED");
    }
    const create = await call("POST", "/api/v1/tasks", { title: "t", candidateGroup: team.group.key, dueAt: "0000-02-29T10:00:00Z" });
    expect(create.status).toBe(422);
  });

  it("refuses NUL in a path id (404), a query (422) and a body (422)", async () => {
    const task = await groupTask(team);
    expect((await call("GET", "/api/v1/tasks/ab%00cd")).status).toBe(404);
    expect((await call("POST", "/api/v1/tasks/ab%00cd/claim", {})).status).toBe(404);
    expect((await call("GET", "/api/v1/tasks?q=a%00b")).status).toBe(422);
    const body = await call("POST", `/api/v1/tasks/${task.id}/comments`, { body: "hello\u0000world" });
    expect(body.status).toBe(422);
    expect(body.body?.errors?.[0]?.path).toBe("body");
    const ctx = await call("POST", "/api/v1/tasks", { title: "t", candidateGroup: team.group.key, context: { "a\u0000": 1 } });
    expect(ctx.status).toBe(422);
  });
});
