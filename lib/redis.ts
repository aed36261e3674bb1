import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env";
import { logger } from "./logger";

const globalForRedis = globalThis as unknown as { batonRedis?: Redis; batonRedisShared?: Set<Redis> };

/**
 * A new connection. BullMQ workers need `maxRetriesPerRequest: null` (blocking commands);
 * request-path connections fail fast instead.
 */
export function createRedis(opts: { forWorker?: boolean } & RedisOptions = {}): Redis {
  const { forWorker, ...rest } = opts;
  const client = new Redis(env().REDIS_URL, {
    maxRetriesPerRequest: forWorker ? null : 2,
    ...rest,
  });
  client.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
  return client;
}

/** Shared connection for the request path (rate limits, pub/sub publish, queue producers). */
export function redis(): Redis {
  if (!globalForRedis.batonRedis) globalForRedis.batonRedis = createRedis();
  return globalForRedis.batonRedis;
}

/** Key inside this installation's prefix. */
export function redisKey(...parts: string[]): string {
  return [env().REDIS_PREFIX, ...parts].join(":");
}

/**
 * A process-wide connection other than the shared one (the live-update subscription): closed by
 * disconnectRedis with it.
 */
export function closeWithRedis(client: Redis): void {
  (globalForRedis.batonRedisShared ??= new Set()).add(client);
  client.once("end", () => globalForRedis.batonRedisShared?.delete(client));
}

export async function disconnectRedis(): Promise<void> {
  for (const c of globalForRedis.batonRedisShared ?? []) await c.quit().catch(() => c.disconnect());
  globalForRedis.batonRedisShared?.clear();
  if (globalForRedis.batonRedis) {
    await globalForRedis.batonRedis.quit().catch(() => undefined);
    globalForRedis.batonRedis = undefined;
  }
}
