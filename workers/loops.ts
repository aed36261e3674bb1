import { logger } from "../lib/logger";
import { redisKey, type RedisClient } from "../lib/redis";

// Liveness of the worker's periodic loops (ADR 019). A loop's job runs in whichever worker process
// takes it, so its last completion is kept where every worker sees it: one Redis hash, stamped
// with Redis's own clock so that workers on different hosts compare times from one clock.

const STAMP = `local t = redis.call('TIME')
local ms = string.format('%d', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
redis.call('HSET', KEYS[1], ARGV[1], ms)
return ms`;

export interface Loop {
  name: string;
  everyMs: number;
}

export interface LoopState {
  loop: string;
  everyMs: number;
  lastRunAt: Date | null;
  stale: boolean;
}

export class LoopLiveness {
  private readonly key = redisKey("worker", "loops");
  private watchingSince: number | null = null;
  private readonly missingSince = new Map<string, number>();
  private staleBefore = new Set<string>();

  constructor(
    private readonly redis: RedisClient,
    readonly loops: Loop[],
    readonly graceMs: number,
  ) {}

  tracks(name: string): boolean {
    return this.loops.some((l) => l.name === name);
  }

  /** A run of the loop completed. */
  async recordRun(loop: string): Promise<void> {
    await this.redis.eval(STAMP, 1, this.key, loop);
  }

  /**
   * Each loop's last completed run, and whether it is stale: none within its interval plus the
   * grace. A flushed Redis loses these records with everything else: a loop missing from them
   * counts from when this process first saw it missing, and no loop counts from before this
   * process started watching (a worker is not blamed for the time it was not running).
   */
  async status(): Promise<LoopState[]> {
    const replies = await this.redis.pipeline().time().hgetall(this.key).exec();
    const [timeReply, runsReply] = replies ?? [];
    const failed = timeReply?.[0] ?? runsReply?.[0];
    if (failed || !timeReply || !runsReply) throw failed ?? new Error("no reply from Redis");
    const [seconds, micros] = timeReply[1] as [string, string];
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const runs = runsReply[1] as Record<string, string>;
    this.watchingSince ??= now;
    return this.loops.map((l) => {
      const ranAt = runs[l.name] ? Number(runs[l.name]) : null;
      if (ranAt === null && !this.missingSince.has(l.name)) this.missingSince.set(l.name, now);
      if (ranAt !== null) this.missingSince.delete(l.name);
      const since = Math.max(ranAt ?? this.missingSince.get(l.name)!, this.watchingSince!);
      return { loop: l.name, everyMs: l.everyMs, lastRunAt: ranAt === null ? null : new Date(ranAt), stale: now - since > l.everyMs + this.graceMs };
    });
  }

  /** status(), logging the loops that went stale or came back since the last check. */
  async check(): Promise<LoopState[]> {
    const states = await this.status();
    const stale = new Set(states.filter((s) => s.stale).map((s) => s.loop));
    for (const s of states) {
      if (s.stale && !this.staleBefore.has(s.loop)) logger.error({ loop: s.loop, lastRunAt: s.lastRunAt, everyMs: s.everyMs, graceMs: this.graceMs }, "periodic loop has not run within its interval");
      if (!s.stale && this.staleBefore.has(s.loop)) logger.info({ loop: s.loop, lastRunAt: s.lastRunAt }, "periodic loop runs again");
    }
    this.staleBefore = stale;
    return states;
  }
}
