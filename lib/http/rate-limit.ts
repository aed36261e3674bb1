import { createHash } from "node:crypto";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../env";
import { AppError } from "../errors";
import type { Actor } from "../identity/actor";
import { logger } from "../logger";
import { redis, redisKey } from "../redis";

// Rate limiting of the API, in fixed windows in Redis shared by every web process:
// - per token (machines: POST /api/v1/events and every other route a token calls), one minute;
// - per client address on the public routes that declare `clientRateLimit` (invitation links,
//   password reset: the routes nobody signs in to call), in the route's window and bucket.
// People in the browser are not limited here (sign-in has its own throttle). When Redis cannot
// answer, the request goes through: a limiter outage must not become an API outage.

const WINDOW_S = 60;
const limiters = new Map<string, RateLimiterRedis>();

/** One limiter per key space and limit; `keyPrefix` names the key space. */
function limiter(keyPrefix: string, points: number, duration: number): RateLimiterRedis {
  const id = `${keyPrefix}|${points}|${duration}`;
  let l = limiters.get(id);
  if (!l) {
    l = new RateLimiterRedis({ storeClient: redis(), keyPrefix, points, duration });
    limiters.set(id, l);
  }
  return l;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetS: number;
  /** The window's length in seconds. */
  windowS: number;
}

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) for a response. */
export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  return {
    "ratelimit-limit": String(s.limit),
    "ratelimit-remaining": String(Math.max(0, s.remaining)),
    "ratelimit-reset": String(s.resetS),
    "ratelimit-policy": `${s.limit};w=${s.windowS}`,
  };
}

/**
 * Counts one request under `key`. Returns the state for the RateLimit headers, or throws
 * RATE_LIMITED (429 with Retry-After) with that state in `details.rateLimit`; null when Redis
 * cannot answer (the request goes through).
 */
async function consume(
  l: RateLimiterRedis,
  key: string,
  limit: number,
  windowS: number,
  refusal: (retryAfterS: number) => { message: string; details?: Record<string, unknown> },
): Promise<RateLimitState | null> {
  const state = (remaining: number, msBeforeNext: number): RateLimitState => ({ limit, remaining, resetS: Math.max(1, Math.ceil(msBeforeNext / 1000)), windowS });
  try {
    const r = await l.consume(key, 1);
    return state(r.remainingPoints, r.msBeforeNext);
  } catch (e) {
    if (e instanceof RateLimiterRes) {
      const rateLimit = state(0, e.msBeforeNext);
      const { message, details } = refusal(rateLimit.resetS);
      throw new AppError("RATE_LIMITED", message, { details: { retryAfterS: rateLimit.resetS, ...details, rateLimit } });
    }
    logger.warn({ err: e instanceof Error ? e.message : String(e) }, "rate limiter unavailable; request let through");
    return null;
  }
}

/** The requests a minute this actor may make, or null when it is not limited. */
function limitFor(actor: Actor): number | null {
  if (actor.type !== "TOKEN" || !actor.id) return null;
  const n = actor.rateLimitPerMinute ?? env().API_RATE_LIMIT_PER_MINUTE;
  return n > 0 ? n : null;
}

/** Counts one request of a token (withApi); people in the browser are not limited (null). */
export async function consumeRequest(actor: Actor): Promise<RateLimitState | null> {
  const limit = limitFor(actor);
  if (limit === null) return null;
  // One key space for every limit, so a changed per-token limit keeps counting the same window.
  return consume(limiter(redisKey("ratelimit", "token"), limit, WINDOW_S), actor.id!, limit, WINDOW_S, (retryAfterS) => ({
    message: `This API token made more than ${limit} requests in a minute. Try again in ${retryAfterS} s.`,
    details: { limitPerMinute: limit },
  }));
}

/** A public route's limit per client address (ApiRoute.clientRateLimit). */
export interface ClientRateLimit {
  /** Routes of one flow count together (looking up and accepting an invitation). */
  bucket: string;
  points: number;
  windowS: number;
}

/**
 * Counts one request of a client address (as server.ts worked it out) on a public route
 * (defineRoute). The address is hashed: none sits in Redis in clear. A request with no known
 * address counts as one client.
 */
export async function consumeClientRequest(limit: ClientRateLimit, ip: string | undefined): Promise<RateLimitState | null> {
  const key = createHash("sha256").update(ip ?? "unknown").digest("hex").slice(0, 32);
  return consume(limiter(redisKey("ratelimit", "client", limit.bucket), limit.points, limit.windowS), key, limit.points, limit.windowS, (retryAfterS) => ({
    message: `Too many requests from your network. Try again in ${retryAfterS} s.`,
  }));
}
