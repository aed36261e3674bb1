import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import { env } from "../env";
import { logger } from "../logger";
import { isConnectionFault } from "./faults";
import { PRIMARY_FRESHNESS, type Freshness } from "./freshness";
import { query as primaryQuery, statementName, types } from "./pool";
import { db as primaryDb, type ColdReads } from "./prisma";
import type { Sql } from "./sql";

// The read replica (ADR 049): where the heavy reads go — the KPI dashboard, audit search and export,
// the separation-of-duties report — when DATABASE_REPLICA_URL names a streaming replica. Only reads
// come here (the connections are read-only even on a server that would take writes), and only
// reads that need not see the caller's own just-committed write: those stay on the primary. A
// replica that fails (down, refusing, a query cancelled by recovery) is not an error for the
// caller: the read runs again on the primary, a warning is logged, a counter counts it, and the
// replica is left alone for DATABASE_REPLICA_RETRY_MS (or until a lag probe reaches it again).

/** The read methods a heavy read uses: raw SQL (`query`) and Prisma's read API (`db`). */
export type HeavyReader = {
  source: Freshness["source"];
  query: <T>(sql: Sql | string, values?: unknown[]) => Promise<T[]>;
  db: () => ColdReads;
};

type ReplicaState = {
  pool: pg.Pool | null;
  prisma: PrismaClient | null;
  /** Until then the heavy reads go to the primary without trying the replica. */
  downUntil: number;
  fallbacks: { error: number; down: number };
  lastError: string | null;
};

const g = globalThis as unknown as { batonReplica?: ReplicaState };

function state(): ReplicaState {
  g.batonReplica ??= { pool: null, prisma: null, downUntil: 0, fallbacks: { error: 0, down: 0 }, lastError: null };
  return g.batonReplica;
}

export function replicaConfigured(): boolean {
  return Boolean(env().DATABASE_REPLICA_URL);
}

function replicaPool(): pg.Pool {
  const s = state();
  if (!s.pool) {
    const pool = new pg.Pool({
      connectionString: env().DATABASE_REPLICA_URL,
      // Tells the replica's sessions apart in pg_stat_activity (operators, and the replica test).
      application_name: "baton-replica",
      max: 5,
      idleTimeoutMillis: 30_000,
      // A replica that does not answer must not hold a dashboard up: the read falls back soon.
      connectionTimeoutMillis: Math.min(env().DB_POOL_TIMEOUT_MS, 3000),
      // Never a write, even on a server that would take one (a promoted replica, a wrong URL).
      options: "-c default_transaction_read_only=on",
    });
    // A replica that goes away must not crash the process (see pool.ts).
    pool.on("error", () => undefined);
    pool.on("connect", (client) => void client.on("error", () => undefined));
    s.pool = pool;
  }
  return s.pool;
}

function replicaPrisma(): PrismaClient {
  const s = state();
  s.prisma ??= new PrismaClient({ adapter: new PrismaPg(replicaPool(), { disposeExternalPool: false }) });
  return s.prisma;
}

async function replicaQuery<T>(sql: Sql | string, values: unknown[] = []): Promise<T[]> {
  const text = typeof sql === "string" ? sql : sql.text;
  const params = typeof sql === "string" ? values : sql.values;
  const result = await replicaPool().query({ name: statementName(text), text, values: params as unknown[], types });
  return result.rows as T[];
}

const PRIMARY: HeavyReader = { source: "primary", query: primaryQuery, db: primaryDb };
const REPLICA: HeavyReader = { source: "replica", query: replicaQuery, db: replicaPrisma };

/** A fault that says the replica is unreachable (as opposed to one query cancelled or refused). */
function isReplicaDown(e: unknown): boolean {
  if (isConnectionFault(e)) return true;
  // Prisma wraps the driver's error; its text still says what happened.
  const text = e instanceof Error ? `${e.message} ${String((e as { cause?: unknown }).cause ?? "")}` : String(e);
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down|not yet accepting)|Can't reach database server/i.test(text);
}

function isCallerError(e: unknown): boolean {
  // An AppError (validation, permission) is the answer, not a replica failure: no second try.
  return typeof e === "object" && e !== null && (e as { name?: unknown }).name === "AppError";
}

