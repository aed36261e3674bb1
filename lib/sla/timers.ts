import { db } from "../db";
import { logger } from "../logger";
import { fireDueEscalations, type FiredEscalation } from "./escalate";

// The worker side of escalation timers. A timer job does not commit on its own: it joins a
// batch that fires every due task of the batch in one transaction (lib/sla/escalate.ts), so
// 10,000 levels due in the same minute cost a few hundred commits, not 10,000.

interface Waiter {
  resolve: (fired: FiredEscalation | null) => void;
  reject: (err: unknown) => void;
}

export class EscalationBatcher {
  private queue = new Map<string, Waiter[]>();
  private timer: NodeJS.Timeout | null = null;
  private running = 0;

  constructor(private readonly opts: { maxBatch: number; maxWaitMs: number; maxParallel: number } = { maxBatch: 250, maxWaitMs: 5, maxParallel: 2 }) {}

  /** Resolves with the level fired for this task, or null when nothing was due (decided, paused, already fired, early). */
  fire(taskId: string): Promise<FiredEscalation | null> {
    return new Promise((resolve, reject) => {
      const list = this.queue.get(taskId) ?? [];
      list.push({ resolve, reject });
      this.queue.set(taskId, list);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running >= this.opts.maxParallel) return;
    if (this.queue.size >= this.opts.maxBatch) {
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
    if (this.queue.size === 0 || this.running >= this.opts.maxParallel) return;
    const batch = [...this.queue.entries()].slice(0, this.opts.maxBatch);
    for (const [id] of batch) this.queue.delete(id);
    this.running++;
    try {
      const fired = await fireDueEscalations({ taskIds: batch.map(([id]) => id), by: "timer" });
      const byTask = new Map(fired.map((f) => [f.taskId, f]));
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(byTask.get(id) ?? null);
    } catch (err) {
      for (const [, waiters] of batch) for (const w of waiters) w.reject(err);
    } finally {
      this.running--;
      if (this.queue.size > 0) this.schedule();
    }
  }
}

/** Why a timer found nothing to do, or the instant it should wait for (a timer that came early). */
export async function timerVerdict(taskId: string, level: number): Promise<{ waitUntil: Date } | { skipped: string }> {
  const t = await db().task.findUnique({ where: { id: taskId }, select: { status: true, escalationLevel: true, nextEscalationAt: true } });
  if (!t) return { skipped: "task gone" };
  if (t.status !== "OPEN") return { skipped: `task ${t.status}` };
  if (t.escalationLevel >= level) return { skipped: `level ${level} already fired` };
  if (t.nextEscalationAt && t.escalationLevel + 1 === level && t.nextEscalationAt.getTime() > Date.now()) return { waitUntil: t.nextEscalationAt };
  return { skipped: "being fired by another batch or the sweep" };
}

/**
 * The sweep: PostgreSQL is the truth. Fires every level due at least `graceMs` ago whose timer
 * did not (Redis flushed or restarted, worker down), oldest first, in batches.
 */
export async function sweepDueEscalations(opts: { graceMs: number; batch?: number; maxBatches?: number }): Promise<number> {
  const batch = opts.batch ?? 500;
  let total = 0;
  for (let i = 0; i < (opts.maxBatches ?? 40); i++) {
    const fired = await fireDueEscalations({ by: "sweep", graceMs: opts.graceMs, limit: batch });
    total += fired.length;
    if (fired.length < batch) break;
  }
  if (total > 0) logger.info({ fired: total }, "escalation sweep fired levels whose timers were missing or late");
  return total;
}
