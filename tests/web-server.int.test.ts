// server.ts itself, as `npm run dev` starts it: it builds the API route table from the tree at
// boot and answers every /api/v1 entry from the router, before Next.js sees the request. (In
// development mode, so no build is needed; like any `next dev` it cannot share the checkout's
// .next/dev with a running `npm run dev`.)
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRouteTree } from "@/app/api/route-tree";
import { freePort, resetClientRateLimits } from "./helpers";

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
    if (child.exitCode !== null) throw new Error(`server.ts exited ${child.exitCode}: ${stderr}${lockHolder(stderr)}`);
    const ok = await fetch(`${base}/api/v1/openapi.json`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) throw new Error(`server.ts did not answer within 120 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 150_000);

/**
 * Next.js refuses a second dev server on one .next/dev ("Another next dev server is already
 * running", with the holder's PID). CI once met that on a fresh clone with no other dev server
 * known to run; when it happens, say what the holder is, so the next occurrence names its cause.
 */
function lockHolder(text: string): string {
  const pid = /PID:\D*(\d+)/.exec(text.replace(/\x1b\[[0-9;]*m/g, ""))?.[1];
  if (!pid) return "";
  try {
    return `\nthe lock's holder: ${execFileSync("ps", ["-o", "pid,ppid,etime,args", "-p", pid], { encoding: "utf8" })}`;
  } catch {
    return `\nthe lock's holder, PID ${pid}, is no longer running`;
  }
}

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
});

describe("server.ts", () => {
  it("answers every entry of the route table from the router: 401 problem+json without credentials, not a Next.js page", async () => {
    await resetClientRateLimits();
    for (const e of await loadRouteTree()) {
      const url = e.pattern.replace(/:\w+/g, "x1");
      const res = await fetch(`${base}${url}`, { method: e.method });
      // A public route that takes a body (accept an invitation, reset a password) refuses the missing body itself.
      if (e.route.public && e.route.body) expect([400, 422], `${e.method} ${url}`).toContain(res.status);
      else expect(res.status, `${e.method} ${url}`).toBe(e.route.public ? 200 : 401);
      const ok = e.route.public && !e.route.body;
      expect(res.headers.get("content-type"), `${e.method} ${url}`).toMatch(ok ? /^application\/json/ : /^application\/problem\+json/);
    }
  });

  it("answers an /api/v1 path without a route itself (problem+json 404)", async () => {
    const res = await fetch(`${base}/api/v1/no-such-route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND", instance: "/api/v1/no-such-route" });
  });

  it("sends the security headers on both paths: the API router's and Next.js's (M14)", async () => {
    for (const path of ["/api/v1/openapi.json", "/api/v1/no-such-route", "/api/health", "/login"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    }
    // A page: its own policy with a fresh nonce, which Next.js put on its scripts.
    const page = await fetch(`${base}/login`);
    const csp = page.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(await page.text()).toContain(`nonce="${nonce}"`);
    const again = (await fetch(`${base}/login`)).headers.get("content-security-policy");
    expect(again).not.toBe(csp);
  }, 120_000);

  it("refuses a cookie request from another site before it reaches the route (M1)", async () => {
    const claim = `${base}/api/v1/tasks/x1/claim`;
    const cookie = { cookie: "authjs.session-token=whatever" };
    const evil = await fetch(claim, { method: "POST", headers: { ...cookie, origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ code: "CROSS_SITE_REQUEST" });
    const sameSite = await fetch(claim, { method: "POST", headers: { ...cookie, "sec-fetch-site": "same-site" } });
    expect(sameSite.status).toBe(403);
    const form = await fetch(claim, { method: "POST", headers: { ...cookie, origin: base, "content-type": "text/plain" } });
    expect(form.status).toBe(415);
    // From Baton's own page it goes on to authentication (this cookie is not a session: 401).
    const own = await fetch(claim, { method: "POST", headers: { ...cookie, origin: base, "sec-fetch-site": "same-origin" } });
    expect(own.status).toBe(401);
  });

  it("limits bodies on the Next.js path too, while they stream, /api/auth included (M9)", async () => {
    const post = (headers: Record<string, string | number>, chunk: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${base}/api/auth/callback/credentials`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers } }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        // Only a little of the declared body is ever sent: the answer must not wait for the rest.
        req.write(chunk);
      });
    const huge = await post({ "content-length": 300 * 1024 * 1024 }, "email=a");
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const chunked = await post({ "transfer-encoding": "chunked" }, "7\r\nemail=a\r\n");
    expect(chunked.status).toBe(411);
  });
});
