import { z } from "zod";
import type { Job } from "bullmq";
import { transaction } from "../db";
import { AppError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { queue, QUEUES, type QueueName } from "../queues";

// Live queue health for operators: counts per BullMQ queue and state, the newest failed jobs,
// and retry / remove of a failed job by an admin (audited: the entry is written in a
// transaction that commits only if the Redis operation succeeded).

const QUEUE_STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;

const failedJobDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  failedReason: z.string().nullable(),
  attemptsMade: z.number().int(),
  failedAt: z.string().nullable(),
  createdAt: z.string(),
  requestId: z.string().nullable(),
  // Job data carries ids only (never personal data), shown to help find the instance or task.
  data: z.record(z.string(), z.unknown()),
});
export const queueHealthSchema = z.object({
  checkedAt: z.string(),
  queues: z.array(
    z.object({
      name: z.string(),
      counts: z.object({ waiting: z.number().int(), active: z.number().int(), delayed: z.number().int(), failed: z.number().int(), completed: z.number().int() }),
      paused: z.boolean(),
      failedJobs: z.array(failedJobDtoSchema),
    }),
  ),
});
export type QueueHealth = z.infer<typeof queueHealthSchema>;

export const queueParamSchema = z.object({ queue: z.enum(Object.values(QUEUES) as [QueueName, ...QueueName[]]), id: z.string().min(1).max(300) });

function toFailedDto(job: Job) {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const { trace: _trace, ...shown } = data;
  return {
    id: String(job.id),
    name: job.name,
    failedReason: job.failedReason ?? null,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    createdAt: new Date(job.timestamp).toISOString(),
    requestId: typeof data.requestId === "string" ? data.requestId : null,
    data: shown,
  };
}

export async function queueHealth(actor: Actor, failedLimit = 20): Promise<QueueHealth> {
  requirePermission(actor, "metrics:read");
  const queues = await Promise.all(
    (Object.values(QUEUES) as QueueName[]).map(async (name) => {
      const q = queue(name);
      const [counts, paused, failed] = await Promise.all([q.getJobCounts(...QUEUE_STATES), q.isPaused(), q.getFailed(0, failedLimit - 1)]);
      return {
        name,
        counts: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0, completed: counts.completed ?? 0 },
        paused,
        failedJobs: failed.filter((j): j is Job => Boolean(j)).map(toFailedDto),
      };
    }),
  );
  return { checkedAt: new Date().toISOString(), queues };
}

function parseParams(params: unknown) {
  const p = queueParamSchema.safeParse(params);
  if (!p.success) throw new AppError("NOT_FOUND", "No such queue or job.");
  return p.data;
}

async function failedJob(name: QueueName, id: string): Promise<Job> {
  const job = await queue(name).getJob(id);
  if (!job) throw new AppError("NOT_FOUND", `No job "${id}" in the ${name} queue.`);
  if (!(await job.isFailed())) throw new AppError("CONFLICT", `Job "${id}" is not failed (it is ${await job.getState()}); only failed jobs can be retried or removed.`);
  return job;
}

async function operate(actor: Actor, params: unknown, action: "queue.job_retried" | "queue.job_removed", op: (job: Job) => Promise<void>) {
  requirePermission(actor, "processes:manage");
  const { queue: name, id } = parseParams(params);
  const job = await failedJob(name, id);
  const before = toFailedDto(job);
  await transaction(async (tx) => {
    tx.audit(actor, {
      action,
      subjectType: "job",
      subjectId: `${name}/${id}`,
      before: { queue: name, id, name: before.name, failedReason: before.failedReason, attemptsMade: before.attemptsMade, data: before.data as Record<string, string> },
      after: { queue: name, id, state: action === "queue.job_retried" ? "waiting" : "removed" },
    });
    // Before the commit: if Redis refuses, the audit entry is never written.
    await op(job);
  });
  return { queue: name, id, state: action === "queue.job_retried" ? ("waiting" as const) : ("removed" as const) };
}

export const jobActionResultSchema = z.object({ queue: z.string(), id: z.string(), state: z.enum(["waiting", "removed"]) });

export function retryFailedJob(actor: Actor, params: unknown) {
  return operate(actor, params, "queue.job_retried", (job) => job.retry("failed"));
}

export function removeFailedJob(actor: Actor, params: unknown) {
  return operate(actor, params, "queue.job_removed", (job) => job.remove());
}
