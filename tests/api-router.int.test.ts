// The API router (lib/http/router.ts) over a real socket, with the table server.ts builds from
// the route tree: one entry per route file and exported method, each served; responses streamed
// while they are produced and stopped when the client goes away; the body limit enforced while
// the body streams in; latency labelled by the matched route pattern.
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRouteTree } from "@/app/api/route-tree";
import type { ApiEndpoint } from "@/lib/http/api-route";
import { liveChannel } from "@/lib/live/publish";
import { liveHubState } from "@/lib/live/stream";
import { metrics } from "@/lib/metrics/registry";
import { redis } from "@/lib/redis";
import { startApiServer, type ApiServer } from "./api-server";
import { groupTask, makeTeam, resetClientRateLimits, tokenFor, type Team } from "./helpers";

let team: Team;
let admin: string;
let server: ApiServer;
let endpoints: ApiEndpoint[];
beforeAll(async () => {
  team = await makeTeam();
  admin = (await tokenFor(team, "ADMIN")).token;
  endpoints = await loadRouteTree();
  server = await startApiServer();
});
afterAll(() => server.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Read from the files themselves: each route.ts under app/api/v1, its path and the methods it exports. */
function routesOnDisk(): string[] {
  const root = path.resolve(__dirname, "../app/api/v1");
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === "route.ts")
    .flatMap((f) => {
      const folders = path.dirname(f) === "." ? [] : path.dirname(f).split(path.sep);
      const pattern = ["/api/v1", ...folders.map((s) => s.replace(/^\[(\w+)\]$/, ":$1"))].join("/");
      const source = readFileSync(path.join(root, f), "utf8");
      return [...source.matchAll(/^export const (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/gm)].map((m) => `${m[1]} ${pattern}`);
    })
    .sort();
}

describe("the route table", () => {
  it("has exactly one entry per route file and exported method, at the path its folders name", () => {
    const table = endpoints.map((e) => `${e.method} ${e.pattern}`).sort();
    expect(table.length).toBeGreaterThan(80);
    expect(table).toEqual(routesOnDisk());
  });

  it("serves every entry: 401 problem+json without credentials (public ones: 200, or 400 for a missing body)", async () => {
    // The public forms are limited per client address, and every file of this shard calls from
    // 127.0.0.1: an earlier file's password resets must not have spent this one's allowance.
    await resetClientRateLimits();
    for (const e of endpoints) {
      const url = e.pattern.replace(/:\w+/g, "x1");
      const res = await fetch(`${server.url}${url}`, { method: e.method });
      if (e.route.public) {
        // The public API description answers; a public form (password reset) wants its body.
        expect(res.status, `${e.method} ${url}`).toBe(e.route.body ? 400 : 200);
        if (e.route.body) expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
        continue;
      }
      expect(res.status, `${e.method} ${url}`).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ code: "UNAUTHENTICATED", instance: url });
    }
  });

  it("prefers a static segment to a parameter, as Next.js does", async () => {
    const bulk = await fetch(`${server.url}/api/v1/tasks/bulk`, { method: "POST", headers: { ...bearer(admin), "content-type": "application/json" }, body: "{}" });
    expect(await bulk.json()).toMatchObject({ code: "VALIDATION_FAILED", detail: expect.stringMatching(/^Bulk action is invalid/) });
    const get = await fetch(`${server.url}/api/v1/tasks/bulk`, { headers: bearer(admin) });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("OPTIONS, POST");
  });

  it("answers a path without a route 404 and a method without a route 405, as problem+json; OPTIONS lists the methods", async () => {
    const none = await fetch(`${server.url}/api/v1/no-such-thing?x=1`, { headers: bearer(admin) });
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ code: "NOT_FOUND", instance: "/api/v1/no-such-thing" });
    const wrong = await fetch(`${server.url}/api/v1/tasks`, { method: "DELETE", headers: bearer(admin) });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, HEAD, OPTIONS, POST");
    expect(await wrong.json()).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
    const options = await fetch(`${server.url}/api/v1/tasks/x1/presence`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("DELETE, GET, HEAD, OPTIONS, POST");
  });

  it("answers HEAD with the GET route's status and headers", async () => {
    const task = await groupTask(team);
    const res = await fetch(`${server.url}/api/v1/tasks/${task.id}`, { method: "HEAD", headers: bearer(admin) });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"1"');
  });
});

async function subscribers(): Promise<number> {
  const [, n] = (await redis().pubsub("NUMSUB", liveChannel())) as [string, number];
  return Number(n);
}

