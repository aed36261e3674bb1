import { Cluster, Redis, type RedisOptions } from "ioredis";
import { env, parseRedisNode } from "./env";
import { logger } from "./logger";

/** A connection to one Redis or to a Redis Cluster (REDIS_CLUSTER_NODES, ADR 049). */
export type RedisClient = Redis | Cluster;

const globalForRedis = globalThis as unknown as { batonRedis?: RedisClient; batonRedisShared?: Set<RedisClient> };

/** Baton talks to a Redis Cluster (REDIS_CLUSTER_NODES is set). */
export function redisIsCluster(): boolean {
  return Boolean(env().REDIS_CLUSTER_NODES);
}

/** ioredis' Cluster client on the seed nodes; credentials and TLS from the first node given as a URL. */
function createCluster(nodesText: string, options: RedisOptions): Cluster {
  const nodes = nodesText
    .split(",")
    .map((n) => parseRedisNode(n))
    .filter((n): n is NonNullable<typeof n> => n !== null);
  const withAuth = nodes.find((n) => n.url)?.url;
  const redisOptions: RedisOptions = {
    ...options,
    ...(withAuth?.username ? { username: decodeURIComponent(withAuth.username) } : {}),
    ...(withAuth?.password ? { password: decodeURIComponent(withAuth.password) } : {}),
    ...(withAuth?.protocol === "rediss:" ? { tls: {} } : {}),
  };
  return new Cluster(
    nodes.map(({ host, port }) => ({ host, port })),
    {
      redisOptions,
      // Per node: BullMQ's blocking commands need maxRetriesPerRequest null, the request path fails fast.
      // A failover moves slots: follow MOVED/ASK a few times before giving up.
      maxRedirections: 16,
      retryDelayOnFailover: 200,
    },
  );
}

/**
 * A new connection. BullMQ workers need `maxRetriesPerRequest: null` (blocking commands);
 * request-path connections fail fast instead.
 */
export function createRedis(opts: { forWorker?: boolean } & RedisOptions = {}): RedisClient {
  const { forWorker, ...rest } = opts;
  const options: RedisOptions = { maxRetriesPerRequest: forWorker ? null : 2, ...rest };
  const nodes = env().REDIS_CLUSTER_NODES;
  const client = nodes ? createCluster(nodes, options) : new Redis(env().REDIS_URL, options);
  client.on("error", (err: Error) => logger.warn({ err: err.message }, "redis connection error"));
  return client;
}

/** Shared connection for the request path (rate limits, pub/sub publish, queue producers). */
export function redis(): RedisClient {
  if (!globalForRedis.batonRedis) globalForRedis.batonRedis = createRedis();
  return globalForRedis.batonRedis;
}

/** Key inside this installation's prefix. */
export function redisKey(...parts: string[]): string {
  return [env().REDIS_PREFIX, ...parts].join(":");
}

/**
 * A key that a MULTI, a pipeline or a Lua script uses together with other keys of the same `tag`.
 * On a Redis Cluster the tag becomes a hash tag (`<prefix>:{tag}:…`), so those keys share one hash
 * slot (a command over keys of several slots fails with CROSSSLOT); on one Redis the key is
 * `redisKey(...parts)` as it always was, so a single-node installation keeps its keys.
 */
export function slotKey(tag: string, ...parts: string[]): string {
  return redisIsCluster() ? [env().REDIS_PREFIX, `{${tag}}`, ...parts].join(":") : redisKey(...parts);
}

/**
 * A process-wide connection other than the shared one (the live-update subscription): closed by
 * disconnectRedis with it.
 */
export function closeWithRedis(client: RedisClient): void {
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
