// Coalesces concurrent calls into one batched call: callers wait at most `maxWaitMs` (or until
// `maxBatch` keys are waiting), then one `run(keys)` answers them all, with at most
// `maxParallel` runs at a time. The worker uses it where it would otherwise run the same few
// queries once per job, hundreds of times a second (a minute in which thousands of escalation
// levels fall due: ADR 009).
export class Batcher<K, R> {
  private waiting = new Map<string, { key: K; waiters: { resolve: (r: R) => void; reject: (e: unknown) => void }[] }>();
  private timer: NodeJS.Timeout | null = null;
  private running = 0;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<string, R>>,
    private readonly idOf: (key: K) => string,
    private readonly fallback: R,
    private readonly opts: { maxBatch: number; maxWaitMs: number; maxParallel: number } = { maxBatch: 200, maxWaitMs: 10, maxParallel: 2 },
  ) {}

  add(key: K): Promise<R> {
    return new Promise((resolve, reject) => {
      const id = this.idOf(key);
      const entry = this.waiting.get(id) ?? { key, waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.waiting.set(id, entry);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running >= this.opts.maxParallel) return;
    if (this.waiting.size >= this.opts.maxBatch) {
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.opts.maxWaitMs);
  }

  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.waiting.size === 0 || this.running >= this.opts.maxParallel) return;
    const batch = [...this.waiting.entries()].slice(0, this.opts.maxBatch);
    for (const [id] of batch) this.waiting.delete(id);
    this.running++;
    try {
      const out = await this.run(batch.map(([, e]) => e.key));
      for (const [id, e] of batch) for (const w of e.waiters) w.resolve(out.get(id) ?? this.fallback);
    } catch (err) {
      for (const [, e] of batch) for (const w of e.waiters) w.reject(err);
    } finally {
      this.running--;
      if (this.waiting.size > 0) this.schedule();
    }
  }
}
