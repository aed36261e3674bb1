import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../env";
import { AppError } from "../errors";
import type { Actor } from "../identity/actor";
import { logger } from "../logger";
import { redis, redisKey } from "../redis";

// Per-token rate limiting of the API (machines: POST /api/v1/events and every other route a
// token calls). A fixed one-minute window per token in Redis, shared by every web process.
// People in the browser are not limited here (sign-in has its own throttle). When Redis cannot
// answer, the request goes through: a limiter outage must not become an API outage.

const WINDOW_S = 60;
const limiters = new Map<number, RateLimiterRedis>();

function limiter(points: number): RateLimiterRedis {
  let l = limiters.get(points);
  if (!l) {
    // One key space for every limit, so a changed per-token limit keeps counting the same window.
    l = new RateLimiterRedis({ storeClient: redis(), keyPrefix: redisKey("ratelimit", "token"), points, duration: WINDOW_S });
    limiters.set(points, l);
  }
  return l;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetS: number;
}

/** The requests a minute this actor may make, or null when it is not limited. */
function limitFor(actor: Actor): number | null {
  if (actor.type !== "TOKEN" || !actor.id) return null;
  const n = actor.rateLimitPerMinute ?? env().API_RATE_LIMIT_PER_MINUTE;
  return n > 0 ? n : null;
}

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) for a response. */
export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  return {
    "ratelimit-limit": String(s.limit),
    "ratelimit-remaining": String(Math.max(0, s.remaining)),
    "ratelimit-reset": String(s.resetS),
    "ratelimit-policy": `${s.limit};w=${WINDOW_S}`,
  };
}

/**
 * Counts one request of a token. Returns the state for the RateLimit headers, or throws
 * RATE_LIMITED (429 with Retry-After) with that state in `details.rateLimit`.
 */
export async function consumeRequest(actor: Actor): Promise<RateLimitState | null> {
  const limit = limitFor(actor);
  if (limit === null) return null;
  try {
    const r = await limiter(limit).consume(actor.id!, 1);
    return { limit, remaining: r.remainingPoints, resetS: Math.max(1, Math.ceil(r.msBeforeNext / 1000)) };
  } catch (e) {
    if (e instanceof RateLimiterRes) {
      const retryAfterS = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new AppError("RATE_LIMITED", `This API token made more than ${limit} requests in a minute. Try again in ${retryAfterS} s.`, {
        details: { retryAfterS, limitPerMinute: limit, rateLimit: { limit, remaining: 0, resetS: retryAfterS } },
      });
    }
    logger.warn({ err: e instanceof Error ? e.message : String(e) }, "rate limiter unavailable; request let through");
    return null;
  }
}
