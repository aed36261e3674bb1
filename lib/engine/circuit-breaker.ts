import type { Registry } from "prom-client";
import client from "prom-client";
import { env } from "../env";
import { redis, slotKey } from "../redis";
import { extendMetrics } from "../metrics/registry";

// A circuit breaker per target host of HTTP steps, kept in Redis so every worker process shares
// it. Closed: calls go through; failures (network errors, timeouts, 5xx) are counted in a sliding
// window and CIRCUIT_FAILURE_THRESHOLD of them open it. Open: no call goes through until the
// cool-down ends; then one caller gets the half-open probe, and its result closes the breaker or
// opens it again. Each decision is one Lua script, so concurrent workers never race on it.

type BreakerState = "closed" | "open" | "half_open";
type Gate = { allowed: true; probe: boolean } | { allowed: false; state: Exclude<BreakerState, "closed">; until: Date };

interface BreakerView {
  host: string;
  state: BreakerState;
  /** Failures counted in the current window (closed breakers). */
  failures: number;
  openedAt: string | null;
  /** When an open breaker lets its half-open probe through. */
  openUntil: string | null;
  lastError: string | null;
}

const ACQUIRE = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state or state == 'closed' then return {'allow', 0} end
local now = tonumber(ARGV[1])
if state == 'open' then
  local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
  if now < openUntil then return {'open', openUntil} end
  redis.call('HSET', KEYS[1], 'state', 'half_open', 'probeUntil', now + tonumber(ARGV[2]))
  return {'probe', 0}
end
local probeUntil = tonumber(redis.call('HGET', KEYS[1], 'probeUntil') or '0')
if now >= probeUntil then
  redis.call('HSET', KEYS[1], 'probeUntil', now + tonumber(ARGV[2]))
  return {'probe', 0}
end
return {'half_open', probeUntil}
`;

const FAILURE = `
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
local now = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'lastError', ARGV[5], 'lastFailureAt', now)
redis.call('SADD', KEYS[3], ARGV[6])
if state == 'open' then return 'open' end
if state == 'half_open' then
  redis.call('HSET', KEYS[1], 'state', 'open', 'openedAt', now, 'openUntil', now + tonumber(ARGV[4]))
  return 'reopened'
end
redis.call('ZADD', KEYS[2], now, ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'state', 'open', 'openedAt', now, 'openUntil', now + tonumber(ARGV[4]))
  return 'opened'
end
return 'closed'
`;

const SUCCESS = `
local state = redis.call('HGET', KEYS[1], 'state')
redis.call('DEL', KEYS[2])
if state and state ~= 'closed' then
  redis.call('HSET', KEYS[1], 'state', 'closed')
  redis.call('HDEL', KEYS[1], 'openUntil', 'probeUntil', 'openedAt')
  return 'closed_now'
end
return 'closed'
`;

// The FAILURE script touches a host's two keys and the set of all hosts: on a Redis Cluster they
// share the hash tag "breakers" (one slot), see lib/redis.ts slotKey.
const HOSTS_KEY = () => slotKey("breakers", "breakers");
const keys = (host: string) => [slotKey("breakers", "breaker", host), slotKey("breakers", "breaker", host, "failures"), HOSTS_KEY()];

/** The host a breaker guards: host[:port] of the URL; null when the URL is not http(s). */
export function breakerHost(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.host : null;
  } catch {
    return null;
  }
}

/** May a call to `host` go now? `probeTtlMs`: how long a half-open probe may take before another gets its turn. */
export async function acquireBreaker(host: string, probeTtlMs: number, now = Date.now()): Promise<Gate> {
  const [kind, at] = (await redis().eval(ACQUIRE, 2, ...keys(host).slice(0, 2), String(now), String(probeTtlMs))) as [string, number];
  if (kind === "allow") return { allowed: true, probe: false };
  if (kind === "probe") return { allowed: true, probe: true };
  counters().rejections.inc({ host });
  return { allowed: false, state: kind === "open" ? "open" : "half_open", until: new Date(Number(at)) };
}

/** A call failed in a way that says the host is unwell. Returns whether the breaker (re)opened. */
export async function recordBreakerFailure(host: string, error: string, now = Date.now()): Promise<"closed" | "open" | "opened" | "reopened"> {
  const e = env();
  const r = (await redis().eval(
    FAILURE,
    3,
    ...keys(host),
    String(now),
    String(e.CIRCUIT_WINDOW_MS),
    String(e.CIRCUIT_FAILURE_THRESHOLD),
    String(e.CIRCUIT_COOLDOWN_MS),
    error.slice(0, 300),
    host,
    `${now}-${Math.random().toString(36).slice(2)}`,
  )) as "closed" | "open" | "opened" | "reopened";
  if (r === "opened" || r === "reopened") counters().transitions.inc({ host, to: "open" });
  return r;
}

export async function recordBreakerSuccess(host: string): Promise<void> {
  const r = await redis().eval(SUCCESS, 2, ...keys(host).slice(0, 2));
  if (r === "closed_now") counters().transitions.inc({ host, to: "closed" });
}

/** Every host a breaker has seen a failure for, with its state (an open breaker past its cool-down reads half_open). */
export async function listBreakers(now = Date.now()): Promise<BreakerView[]> {
  const hosts = (await redis().smembers(HOSTS_KEY())).sort();
  const out: BreakerView[] = [];
  for (const host of hosts) {
    const [hashKey, failuresKey] = keys(host);
    const [h, failures] = await Promise.all([redis().hgetall(hashKey!), redis().zcount(failuresKey!, now - env().CIRCUIT_WINDOW_MS, "+inf")]);
    const openUntil = h.openUntil ? Number(h.openUntil) : null;
    let state = (h.state as BreakerState | undefined) ?? "closed";
    if (state === "open" && openUntil !== null && now >= openUntil) state = "half_open";
    out.push({
      host,
      state,
      failures,
      openedAt: h.openedAt ? new Date(Number(h.openedAt)).toISOString() : null,
      openUntil: state !== "closed" && openUntil !== null ? new Date(openUntil).toISOString() : null,
      lastError: h.lastError ?? null,
    });
  }
  return out;
}

const g = globalThis as unknown as { batonBreakerCounters?: ReturnType<typeof buildCounters> };
function buildCounters() {
  return {
    rejections: new client.Counter({ name: "baton_circuit_breaker_rejections_total", help: "HTTP step calls not made because the host's circuit breaker was open.", labelNames: ["host"] as const, registers: [] }),
    transitions: new client.Counter({ name: "baton_circuit_breaker_transitions_total", help: "Circuit breaker state changes seen by this process, by host and new state.", labelNames: ["host", "to"] as const, registers: [] }),
  };
}
function counters() {
  g.batonBreakerCounters ??= buildCounters();
  return g.batonBreakerCounters;
}

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** Breaker series on a process's /metrics: the shared state per host (from Redis) and this process's counters. */
function registerBreakerMetrics(registry: Registry): void {
  const c = counters();
  registry.registerMetric(c.rejections);
  registry.registerMetric(c.transitions);
  new client.Gauge({
    name: "baton_circuit_breaker_state",
    help: "Circuit breaker state per target host: 0 closed, 1 half-open, 2 open.",
    labelNames: ["host"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const views = await listBreakers().catch(() => []);
      for (const v of views) this.set({ host: v.host }, STATE_VALUE[v.state]);
    },
  });
}

extendMetrics("circuit-breakers", registerBreakerMetrics);
