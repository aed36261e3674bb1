import { Queue, type JobsOptions } from "bullmq";
import { z } from "zod";
import { env } from "./env";
import { createRedis, redisIsCluster, type RedisClient } from "./redis";

// Queue names and the payload schema of every job. Job data carries ids, never personal data.
export const QUEUES = {
  notifications: "notifications",
  maintenance: "maintenance",
  // The process engine: one job a step transition (lib/engine, workers/processors/engine.ts).
  engine: "engine",
  // Notification e-mails (one job a notification) and signed webhook deliveries (one job a
  // delivery): their own queues, because their retries wait on other people's servers.
  email: "email",
  webhooks: "webhooks",
  // Escalation timers: one delayed job per level of a task's policy (lib/sla, ADR 009).
  escalations: "escalations",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOB_SCHEMAS = {
  // `cause` says why the task has a new owner (webhook event type; "created" when absent).
  "task-created": z.object({ taskId: z.string().min(1), requestId: z.string().optional(), cause: z.enum(["created", "reassigned", "forwarded", "escalated"]).optional() }),
  "task-decided": z.object({ taskId: z.string().min(1), requestId: z.string().optional() }),
  "task-info-requested": z.object({ taskId: z.string().min(1), commentId: z.string().min(1), requestId: z.string().optional() }),
  "task-info-answered": z.object({ taskId: z.string().min(1), commentId: z.string().min(1), requestId: z.string().optional() }),
  "task-commented": z.object({ taskId: z.string().min(1), commentId: z.string().min(1), requestId: z.string().optional() }),
  "dispatch-outbox": z.object({}).passthrough(),
  "prune-outbox": z.object({}).passthrough(),
  // Retention (lib/retention): deletes old receipts, idempotency keys, deliveries, notifications.
  "prune-retention": z.object({}).passthrough(),
  "seal-audit": z.object({}).passthrough(),
  "archive-audit": z.object({}).passthrough(),
  // Copies the newest signed audit checkpoint outside the database (lib/audit/anchor.ts).
  "anchor-audit": z.object({}).passthrough(),
  // KPI rollups (lib/kpi/rollup.ts): recompute the days touched since the last run, or all history.
  "refresh-kpis": z.object({ rebuild: z.boolean().optional() }).passthrough(),
  // Engine jobs (job ids: step.<stepRunId>[.<attempt>], human.<taskId>, wait-timeout.<stepRunId>).
  // A CloudEvent accepted with `Prefer: respond-async` (lib/events/service.ts): start or correlate it.
  "process-event": z.object({
    receiptId: z.string().min(1),
    by: z.object({ type: z.enum(["USER", "TOKEN"]), id: z.string().nullable(), name: z.string().min(1), ownerId: z.string().optional() }).optional(),
    requestId: z.string().optional(),
  }),
  "run-step": z.object({ instanceId: z.string().min(1), stepRunId: z.string().min(1), attempt: z.number().int().min(1).optional() }),
  "human-decided": z.object({ taskId: z.string().min(1), requestId: z.string().optional() }),
  "wait-timeout": z.object({ instanceId: z.string().min(1), stepRunId: z.string().min(1) }),
  "recover-engine": z.object({}).passthrough(),
  // Notification delivery (job ids: email.<notificationId>, webhook.<deliveryId>).
  "send-email": z.object({ notificationId: z.string().min(1) }),
  "deliver-webhook": z.object({ deliveryId: z.string().min(1) }),
  // Undo window (lib/tasks/held-decisions.ts): job id commit-decision.<taskId>.<version>, delayed to the end of the window.
  "commit-decision": z.object({ taskId: z.string().min(1) }),
  "commit-held-decisions": z.object({}).passthrough(),
  // The daily digest e-mails (lib/notifications/digest.ts): a sweep, idempotent per person and day.
  "send-digests": z.object({}).passthrough(),
  // Escalation timer (job id escalate.<taskId>.<level>.<atMs>) and the notification it implies.
  escalate: z.object({ taskId: z.string().min(1), level: z.number().int().min(1) }),
  "task-escalated": z.object({ taskId: z.string().min(1), level: z.number().int().min(1) }),
} as const;
export type JobName = keyof typeof JOB_SCHEMAS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_SCHEMAS)[N]>;

/** Completed jobs are kept for a day so a re-dispatched jobId is recognised as a duplicate. */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Per-queue job options: e-mail and webhook deliveries retry for longer (their receivers may be
 * down for minutes), webhooks with the backoff the admin configured.
 */
function jobOptionsFor(name: QueueName): JobsOptions {
  if (name === QUEUES.webhooks) {
    return { ...DEFAULT_JOB_OPTIONS, attempts: env().WEBHOOK_MAX_ATTEMPTS, backoff: { type: "exponential", delay: env().WEBHOOK_RETRY_BASE_MS } };
  }
  if (name === QUEUES.email) return { ...DEFAULT_JOB_OPTIONS, attempts: 8, backoff: { type: "exponential", delay: 5000 } };
  return DEFAULT_JOB_OPTIONS;
}

/**
 * BullMQ's key prefix of a queue (its keys are `<prefix>:<queue>:…`). BullMQ's scripts touch many
 * keys of one queue at once, which a Redis Cluster allows only within one hash slot: there the
 * prefix carries the queue's name as a hash tag (`baton:{engine}`), one slot per queue, so the
 * queues spread over the nodes (BullMQ's "Redis Cluster" guide). On one Redis it is REDIS_PREFIX,
 * as it always was. Every Queue and Worker of a queue must use this prefix.
 */
export function queuePrefix(name: QueueName): string {
  return redisIsCluster() ? `${env().REDIS_PREFIX}:{${name}}` : env().REDIS_PREFIX;
}

const globalForQueues = globalThis as unknown as { batonQueues?: Map<string, Queue>; batonQueueConn?: RedisClient };

function connection(): RedisClient {
  globalForQueues.batonQueueConn ??= createRedis({ forWorker: true });
  return globalForQueues.batonQueueConn;
}

export function queue(name: QueueName): Queue {
  globalForQueues.batonQueues ??= new Map();
  let q = globalForQueues.batonQueues.get(name);
  if (!q) {
    q = new Queue(name, { connection: connection(), prefix: queuePrefix(name), defaultJobOptions: jobOptionsFor(name) });
    q.on("error", () => undefined);
    globalForQueues.batonQueues.set(name, q);
  }
  return q;
}

export async function closeQueues(): Promise<void> {
  const queues = globalForQueues.batonQueues;
  globalForQueues.batonQueues = undefined;
  if (queues) await Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined)));
  if (globalForQueues.batonQueueConn) {
    await globalForQueues.batonQueueConn.quit().catch(() => undefined);
    globalForQueues.batonQueueConn = undefined;
  }
}
