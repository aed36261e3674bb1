import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env";
import { logger } from "./logger";

const globalForRedis = globalThis as unknown as { batonRedis?: Redis };

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

export async function disconnectRedis(): Promise<void> {
  if (globalForRedis.batonRedis) {
    await globalForRedis.batonRedis.quit().catch(() => undefined);
    globalForRedis.batonRedis = undefined;
  }
}
