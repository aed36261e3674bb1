import { seesEverything, type Actor } from "../identity/actor";
import { randomUUID } from "node:crypto";
import { env } from "../env";
import { AppError } from "../errors";
import { actorForUser } from "../identity/service";
import { sessionRevocationChannel, type SessionRevocation } from "../identity/sessions";
import { closeWithRedis, createRedis, redis, redisKey, type RedisClient } from "../redis";
import { logger } from "../logger";
import { scopeOf } from "../identity/scope";
import { liveMessageSchema, mayReceive, sseFrame, type Viewer } from "./events";
import { liveChannel } from "./publish";

const encoder = new TextEncoder();

async function viewerOf(actor: Actor): Promise<Viewer> {
  const scope = await scopeOf(actor);
  return {
    seesEverything: seesEverything(actor),
    userId: actor.type === "USER" ? actor.id : null,
    groupIds: [...scope.groupIds, ...scope.supervisedGroupIds],
    reportIds: scope.reportIds,
  };
}

/**
 * A place among the streams one person (or token) may hold open at once (security review M15):
 * each stream holds a Redis connection, so without a cap one member could exhaust Redis's clients
 * and take the queues down with it. The places are a sorted set per actor in Redis (shared by
 * every web process), scored by when each lapses; a live stream renews its place on every
 * heartbeat, so places of streams whose process died lapse by themselves.
 */
async function takeStreamPlace(actor: Actor, heartbeatMs: number): Promise<{ renew: () => Promise<void>; release: () => Promise<void> }> {
  const key = redisKey("live", "streams", actor.type, actor.id ?? actor.name);
  const id = randomUUID();
  const lapse = () => String(Date.now() + heartbeatMs * 3);
  const now = String(Date.now());
  const [, [, count] = []] = (await redis().multi().zremrangebyscore(key, "-inf", now).zcard(key).exec()) ?? [];
  const cap = env().LIVE_STREAMS_PER_PERSON;
  if (Number(count) >= cap) {
    throw new AppError("RATE_LIMITED", `At most ${cap} live streams may be open at once per person; close another tab first.`, { details: { retryAfterS: 30 } });
  }
  await redis().multi().zadd(key, lapse(), id).pexpire(key, heartbeatMs * 3).exec();
  return {
    renew: async () => void (await redis().multi().zadd(key, lapse(), id).pexpire(key, heartbeatMs * 3).exec()),
    release: async () => void (await redis().zrem(key, id)),
  };
}

/**
 * Whether the stream's person may still receive events, checked at each heartbeat: a deactivated
 * person or an ended session is cut off then even if its revocation message was lost.
 */
async function stillAllowed(actor: Actor): Promise<boolean> {
  if (actor.type !== "USER" || !actor.id) return true;
  return (await actorForUser(actor.id, {}, actor.session)) !== null;
}

/** Whether an ended session (or all of a person's) is this stream's: a token's stream ends with its owner's sessions. */
export function endsStream(actor: Actor, ended: SessionRevocation): boolean {
  if (actor.type === "USER") return actor.id === ended.userId && (ended.sessionId === null || ended.sessionId === actor.session?.sid);
  if (actor.type === "TOKEN") return ended.sessionId === null && actor.owner?.id === ended.userId;
  return false;
}

/**
 * The live channels' one subscription in this process (issue #24): every open stream of the process
 * listens on it, so a web process holds one Redis subscriber connection however many tabs are open
 * (before, each stream held its own). Each process — whichever web process a decision was made on —
 * publishes to the same channel, so every process sees every event and filters it per stream.
 */
type LiveListener = (channel: string, raw: string) => void;
type LiveHub = { sub: RedisClient | null; ready: Promise<void> | null; listeners: Set<LiveListener> };
// On globalThis: one per process even when a bundler loads this module twice (Next.js and the router).
const hub: LiveHub = ((globalThis as unknown as { batonLiveHub?: LiveHub }).batonLiveHub ??= { sub: null, ready: null, listeners: new Set() });

