// Coalesces concurrent calls into one batched call: callers wait at most `maxWaitMs` (or until
// `maxBatch` keys are waiting), then one `run(keys)` answers them all. The worker uses it where it
// would otherwise run the same few queries once per job, hundreds of times a second (a minute in
// which thousands of escalation levels fall due: ADR 009).
export class Batcher<K, R> {
  private waiting = new Map<string, { key: K; waiters: { resolve: (r: R) => void; reject: (e: unknown) => void }[] }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<string, R>>,
    private readonly idOf: (key: K) => string,
    private readonly fallback: R,
    private readonly opts: { maxBatch: number; maxWaitMs: number } = { maxBatch: 200, maxWaitMs: 10 },
  ) {}

  add(key: K): Promise<R> {
    return new Promise((resolve, reject) => {
      const id = this.idOf(key);
      const entry = this.waiting.get(id) ?? { key, waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.waiting.set(id, entry);
      if (this.waiting.size >= this.opts.maxBatch) void this.flush();
      else
        this.timer ??= setTimeout(() => {
          this.timer = null;
          void this.flush();
        }, this.opts.maxWaitMs);
    });
  }

  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = [...this.waiting.entries()];
    this.waiting.clear();
    if (batch.length === 0) return;
    try {
      const out = await this.run(batch.map(([, e]) => e.key));
      for (const [id, e] of batch) for (const w of e.waiters) w.resolve(out.get(id) ?? this.fallback);
    } catch (err) {
      for (const [, e] of batch) for (const w of e.waiters) w.reject(err);
    }
  }
}
