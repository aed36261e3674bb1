import { query, replicaStatus } from "./db";
import { env } from "./env";
import { logger } from "./logger";
import { redis } from "./redis";

/**
 * What /api/health (unauthenticated) says about a failed check: the driver's message names hosts,
 * users and databases, so it goes to the log, and the answer says only "error" — except in demo
 * mode, where seeing it at once is the point (security review L6).
 */
function failed(service: string) {
  return (e: unknown): string => {
    const message = e instanceof Error ? e.message : String(e);
    logger.warn({ service, err: message }, "health check failed");
    return env().DEMO_MODE ? `error: ${message}` : "error";
  };
}

/**
 * The read replica, when one is configured (ADR 049): "ok", "lagging" (past the notice threshold)
 * or "down" (the heavy reads run on the primary meanwhile), with its lag in seconds. It does not
 * make the process unhealthy: nothing fails while it is down or behind.
 */
export type ReplicaHealth = { status: "ok" | "lagging" | "down"; lagSeconds: number | null; fallbacks: number };

async function replicaHealth(): Promise<ReplicaHealth | undefined> {
  const s = await replicaStatus().catch(() => null);
  if (!s) return undefined;
  const fallbacks = s.fallbacks.error + s.fallbacks.down;
  if (!s.up) return { status: "down", lagSeconds: null, fallbacks };
  const lagging = s.lagSeconds !== null && s.lagSeconds > 0 && s.lagSeconds >= env().DATABASE_REPLICA_LAG_NOTICE_SECONDS;
  return { status: lagging ? "lagging" : "ok", lagSeconds: s.lagSeconds, fallbacks };
}

/** Liveness of the two services Baton depends on, and the read replica's state when there is one. */
export async function checkDependencies(): Promise<{ ok: boolean; database: string; redis: string; replica?: ReplicaHealth }> {
  const [database, cache, replica] = await Promise.all([
    query("SELECT 1")
      .then(() => "ok")
      .catch(failed("database")),
    redis()
      .ping()
      .then(() => "ok")
      .catch(failed("redis")),
    replicaHealth(),
  ]);
  return { ok: database === "ok" && cache === "ok", database, redis: cache, ...(replica ? { replica } : {}) };
}
