import { query } from "./db";
import { redis } from "./redis";

/** Liveness of the two services Baton depends on. */
export async function checkDependencies(): Promise<{ ok: boolean; database: string; redis: string }> {
  const [database, cache] = await Promise.all([
    query("SELECT 1")
      .then(() => "ok")
      .catch((e: unknown) => `error: ${e instanceof Error ? e.message : String(e)}`),
    redis()
      .ping()
      .then(() => "ok")
      .catch((e: unknown) => `error: ${e instanceof Error ? e.message : String(e)}`),
  ]);
  return { ok: database === "ok" && cache === "ok", database, redis: cache };
}
