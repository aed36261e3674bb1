// Shared by the benchmark scripts: each bench gets its own database (created fresh, dropped at
// the end unless BENCH_KEEP_DB=1) and its own Redis prefix, prints a table, and ends with one
// JSON line of its figures.
import { loadEnvConfig } from "@next/env";
loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
import { execFileSync } from "node:child_process";
import pg from "pg";

export async function prepareBenchDatabase(name: string): Promise<string> {
  const base = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/baton_dev");
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
