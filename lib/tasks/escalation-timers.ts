import { db } from "../db";
import { logger } from "../logger";
import { fireDueEscalations, type FiredEscalation } from "./escalate";
import { Batcher } from "../batcher";

// The worker side of escalation timers. A timer job does not commit on its own: it joins a
// batch that fires every due task of the batch in one transaction (lib/tasks/escalate.ts), so
// 10,000 levels due in the same minute cost a few hundred commits, not 10,000.

/** Timer jobs of the same moment, fired together: resolves with the level fired for the task, or null when nothing was due (decided, paused, already fired, early). */
export class EscalationBatcher {
  private readonly batcher = new Batcher<string, FiredEscalation | null>(
    async (taskIds) => {
      const fired = await fireDueEscalations({ taskIds, by: "timer" });
      return new Map(fired.map((f) => [f.taskId, f]));
    },
    (id) => id,
    null,
    { maxBatch: 250, maxWaitMs: 5, maxParallel: 2 },
  );

  fire(taskId: string): Promise<FiredEscalation | null> {
    return this.batcher.add(taskId);
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