/**
 * Runs `fn` with the replica's readers when a replica is configured and not known to be down;
 * otherwise, or when it fails there, with the primary's. `what` names the read in the warning.
 * `fn` only reads, so running it again on the primary is safe. `primary: true` keeps a read that
 * must see the caller's own writes on the primary (the same code, either reader).
 */
export async function onReplica<T>(what: string, fn: (read: HeavyReader) => Promise<T>, opts: { primary?: boolean } = {}): Promise<T> {
  if (opts.primary) return fn(PRIMARY);
  return (await readHeavy(what, fn, false)).value;
}

/** `onReplica`, and where the figures came from with the replica's lag (for the "may be behind" note). */
export function onReplicaWithFreshness<T>(what: string, fn: (read: HeavyReader) => Promise<T>): Promise<{ value: T; freshness: Freshness }> {
  return readHeavy(what, fn, true);
}

async function readHeavy<T>(what: string, fn: (read: HeavyReader) => Promise<T>, measure: boolean): Promise<{ value: T; freshness: Freshness }> {
  if (!replicaConfigured()) return { value: await fn(PRIMARY), freshness: PRIMARY_FRESHNESS };
  const s = state();
  if (Date.now() < s.downUntil) {
    s.fallbacks.down++;
    return { value: await fn(PRIMARY), freshness: PRIMARY_FRESHNESS };
  }
  try {
    const [value, lag] = await Promise.all([fn(REPLICA), measure ? replicaLagSeconds().catch(() => null) : Promise.resolve(null)]);
    const notice = env().DATABASE_REPLICA_LAG_NOTICE_SECONDS;
    return { value, freshness: { source: "replica", lagSeconds: lag, behind: lag !== null && lag > 0 && lag >= notice } };
  } catch (e) {
    if (isCallerError(e)) throw e;
    const down = isReplicaDown(e);
    if (down) s.downUntil = Date.now() + env().DATABASE_REPLICA_RETRY_MS;
    s.fallbacks.error++;
    s.lastError = e instanceof Error ? e.message : String(e);
    logger.warn({ read: what, err: s.lastError, replicaDown: down }, "read replica failed: this read runs on the primary");
    return { value: await fn(PRIMARY), freshness: PRIMARY_FRESHNESS };
  }
}

/**
 * How far the replica is behind, in seconds: 0 when it has replayed everything it received (an
 * idle primary sends nothing, so the last replayed commit's age would overstate it), else the age
 * of the last commit it replayed. Measured on the replica's clock against the primary's commit
 * times: keep the two machines' clocks in sync (NTP). 0 on a server that is not a standby.
 */
async function replicaLagSeconds(): Promise<number> {
  const rows = await replicaQuery<{ lag: number | null }>(`
    SELECT CASE
             WHEN NOT pg_is_in_recovery() THEN 0
             WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
             ELSE GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()))
           END::float8 AS "lag"`);
  return Math.round((rows[0]?.lag ?? 0) * 1000) / 1000;
}

export type ReplicaStatus = {
  /** The replica answered the lag probe just now. */
  up: boolean;
  lagSeconds: number | null;
  /** Heavy reads that ran on the primary because the replica failed (error) or was left alone after a failure (down), since this process started. */
  fallbacks: { error: number; down: number };
};

/**
 * Probes the replica (health, metrics): its lag, or that it is down. A probe that reaches it ends
 * a "down" period early, so the heavy reads go back as soon as it is back. Null without a replica.
 */
export async function replicaStatus(): Promise<ReplicaStatus | null> {
  if (!replicaConfigured()) return null;
  const s = state();
  try {
    const lagSeconds = await replicaLagSeconds();
    s.downUntil = 0;
    return { up: true, lagSeconds, fallbacks: { ...s.fallbacks } };
  } catch (e) {
    s.lastError = e instanceof Error ? e.message : String(e);
    if (isReplicaDown(e)) s.downUntil = Math.max(s.downUntil, Date.now() + env().DATABASE_REPLICA_RETRY_MS);
    return { up: false, lagSeconds: null, fallbacks: { ...s.fallbacks } };
  }
}

/** Closes the replica's pool and client (shutdown, end of a script or test). */
export async function closeReplica(): Promise<void> {
  const s = g.batonReplica;
  if (!s) return;
  const { prisma, pool } = s;
  s.prisma = null;
  s.pool = null;
  s.downUntil = 0;
  if (prisma) await prisma.$disconnect().catch(() => undefined);
  if (pool) await pool.end().catch(() => undefined);
}
