// server.ts itself, as `npm run dev` starts it: it builds the API route table from the tree at
// boot and answers every /api/v1 entry from the router, before Next.js sees the request. (In
// development mode, so no build is needed; like any `next dev` it cannot share the checkout's
// .next/dev with a running `npm run dev`.)
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRouteTree } from "@/app/api/route-tree";
import { freePort } from "./helpers";

let child: ChildProcess;
let base: string;
let stderr = "";


beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(path.resolve("node_modules/.bin/tsx"), ["server.ts", "--dev", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server.ts exited ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${base}/api/v1/openapi.json`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) throw new Error(`server.ts did not answer within 120 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 150_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
});

describe("server.ts", () => {
  it("answers every entry of the route table from the router: 401 problem+json without credentials, not a Next.js page", async () => {
    for (const e of await loadRouteTree()) {
      const url = e.pattern.replace(/:\w+/g, "x1");
      const res = await fetch(`${base}${url}`, { method: e.method });
      expect(res.status, `${e.method} ${url}`).toBe(e.route.public ? 200 : 401);
      expect(res.headers.get("content-type"), `${e.method} ${url}`).toMatch(e.route.public ? /^application\/json/ : /^application\/problem\+json/);
    }
  });

  it("answers an /api/v1 path without a route itself (problem+json 404)", async () => {
    const res = await fetch(`${base}/api/v1/no-such-route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND", instance: "/api/v1/no-such-route" });
  });
});
