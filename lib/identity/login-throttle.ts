import { createHash } from "node:crypto";
import { redis, slotKey } from "../redis";

// Sign-in throttling (security review M8) that a stranger cannot turn against the account's owner:
// - per (e-mail, client address): after FREE_FAILURES, each further attempt from that client waits
//   an exponentially growing lock-out (capped) — the owner elsewhere is not affected;
// - per e-mail, across clients: after ACCOUNT_FAILURES in the window the account is locked for
//   every client *except those that signed in to it successfully before* (known clients, kept
//   KNOWN_CLIENT_DAYS; OWASP's "device cookie" idea, keyed by address), so a distributed guessing
//   run stops while the owner's usual browser keeps working;
// - per client address, across e-mails: SPRAY_FAILURES failures in the window lock that client out
//   of every account (a spray of many e-mails from one client);
// - every lock is checked before the password is hashed, and at most MAX_CONCURRENT_HASHES
//   password checks run at once in a process (Argon2 runs on the libuv threadpool), so a flood
//   spends no hashing CPU and cannot starve DNS, files and zlib of threads.
const FREE_FAILURES = 5;
const WINDOW_S = 15 * 60;
const BASE_LOCK_S = 30;
const MAX_LOCK_S = 15 * 60;
const ACCOUNT_FAILURES = 50;
const SPRAY_FAILURES = 20;
const KNOWN_CLIENT_DAYS = 30;
const MAX_CONCURRENT_HASHES = 4;

const clientOf = (ip: string | undefined) => createHash("sha256").update(ip ?? "unknown").digest("hex").slice(0, 32);
// One MULTI reads or writes the pair's, the account's and the client's keys together: on a Redis
// Cluster they share the hash tag "login" (one slot; sign-ins are few), see lib/redis.ts slotKey.
const keys = (email: string, ip: string | undefined) => {
  const client = clientOf(ip);
  return {
    pairFail: slotKey("login", "login-fail", email, client),
    pairLock: slotKey("login", "login-lock", email, client),
    accountFail: slotKey("login", "login-fail-account", email),
    clientFail: slotKey("login", "login-fail-client", client),
    known: slotKey("login", "login-known", email),
    client,
  };
};

/** Seconds this client must wait before trying this e-mail again (0: go ahead); checked before any hashing. */
export async function lockedOutFor(email: string, ip?: string): Promise<number> {
  const k = keys(email, ip);
  const results = (await redis().multi().pttl(k.pairLock).get(k.accountFail).get(k.clientFail).pttl(k.clientFail).zscore(k.known, k.client).exec()) ?? [];
  const [pairTtl, accountFailures, clientFailures, clientTtl, known] = results.map(([, v]) => v);
  const waits = [Number(pairTtl) > 0 ? Math.ceil(Number(pairTtl) / 1000) : 0];
  const isKnown = known !== null && Number(known) > Date.now();
  if (!isKnown && Number(accountFailures ?? 0) >= ACCOUNT_FAILURES) waits.push(BASE_LOCK_S);
  if (!isKnown && Number(clientFailures ?? 0) >= SPRAY_FAILURES) waits.push(Math.max(1, Math.ceil(Number(clientTtl) / 1000)));
  return Math.max(...waits);
}

/** Counts a failure against the pair, the account and the client; returns the pair's new lock (seconds, 0: none). */
export async function recordFailedLogin(email: string, ip?: string): Promise<number> {
  const k = keys(email, ip);
  const results = (await redis().multi().incr(k.pairFail).expire(k.pairFail, WINDOW_S).incr(k.accountFail).expire(k.accountFail, WINDOW_S, "NX").incr(k.clientFail).expire(k.clientFail, WINDOW_S, "NX").exec()) ?? [];
  const n = Number(results[0]?.[1] ?? 0);
  if (n >= FREE_FAILURES) {
    const lock = Math.min(BASE_LOCK_S * 2 ** (n - FREE_FAILURES), MAX_LOCK_S);
    await redis().set(k.pairLock, "1", "EX", lock);
    return lock;
  }
  return 0;
}

/** A successful sign-in: the pair's count goes, and this client becomes known to the account. */
export async function clearFailedLogins(email: string, ip?: string): Promise<void> {
  const k = keys(email, ip);
  const until = Date.now() + KNOWN_CLIENT_DAYS * 86_400_000;
  await redis()
    .multi()
    .del(k.pairFail, k.pairLock)
    .zadd(k.known, until, k.client)
    .zremrangebyscore(k.known, "-inf", Date.now())
    .pexpire(k.known, KNOWN_CLIENT_DAYS * 86_400_000)
    .exec();
}

let hashing = 0;

/** Runs a password check if fewer than MAX_CONCURRENT_HASHES are running here; null when too busy. */
export async function withHashSlot<T>(check: () => Promise<T>): Promise<T | null> {
  if (hashing >= MAX_CONCURRENT_HASHES) return null;
  hashing++;
  try {
    return await check();
  } finally {
    hashing--;
  }
}
