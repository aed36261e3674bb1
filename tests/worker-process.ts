// Real worker processes for the integration suites (`node --import tsx workers/index.ts`, on this
// run's database and whatever REDIS_URL / REDIS_PREFIX the test file set), and the free ports and
// private Redis servers they may need.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

const children: ChildProcess[] = [];

/** A worker process with `env` on top of the test's own; resolves once it logged "worker ready". */
export function startWorkerProcess(env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("workers/index.ts")], {
    cwd: path.resolve("."),
    env: { ...process.env, WORKER_HEALTH_PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 45_000);
    // Read to the end either way: a full pipe would stall the worker.
    const onData = (b: Buffer) => {
      if (ready) return;
      out += b.toString();
      if (out.includes("worker ready")) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
}

/** SIGTERM (a graceful shutdown) and wait for the exit. */
export async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** For afterAll: whatever worker a failed test left running. */
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
