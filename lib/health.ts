import { query } from "./db";
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

/** Liveness of the two services Baton depends on. */
export async function checkDependencies(): Promise<{ ok: boolean; database: string; redis: string }> {
  const [database, cache] = await Promise.all([
    query("SELECT 1")
      .then(() => "ok")
      .catch(failed("database")),
    redis()
      .ping()
      .then(() => "ok")
      .catch(failed("redis")),
  ]);
  return { ok: database === "ok" && cache === "ok", database, redis: cache };
}