async function listenLive(listener: LiveListener): Promise<() => void> {
  hub.listeners.add(listener);
  if (!hub.ready) {
    const sub = createRedis({ forWorker: true });
    closeWithRedis(sub);
    hub.sub = sub;
    sub.on("message", (channel: string, raw: string) => {
      for (const l of hub.listeners) l(channel, raw);
    });
    hub.ready = sub.subscribe(liveChannel(), sessionRevocationChannel()).then(
      () => undefined,
      (err: unknown) => {
        // The next stream tries again with a fresh connection.
        hub.ready = null;
        hub.sub = null;
        sub.disconnect();
        throw err;
      },
    );
  }
  try {
    await hub.ready;
  } catch (err) {
    hub.listeners.delete(listener);
    throw err;
  }
  return () => void hub.listeners.delete(listener);
}

/** Streams open in this process, and whether it holds its one subscription (for tests and metrics). */
export function liveHubState(): { streams: number; subscribed: boolean } {
  return { streams: hub.listeners.size, subscribed: hub.sub !== null };
}

/** Closes the process's subscription (tests, shutdown); the next stream opens it again. */
export async function closeLiveHub(): Promise<void> {
  const sub = hub.sub;
  hub.sub = null;
  hub.ready = null;
  hub.listeners.clear();
  if (sub) await sub.quit().catch(() => sub.disconnect());
}

/**
 * The body of GET /api/v1/stream: the events this actor may see, from the process's one Redis
 * subscription, a heartbeat comment (keeps proxies from closing an idle stream, and refreshes the
 * actor's groups), and cleanup when the client goes away.
 */
export async function openLiveStream(actor: Actor, signal: AbortSignal, opts: { heartbeatMs?: number } = {}): Promise<Response> {
  const heartbeatMs = opts.heartbeatMs ?? 20_000;
  const place = await takeStreamPlace(actor, heartbeatMs);
  let viewer = await viewerOf(actor).catch(async (e: unknown) => {
    await place.release();
    throw e;
  });
  let unlisten: (() => void) | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let closed = false;
  // Set in start() (which runs inside the constructor), used by cancel().
  let cleanupRef: (() => Promise<void>) | null = null;

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          void cleanup();
        }
      };
      const cleanup = async () => {
        if (closed) return;
        closed = true;
        if (timer) clearInterval(timer);
        signal.removeEventListener("abort", onAbort);
        unlisten?.();
        unlisten = null;
        await place.release().catch(() => undefined);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const onAbort = () => void cleanup();
      signal.addEventListener("abort", onAbort);
      cleanupRef = cleanup;

      const endedChannel = sessionRevocationChannel();
      const onMessage = (channel: string, raw: string) => {
        if (channel === endedChannel) {
          const ended = safeJson(raw) as SessionRevocation | null;
          if (ended && typeof ended.userId === "string" && endsStream(actor, { userId: ended.userId, sessionId: typeof ended.sessionId === "string" ? ended.sessionId : null })) {
            // The browser is told not to come back soon: its next request answers 401 anyway.
            send("event: session-ended\ndata: {}\n\n");
            void cleanup();
          }
          return;
        }
        const parsed = liveMessageSchema.safeParse(safeJson(raw));
        if (!parsed.success) return;
        const { event, audience } = parsed.data;
        if (mayReceive(viewer, audience, event.type)) send(sseFrame(event));
      };
      try {
        unlisten = await listenLive(onMessage);
        // Closed while it waited for the subscription.
        if (closed) unlisten();
      } catch (err) {
        logger.warn({ err: String(err) }, "live stream could not subscribe");
        send("retry: 10000\n\n");
        await cleanup();
        return;
      }
      // The browser reconnects after 5 s if the stream drops; "ready" tells it events now flow.
      send(`retry: 5000\nevent: ready\ndata: {}\n\n`);
      timer = setInterval(() => {
        send(`: heartbeat ${new Date().toISOString()}\n\n`);
        void place.renew().catch(() => undefined);
        stillAllowed(actor)
          .then(async (ok) => {
            if (!ok) return cleanup();
            viewer = await viewerOf(actor);
          })
          .catch(() => undefined);
      }, heartbeatMs);
      if (signal.aborted) await cleanup();
    },
    async cancel() {
      await cleanupRef?.();
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps compression middleware from buffering the stream.
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