async function until(what: string, check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("streamed responses", () => {
  it("SSE frames arrive as they are published, and the stream's listener goes away when the client disconnects", async () => {
    // One Redis subscription per process (ADR 042): the stream adds a listener to it, not a connection.
    const before = liveHubState().streams;
    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/v1/stream`, { headers: bearer(admin), signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("content-length")).toBeNull();
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const read = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${pattern}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await read(/event: ready/);
    expect(liveHubState()).toEqual({ streams: before + 1, subscribed: true });
    expect(await subscribers()).toBeGreaterThanOrEqual(1);

    const task = await groupTask(team);
    await read(new RegExp(`"taskId":"${task.id}"`));
    expect(text).toMatch(/event: task\ndata: \{"type":"task\.created"/);

    abort.abort();
    await until("the stream's listener to go", async () => liveHubState().streams === before);
  });

  it("the audit export is written as it is produced (chunked, no Content-Length)", async () => {
    await groupTask(team);
    const res = await fetch(`${server.url}/api/v1/audit/export?format=jsonl`, { headers: bearer(admin) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    const lines = (await res.text()).trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0]!)).toHaveProperty("action");
  });

  it("a complete response is written in one piece with its Content-Length", async () => {
    const res = await fetch(`${server.url}/api/v1/tasks?view=all&limit=1`, { headers: bearer(admin) });
    const body = await res.arrayBuffer();
    expect(res.headers.get("content-length")).toBe(String(body.byteLength));
  });
});

/** POSTs `size` bytes in 64 KiB chunks without a Content-Length (chunked), and returns the answer. */
function postChunked(url: string, size: number, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    // The server answers and closes before the upload ends: the rest of the upload fails, by design.
    req.on("error", (e) => (req.writableEnded ? undefined : reject(e)));
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("the request body limit", () => {
  it("refuses a streamed body as soon as it passes 1 MiB: 413 problem+json, and the connection closes", async () => {
    const res = await postChunked(`${server.url}/api/v1/tasks`, 3 * 1024 * 1024, { ...bearer(admin), "content-type": "application/json" });
    expect(res.status).toBe(413);
    expect(res.headers["connection"]).toBe("close");
    expect(JSON.parse(res.body)).toMatchObject({ code: "PAYLOAD_TOO_LARGE", detail: "The body must be at most 1024 KB." });
  });

  it("refuses a declared Content-Length over the limit before reading the body, for every method that takes one", async () => {
    for (const [method, url] of [
      ["PATCH", "/api/v1/me/settings"],
      ["PUT", "/api/v1/groups/x1/calendar"],
      ["DELETE", "/api/v1/team/members/x1/out-of-office"],
    ] as const) {
      const res = await fetch(`${server.url}${url}`, { method, headers: { ...bearer(admin), "content-type": "application/json" }, body: "x".repeat(1024 * 1024 + 1) });
      expect(res.status, `${method} ${url}`).toBe(413);
    }
  });

  it("answers nothing to a client that leaves while sending its body, and goes on serving", async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${server.url}/api/v1/tasks`, { method: "POST", headers: { ...bearer(admin), "content-type": "application/json", "transfer-encoding": "chunked" } });
      req.on("error", () => resolve());
      req.write(Buffer.alloc(64 * 1024, "a"), () => setTimeout(() => req.destroy(), 50));
    });
    const res = await fetch(`${server.url}/api/v1/tasks?limit=1`, { headers: bearer(admin) });
    expect(res.status).toBe(200);
  });

  it("lets a route declare a larger limit: a 1.5 MB DMN upload is read, and refused for what it is", async () => {
    const xml = `<?xml version="1.0"?><definitions>${"<!-- padding -->".repeat(100_000)}</definitions>`;
    expect(xml.length).toBeGreaterThan(1.5e6);
    const res = await fetch(`${server.url}/api/v1/decision-tables`, { method: "POST", headers: { ...bearer(admin), "content-type": "application/xml" }, body: xml });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: "DMN_INVALID" });
  });
});

describe("latency metrics", () => {
  it("are labelled by the matched route pattern, never the raw path; a path without a route by one fixed value", async () => {
    const task = await groupTask(team);
    await fetch(`${server.url}/api/v1/tasks/${task.id}`, { headers: bearer(admin) });
    await fetch(`${server.url}/api/v1/tasks/${task.id}/history`, { headers: bearer(admin) });
    await fetch(`${server.url}/api/v1/nothing/${task.id}`, { headers: bearer(admin) });
    const text = await metrics().registry.getSingleMetricAsString("baton_http_request_duration_seconds");
    expect(text).toMatch(/_count\{method="GET",route="\/api\/v1\/tasks\/:id",status="200"\} [1-9]/);
    expect(text).toMatch(/_count\{method="GET",route="\/api\/v1\/tasks\/:id\/history",status="200"\} [1-9]/);
    expect(text).toMatch(/_count\{method="GET",route="unmatched",status="404"\} [1-9]/);
    expect(text).not.toContain(task.id);
  });
});
