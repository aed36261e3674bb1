import type { Redis } from "ioredis";
import { seesEverything, type Actor } from "../identity/actor";
import { randomUUID } from "node:crypto";
import { env } from "../env";
import { AppError } from "../errors";
import { actorForUser } from "../identity/service";
import { sessionsEndedChannel } from "../identity/sessions";
import { createRedis, redis, redisKey } from "../redis";
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

/** Whether the stream's person may still receive events: deactivated people are cut off at the next heartbeat. */
async function stillAllowed(actor: Actor): Promise<boolean> {
  if (actor.type !== "USER" || !actor.id) return true;
  return (await actorForUser(actor.id)) !== null;
}

/**
 * The body of GET /api/v1/stream: its own Redis subscriber, the events this actor may see,
 * a heartbeat comment (keeps proxies from closing an idle stream, and refreshes the actor's
 * groups), and cleanup when the client goes away.
 */
export async function openLiveStream(actor: Actor, signal: AbortSignal, opts: { heartbeatMs?: number } = {}): Promise<Response> {
  const heartbeatMs = opts.heartbeatMs ?? 20_000;
  const place = await takeStreamPlace(actor, heartbeatMs);
  let viewer = await viewerOf(actor).catch(async (e: unknown) => {
    await place.release();
    throw e;
  });
  let sub: Redis | null = null;
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
        const s = sub;
        sub = null;
        await place.release().catch(() => undefined);
        if (s) await s.quit().catch(() => s.disconnect());
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const onAbort = () => void cleanup();
      signal.addEventListener("abort", onAbort);
      cleanupRef = cleanup;

      sub = createRedis({ forWorker: true });
      sub.on("message", (channel: string, raw: string) => {
        // A deactivated (or logged-out-everywhere) person's streams end now, not at the next heartbeat.
        if (channel === sessionsEndedChannel()) {
          if (actor.type === "USER" && raw === actor.id) void cleanup();
          return;
        }
        const parsed = liveMessageSchema.safeParse(safeJson(raw));
        if (!parsed.success) return;
        const { event, audience } = parsed.data;
        if (mayReceive(viewer, audience, event.type)) send(sseFrame(event));
      });
      try {
        await sub.subscribe(liveChannel(), sessionsEndedChannel());
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
