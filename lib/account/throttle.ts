import { createHash } from "node:crypto";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../errors";
import { redis, redisKey } from "../redis";

// Fixed windows in Redis for the account endpoints nobody signs in to call (password reset) and
// for second-factor attempts, shared by every web process. Keys are hashed: no address or e-mail
// sits in Redis in clear.

const limiters = new Map<string, RateLimiterRedis>();

function limiter(name: string, points: number, windowS: number): RateLimiterRedis {
  const id = `${name}:${points}:${windowS}`;
  let l = limiters.get(id);
  if (!l) {
    l = new RateLimiterRedis({ storeClient: redis(), keyPrefix: redisKey("account-throttle", name), points, duration: windowS });
    limiters.set(id, l);
  }
  return l;
}

/**
 * Counts one attempt of `subject` under `name`. Over the limit: throws RATE_LIMITED (429 with
 * Retry-After), or with `silent` returns false (the caller answers as usual and does nothing).
 */
export async function throttle(name: string, subject: string, points: number, windowS: number, opts: { silent?: boolean } = {}): Promise<boolean> {
  const key = createHash("sha256").update(subject).digest("hex").slice(0, 32);
  try {
    await limiter(name, points, windowS).consume(key, 1);
    return true;
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    if (opts.silent) return false;
    const retryAfterS = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw new AppError("RATE_LIMITED", `Too many attempts. Try again in ${retryAfterS} s.`, { details: { retryAfterS } });
  }
}
