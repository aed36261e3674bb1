import { DelayedError, Worker, type Job } from "bullmq";
import type { RedisClient } from "../../lib/redis";
import { QUEUES } from "../../lib/queues";
import { EscalationBatcher, sweepDueEscalations, timerVerdict } from "../../lib/tasks";
import { logger } from "../../lib/logger";
import { parseJob } from "../parse-job";

export type JobWrapper = (name: string, processor: (job: Job, token?: string) => Promise<unknown>) => (job: Job, token?: string) => Promise<unknown>;

/**
 * Escalation timers and the sweep. Timer jobs wait on a shared batch (most of a job's life is
 * that wait, hence the high concurrency); the sweep runs on a plain interval in this process,
 * not as a BullMQ repeatable job, because it exists for the case where Redis lost its state.
 */
export function startEscalations(opts: {
  connection: RedisClient;
  prefix: string;
  concurrency: number;
  sweepMs: number;
  graceMs: number;
  wrap?: JobWrapper;
  /** Called after each sweep that completed (the loop's liveness, workers/loops.ts). */
  onSwept?: () => void;
}): { worker: Worker; sweepNow: () => Promise<number>; close: () => Promise<void> } {
  const batcher = new EscalationBatcher();
  const processor = async (job: Job, token?: string) => {
    const { data } = parseJob(job, ["escalate"]);
    const fired = await batcher.fire(data.taskId);
    if (fired) return { fired: fired.level, action: fired.action, latenessMs: fired.latenessMs };
    const verdict = await timerVerdict(data.taskId, data.level);
    if ("waitUntil" in verdict && token) {
      // Came early (the SLA was paused and resumed meanwhile): wait for the level's instant.
      await job.moveToDelayed(verdict.waitUntil.getTime(), token);
      throw new DelayedError();
    }
    return verdict;
  };
  const worker = new Worker(QUEUES.escalations, opts.wrap ? opts.wrap(QUEUES.escalations, processor) : processor, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
  });
  worker.on("error", (err) => logger.error({ queue: QUEUES.escalations, err: err.message }, "worker error"));
  worker.on("failed", (job, err) => logger.warn({ queue: QUEUES.escalations, jobId: job?.id, err: err.message }, "escalation timer failed"));

  let sweeping: Promise<number> | null = null;
  const sweepNow = () => {
    sweeping ??= sweepDueEscalations({ graceMs: opts.graceMs })
      .then((n) => {
        opts.onSwept?.();
        return n;
      })
      .catch((err: unknown) => {
        logger.warn({ err: String(err) }, "escalation sweep failed; next interval retries");
        return 0;
      })
      .finally(() => {
        sweeping = null;
      });
    return sweeping;
  };
  const interval = setInterval(() => void sweepNow(), opts.sweepMs);
  // Right away too: after a restart, work that fell due while the worker was down goes first.
  void sweepNow();
  return {
    worker,
    sweepNow,
    close: async () => {
      clearInterval(interval);
      await worker.close();
      await sweeping;
    },
  };
}
