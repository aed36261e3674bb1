// Throwaway databases beside this run's own (release check, backup and restore, PgBouncer): named
// `<run database>_<suffix>` so `npm test` drops whatever a failed test leaves behind, created and
// migrated as the owner (ADR 025), and the CLI commands the operations runbook names, run for real.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export const root = path.resolve(__dirname, "..");

/** The owner's URL of this run's database (DATABASE_OWNER_URL, else DATABASE_URL). */
export function ownerRunUrl(): URL {
  return new URL(process.env.DATABASE_OWNER_URL ?? process.env.DATABASE_URL!);
}

/** The owner's URL of `<run database>_<suffix>` (at most 63 characters, PostgreSQL's limit). */
export function siblingUrl(suffix: string): URL {
  const u = ownerRunUrl();
  u.pathname = `/${`${u.pathname.slice(1)}_${suffix}`.slice(0, 63)}`;
  return u;
}

export function databaseOf(url: URL): string {
  return decodeURIComponent(url.pathname.slice(1));
}

export async function onServer<T>(url: URL | string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function adminUrl(): URL {
  const u = ownerRunUrl();
  u.pathname = "/postgres";
  return u;
}

export async function createDatabase(url: URL): Promise<void> {
  await onServer(adminUrl(), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${databaseOf(url)}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${databaseOf(url)}"`);
  });
}

export async function dropDatabase(url: URL): Promise<void> {
  await onServer(adminUrl(), (c) => c.query(`DROP DATABASE IF EXISTS "${databaseOf(url)}" WITH (FORCE)`));
}

/** Runs a command to its end; throws with its output when it fails. */
export function runOk(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? root, env: { ...process.env, ...opts.env }, encoding: "utf8", timeout: opts.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** `npm run db:migrate` of the current tree against `url` (migrate deploy as the owner). */
export function migrateDeploy(url: URL): SpawnSyncReturns<string> {
  return runOk(process.execPath, [path.join(root, "scripts", "prisma.mjs"), "migrate", "deploy"], {
    env: { DATABASE_URL: url.toString(), DATABASE_OWNER_URL: url.toString() },
  });
}

/** `npm run audit:verify` against `url`: resolves with its output, throws if the record is broken. */
export function auditVerify(url: URL): string {
  const r = runOk(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "scripts", "audit-verify.ts")], {
    env: { DATABASE_URL: url.toString(), DATABASE_OWNER_URL: url.toString(), LOG_LEVEL: "warn" },
  });
  return r.stdout;
}

/**
 * Applies the migration folders under `dir` in order and records each in `_prisma_migrations`
 * exactly as `prisma migrate deploy` does (name, sha256 of migration.sql, one applied step), so a
 * later `migrate deploy` takes them as applied. The same SQL as the CLI runs, without its
 * 1–2 s of start-up per call: the release check and the backup test build their databases
 * this way and keep the real CLI for the step under test.
 */
export async function applyMigrationsLikePrisma(url: URL, dir: string): Promise<string[]> {
  const names = readdirSync(dir).filter((n) => /^\d{14}_/.test(n)).sort();
  await onServer(url, async (c) => {
    await c.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    for (const name of names) {
      const script = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      await c.query("BEGIN");
      await c.query(script);
      await c.query(`INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count") VALUES ($1, $2, now(), $3, 1)`, [
        randomUUID(),
        createHash("sha256").update(script).digest("hex"),
        name,
      ]);
      await c.query("COMMIT");
    }
  });
  return names;
}

/** The application role's URL of the database `owner` names (DATABASE_URL's user and password). */
export function asAppRole(owner: URL): URL {
  const app = new URL(process.env.DATABASE_URL!);
  app.pathname = owner.pathname;
  return app;
}

/**
 * Gives the calling test file a fresh, migrated database `<run>_<suffix>` and Redis prefix
 * `<run prefix>_<suffix>` of its own, and points this process's environment at them. Call it at
 * the top of the file, before anything imports lib/ (lib/db and lib/env read the environment once).
 * Returns the owner's URL and a cleanup for afterAll (drops the database, deletes the keys).
 */
export async function ownDatabase(suffix: string): Promise<{ owner: URL; app: URL; prefix: string; cleanup: () => Promise<void> }> {
  const owner = siblingUrl(suffix);
  const app = asAppRole(owner);
  await createDatabase(owner);
  await applyMigrationsLikePrisma(owner, path.join(root, "prisma", "migrations"));
  const { grantAppRole } = await import("../scripts/lib/db-roles.mjs");
  await grantAppRole({ ownerUrl: owner.toString(), appUrl: app.toString() });
  const prefix = `${process.env.REDIS_PREFIX}_${suffix}`.slice(0, 64);
  process.env.DATABASE_URL = app.toString();
  process.env.DATABASE_OWNER_URL = owner.toString();
  process.env.REDIS_PREFIX = prefix;
  return {
    owner,
    app,
    prefix,
    cleanup: async () => {
      const [{ disconnectDb }, { redis }] = await Promise.all([import("@/lib/db"), import("@/lib/redis")]);
      await disconnectDb();
      const keys = await redis().keys(`${prefix}:*`);
      if (keys.length) await redis().unlink(...keys);
      await dropDatabase(owner);
    },
  };
}

/**
 * Closes this process's queues, Redis and database clients (the replica's and the owner's of
 * tests/helpers.ts too). The integration setup runs it after every file; a file that stops servers
 * of its own (a replica, a Redis Cluster) runs it first, so no client is left talking to them.
 */
export async function closeConnections(): Promise<void> {
  const [{ closeQueues }, { disconnectRedis }, { disconnectDb }] = await Promise.all([import("@/lib/queues"), import("@/lib/redis"), import("@/lib/db")]);
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
  const owner = globalThis as unknown as { batonOwnerDb?: { $disconnect(): Promise<void> } };
  await owner.batonOwnerDb?.$disconnect();
  owner.batonOwnerDb = undefined;
}
