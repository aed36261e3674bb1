import { redis, redisKey } from "../redis";

// Repeated failed sign-ins for one e-mail are slowed: after FREE_FAILURES, each further attempt
// must wait an exponentially growing lock-out (capped), whatever the password.
const FREE_FAILURES = 5;
const WINDOW_S = 15 * 60;
const BASE_LOCK_S = 30;
const MAX_LOCK_S = 15 * 60;

export async function lockedOutFor(email: string): Promise<number> {
  const ttl = await redis().pttl(redisKey("login-lock", email));
  return ttl > 0 ? Math.ceil(ttl / 1000) : 0;
}

export async function recordFailedLogin(email: string): Promise<number> {
  const key = redisKey("login-fail", email);
  const failures = await redis().incr(key);
  await redis().expire(key, WINDOW_S);
  if (failures >= FREE_FAILURES) {
    const lock = Math.min(BASE_LOCK_S * 2 ** (failures - FREE_FAILURES), MAX_LOCK_S);
    await redis().set(redisKey("login-lock", email), "1", "EX", lock);
    return lock;
  }
  return 0;
}

export async function clearFailedLogins(email: string): Promise<void> {
  await redis().del(redisKey("login-fail", email), redisKey("login-lock", email));
}
