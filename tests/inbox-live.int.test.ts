// Live updates over SSE (GET /api/v1/stream) and the OpenAPI document, through the real route
// handlers against PostgreSQL and Redis (the next-auth session lookup is replaced by a variable).
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { redis } from "@/lib/redis";
import { liveChannel } from "@/lib/live/publish";
import { liveHubState } from "@/lib/live/stream";
import { claimTask, decideTask } from "@/lib/tasks";
import { requestInfo } from "@/lib/tasks";
import { groupTask, makeTeam, type Team } from "./helpers";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));
// The API reads the session cookie through app/api/_lib/session-token (not auth()).
vi.mock("@/app/api/_lib/session-token", () => ({ sessionUserId: async () => session.userId }));

const { GET: streamRoute } = await import("@/app/api/v1/stream/route");
const { GET: openApiRoute } = await import("@/app/api/v1/openapi.json/route");

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

interface Frame {
  event: string;
  data: string;
}

/** Opens the stream as a person and reads its frames. */
async function openStream(as: keyof Team["users"] | null) {
  session.userId = as ? team.users[as].id : null;
  const abort = new AbortController();
  const res = await streamRoute(new Request("http://localhost/api/v1/stream", { signal: abort.signal }), { params: Promise.resolve({}) });
  const frames: Frame[] = [];
  let buffer = "";
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  const pump = (async () => {
    if (!reader) return;
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buffer.indexOf("\n\n")) >= 0) {
        const raw = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = /^event: (.*)$/m.exec(raw)?.[1] ?? "message";
        const data = /^data: (.*)$/m.exec(raw)?.[1] ?? "";
        if (data) frames.push({ event, data });
      }
    }
  })();
  async function waitFor(pred: (f: Frame) => boolean, ms = 5000): Promise<Frame | undefined> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const f = frames.find(pred);
      if (f) return f;
      await new Promise((r) => setTimeout(r, 25));
    }
    return undefined;
  }
  return {
    res,
    frames,
    waitFor,
    async close() {
      abort.abort();
      await reader?.cancel().catch(() => undefined);
      await pump;
    },
  };
}

const taskEvent = (taskId: string, type?: string) => (f: Frame) => {
  if (f.event !== "task") return false;
  const e = JSON.parse(f.data) as { taskId: string; type: string };
  return e.taskId === taskId && (!type || e.type === type);
};

async function subscribers(): Promise<number> {
  const [, n] = (await redis().pubsub("NUMSUB", liveChannel())) as [string, number];
  return Number(n);
}

describe("GET /api/v1/stream", () => {
  it("401 without a session", async () => {
    session.userId = null;
    const res = await streamRoute(new Request("http://localhost/api/v1/stream"), { params: Promise.resolve({}) });
    expect(res.status).toBe(401);
  });

  it("a group member receives {type, taskId, version} for a decision; an outsider does not; both share the process's one subscription", async () => {
    const before = liveHubState().streams;
    const alice = await openStream("alice");
    const outsider = await openStream("outsider");
    expect(alice.res.status).toBe(200);
    expect(alice.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await alice.waitFor((f) => f.event === "ready")).toBeTruthy();
    expect(await outsider.waitFor((f) => f.event === "ready")).toBeTruthy();
    // One Redis subscription for the process, however many streams are open (issue #24).
    expect(await subscribers()).toBe(1);
    expect(liveHubState()).toEqual({ streams: before + 2, subscribed: true });

    const task = await groupTask(team);
    expect(await alice.waitFor(taskEvent(task.id, "task.created"))).toBeTruthy();
    await decideTask(team.as.bob, task.id, { outcome: "approve" });
    const frame = await alice.waitFor(taskEvent(task.id, "task.decided"));
    expect(JSON.parse(frame!.data)).toEqual({ type: "task.decided", taskId: task.id, version: 2 });

    // The outsider saw neither (give the bus a moment to prove it).
    await new Promise((r) => setTimeout(r, 300));
    expect(outsider.frames.filter((f) => f.event === "task")).toEqual([]);

    await alice.close();
    await outsider.close();
    for (let i = 0; i < 40 && liveHubState().streams > before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(liveHubState().streams).toBe(before);
    expect(await subscribers()).toBe(1);
  });

  it("the person asked receives the info request even outside the group; a claim reaches the group", async () => {
    // The supervisor is not in the group but can see its tasks: only such a person may be asked (M4).
    const outsider = await openStream("supervisor");
    const carol = await openStream("carol");
    await outsider.waitFor((f) => f.event === "ready");
    await carol.waitFor((f) => f.event === "ready");
    const task = await groupTask(team);
    await claimTask(team.as.alice, task.id);
    expect(await carol.waitFor(taskEvent(task.id, "task.claimed"))).toBeTruthy();
    await requestInfo(team.as.alice, task.id, { question: "Delivery note?", askTo: team.users.supervisor.email });
    const frame = await outsider.waitFor(taskEvent(task.id, "task.info_requested"));
    expect(JSON.parse(frame!.data)).toMatchObject({ version: 3 });
    await outsider.close();
    await carol.close();
  });
});

/** Every app/api/v1/**\/route.ts as an OpenAPI path ("[id]" → "{id}") with its exported methods. */
function apiRoutes(): { path: string; methods: string[] }[] {
  const root = path.resolve(__dirname, "../app/api/v1");
  const out: { path: string; methods: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const rel = path.relative(root, dir).split(path.sep).join("/");
        const src = fs.readFileSync(full, "utf8");
        const methods = [...src.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!.toLowerCase());
        out.push({ path: `/api/v1${rel ? `/${rel}` : ""}`.replace(/\[(\w+)\]/g, "{$1}"), methods });
      }
    }
  };
  walk(root);
  return out;
}

describe("GET /api/v1/openapi.json", () => {
  it("is a valid OpenAPI 3.1 JSON document naming every /api/v1 route and method, with problem+json and bearer auth", async () => {
    const res = await openApiRoute(new Request("http://localhost/api/v1/openapi.json"), { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    const doc = JSON.parse(await res.text()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
      components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(20);
    for (const r of routes) {
      expect(doc.paths[r.path], r.path).toBeTruthy();
      for (const m of r.methods) expect(doc.paths[r.path]?.[m], `${m.toUpperCase()} ${r.path}`).toBeTruthy();
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.schemas.Problem).toBeTruthy();
    expect(doc.paths["/api/v1/tasks/{id}/answer"]?.post?.responses["403"]?.content?.["application/problem+json"]).toBeTruthy();
    // Every $ref resolves.
    const text = JSON.stringify(doc);
    for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(doc.components.schemas[m[1]!], m[1]).toBeTruthy();
  });
});
