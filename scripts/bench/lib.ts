// Shared by the benchmark scripts: each bench gets its own database (created fresh, dropped at
// the end unless BENCH_KEEP_DB=1) and its own Redis prefix, prints a table, and ends with one
// JSON line of its figures.
import { loadEnvConfig } from "@next/env";
loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";

export async function prepareBenchDatabase(name: string): Promise<string> {
  // Benchmarks create their own database, so they run as the owner role (ADR 025).
  const base = new URL(process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/baton_dev");
  const dbName = `baton_bench_${name}`;
  const admin = new URL(base);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${dbName}"`);
  await client.end();
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  process.env.DATABASE_URL = url.toString();
  process.env.DATABASE_OWNER_URL = url.toString();
  process.env.REDIS_PREFIX = dbName;
  process.env.LOG_LEVEL ??= "warn";
  process.env.AUTH_SECRET ??= "bench-secret-0123456789abcdef";
  execFileSync(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"], { stdio: "ignore", env: process.env });
  return url.toString();
}

export async function dropBenchDatabase(url: string): Promise<void> {
  if (process.env.BENCH_KEEP_DB === "1") return;
  const admin = new URL(url);
  const dbName = admin.pathname.slice(1);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await client.end();
}

/** Deletes every Redis key under the bench's own prefix (jobs its service calls queued). */
export async function cleanBenchRedis(): Promise<void> {
  const prefix = process.env.REDIS_PREFIX;
  if (!prefix?.startsWith("baton_bench_")) return;
  const { Redis } = await import("ioredis");
  const client = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 2 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function printTable(title: string, rows: [string, string | number][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  console.log("-".repeat(title.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log("");
}

/**
 * CPU time (ms, user + system) used so far by processes on this machine, grouped: the given child
 * processes by name, PostgreSQL and Redis server processes by their command, and this process as
 * "bench". Linux only (reads /proc); elsewhere it returns an empty map and the bench prints no
 * breakdown. Take one before and one after a phase and subtract with `cpuDelta`. `systemOnly`: the
 * time spent in the kernel alone (on loopback, sending to a socket runs the receiver's TCP stack too).
 */
export function cpuSnapshot(children: Record<string, number | undefined>, opts: { systemOnly?: boolean } = {}): Map<string, number> {
  const out = new Map<string, number>();
  if (process.platform !== "linux") return out;
  const tick = 10; // ms per clock tick (USER_HZ = 100 on Linux)
  const byPid = new Map(Object.entries(children).filter(([, pid]) => pid).map(([name, pid]) => [String(pid), name]));
  byPid.set(String(process.pid), "bench");
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime (fields 14, 15 of stat); with systemOnly the kernel's share alone (socket I/O, mostly)
    const ms = ((opts.systemOnly ? 0 : Number(fields[11])) + Number(fields[12])) * tick;
    const group = byPid.get(pid) ?? (comm === "postgres" || comm.startsWith("postgres") ? "postgres" : comm.startsWith("redis") ? "redis" : null);
    if (group) out.set(group, (out.get(group) ?? 0) + ms);
  }
  return out;
}

/** CPU ms per group between two snapshots (processes that exited between them are not counted). */
export function cpuDelta(before: Map<string, number>, after: Map<string, number>): [string, number][] {
  return [...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as [string, number]).sort((a, b) => b[1] - a[1]);
}

/** The stand-in ERP of the HTTP steps: answers every request at once with `{ ok, id }`, counting them. */
export async function startStandInErp(): Promise<{ url: string; calls: () => number; close: () => void }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      calls++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, id: calls }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls: () => calls, close: () => server.close() };
}

/**
 * POST a JSON body with a bearer token on a keep-alive agent; resolves with the status (0 on a
 * connection error). node:http is the lightest client here, so the harness takes as little as it
 * can of the cores it shares with what it measures.
 */
export function postStatus(agent: http.Agent, url: string, token: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: "POST",
      agent,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

/** The end of a bench in this process: queues, Redis and PostgreSQL connections closed, its keys and database gone. */
export async function finishBench(url: string): Promise<void> {
  const [{ closeQueues }, { disconnectRedis }, { disconnectDb, closePool }] = await Promise.all([import("../../lib/queues"), import("../../lib/redis"), import("../../lib/db")]);
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
  await closePool();
  await cleanBenchRedis();
  await dropBenchDatabase(url);
}
