// Real worker and web processes for the integration suites and the scale bench
// (`node --import tsx workers/index.ts`, `server.ts --api-only`, on this run's database and whatever
// REDIS_URL / REDIS_PREFIX the caller set), a client that fails over between web processes as a
// load balancer does, and the free ports and private Redis servers they may need.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

const children: ChildProcess[] = [];

/**
 * A worker process with `env` on top of the test's own; resolves once it logged "worker ready".
 * `quiet`: LOG_LEVEL=warn (no line per job, as the benches measure it) and ready once its /health
 * answers on a port of its own.
 */
export async function startWorkerProcess(env: Record<string, string> = {}, opts: { quiet?: boolean; timeoutMs?: number } = {}): Promise<ChildProcess> {
  const healthPort = opts.quiet ? await freePort() : 0;
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("workers/index.ts")], {
    cwd: path.resolve("."),
    env: { ...process.env, WORKER_HEALTH_PORT: "0", LOG_LEVEL: "info", ...env, ...(opts.quiet ? { WORKER_HEALTH_PORT: String(healthPort), LOG_LEVEL: "warn" } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), opts.timeoutMs ?? 45_000);
    const isReady = () => {
      ready = true;
      clearTimeout(timer);
      resolve(child);
    };
    // Read to the end either way: a full pipe would stall the worker.
    const onData = (b: Buffer) => {
      if (ready) return;
      out = (out + b.toString()).slice(-20_000);
      if (!opts.quiet && out.includes("worker ready")) isReady();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
    if (opts.quiet) {
      const poll = () => {
        if (ready || child.exitCode !== null) return;
        fetch(`http://127.0.0.1:${healthPort}/health`).then(
          (res) => {
            void res.body?.cancel();
            isReady();
          },
          () => setTimeout(poll, 250),
        );
      };
      poll();
    }
  });
}

/** SIGTERM (a graceful shutdown) and wait for the exit. */
export async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

export type WebProcess = { url: string; child: ChildProcess };

/**
 * An API web process (`server.ts --api-only`, no Next.js, no build needed) on a free port, with
 * `env` on top of the caller's; resolves once it answers. Its log is dropped after start-up.
 */
export async function startApiWebProcess(env: Record<string, string> = {}): Promise<WebProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("server.ts"), "--api-only", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, NODE_ENV: "production", WEB_CONCURRENCY: "1", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let err = "";
  child.stderr!.on("data", (b: Buffer) => (err = (err + b.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server.ts --api-only exited ${child.exitCode}: ${err}`);
    if (await fetch(`${url}/api/v1/openapi.json`).then((r) => r.ok, () => false)) break;
    if (Date.now() > until) throw new Error(`server.ts --api-only did not answer: ${err}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child };
}

export const isAlive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

/**
 * A client behind a load balancer: sends to web `prefer`, and on a dead process (connection error),
 * a 503 or an Idempotency-Key still held by a request that died with its process (409 with
 * Retry-After), sends the same request with the same key to the next live one, for up to `ms`.
 */
export async function callWithFailover(
  webs: readonly WebProcess[],
  prefer: number,
  req: { method: string; path: string; token: string; key: string; body?: unknown },
  ms = 30_000,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const until = Date.now() + ms;
  for (let attempt = 0; ; attempt++) {
    const order = webs.map((_, k) => webs[(prefer + k) % webs.length]!).filter((w) => isAlive(w.child));
    const web = order[attempt % Math.max(order.length, 1)];
    if (web) {
      try {
        const res = await fetch(`${web.url}${req.path}`, {
          method: req.method,
          headers: { authorization: `Bearer ${req.token}`, "content-type": "application/json", "idempotency-key": req.key },
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
        });
        const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
        const retry = res.status === 503 || (res.status === 409 && res.headers.get("retry-after") !== null);
        if (!retry) return { status: res.status, json };
      } catch {
        // The process died under the request: try the next.
      }
    }
    if (Date.now() > until) throw new Error(`${req.method} ${req.path}: no answer within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** For afterAll: whatever worker or web process a failed test left running. */
export function killWorkerProcesses(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A Redis of the test's own on a free port, keeping nothing on disk: for tests that flush or
 * restart Redis, which must never happen to the shared one. Resolves once it accepts connections.
 */
export async function startPrivateRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const until = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.end();
        r(true);
      });
      s.on("error", () => r(false));
    });
    if (up) break;
    if (Date.now() > until || server.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (server.exitCode !== null) return;
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    },
  };
}

/** Reads an SSE (or any streamed) response's text as it arrives, until `close` (or its end). */
export function readStreamText(res: Response, abort: AbortController): { has: (s: string) => boolean; close: () => Promise<void> } {
  const reader = res.body!.getReader();
  let text = "";
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += new TextDecoder().decode(value);
    }
  })();
  return {
    has: (s: string) => text.includes(s),
    close: async () => {
      abort.abort();
      await reader.cancel().catch(() => undefined);
      await pump;
    },
  };
}
