import { UnrecoverableError } from "bullmq";
import type { JobLike } from "../../lib/db";
import { JOB_SCHEMAS } from "../../lib/queues";
import { db } from "../../lib/db";
import { notifyTaskCreated, notifyTaskDecided } from "../../lib/notifications/service";
import { notifyTasksEscalated } from "../../lib/notifications/escalations";
import { Batcher } from "../../lib/batcher";
import { notifyInfoAnswered, notifyInfoRequested, notifyMentioned } from "../../lib/notifications/comments";
import { emitTaskWebhookEvent } from "../../lib/webhooks/service";
import type { WebhookEventType } from "../../lib/webhooks/schemas";

/** The event id a job's webhook deliveries carry: the job id is already one per event. */
const eventIdOf = (job: JobLike) => `evt_${job.id ?? `${job.name}.${job.timestamp}`}`;

type EscalatedJob = { taskId: string; level: number; eventId: string };

const escalatedBatcher = new Batcher<EscalatedJob, { notified: number; webhooks: number }>(
  async (jobs) => {
    const notified = await notifyTasksEscalated(jobs);
    const out = new Map<string, { notified: number; webhooks: number }>();
    // Every fired level (reminders included) is a task.escalated event for webhook receivers;
    // one look at the endpoints for the batch, the events only when someone subscribed.
    const subscribed = await db().webhookEndpoint.count({ where: { active: true, OR: [{ eventTypes: { isEmpty: true } }, { eventTypes: { has: "task.escalated" } }] } });
    const escalations = subscribed
      ? await db().taskEscalation.findMany({ where: { OR: jobs.map((j) => ({ taskId: j.taskId, level: j.level })) }, select: { taskId: true, level: true, action: true, note: true } })
      : [];
    for (const j of jobs) {
      const key = `${j.taskId}.${j.level}`;
      let webhooks = 0;
      if (subscribed) {
        const esc = escalations.find((e) => e.taskId === j.taskId && e.level === j.level);
        const escalation = { level: j.level, action: esc?.action ?? null, note: esc?.note ?? null };
        webhooks = await emitTaskWebhookEvent("task.escalated", j.taskId, j.eventId, { escalation });
      }
      out.set(key, { notified: notified.get(key) ?? 0, webhooks });
    }
    return out;
  },
  (j) => `${j.taskId}.${j.level}`,
  { notified: 0, webhooks: 0 },
  { maxBatch: 200, maxWaitMs: 10, maxParallel: 2 },
);

/**
 * Writes notifications (in-app, and e-mail jobs as people chose) and records the matching webhook
 * event. Idempotent: dedupe keys and (endpoint, event id) make a retry or a duplicate a no-op.
 */
export async function processNotificationJob(job: JobLike): Promise<{ notified: number; webhooks?: number }> {
  switch (job.name) {
    case "task-created": {
      const data = JOB_SCHEMAS["task-created"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid task-created payload: ${data.error.message}`);
      const cause = data.data.cause ?? "created";
      const notified = await notifyTaskCreated(data.data.taskId, { cause, eventKey: String(job.id ?? job.timestamp) });
      const webhooks = await emitTaskWebhookEvent(`task.${cause}` as WebhookEventType, data.data.taskId, eventIdOf(job));
      return { notified, webhooks };
    }
    case "task-decided": {
      const data = JOB_SCHEMAS["task-decided"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid task-decided payload: ${data.error.message}`);
      const notified = await notifyTaskDecided(data.data.taskId);
      return { notified, webhooks: await emitTaskWebhookEvent("task.decided", data.data.taskId, eventIdOf(job)) };
    }
    case "task-info-requested":
    case "task-info-answered":
    case "task-commented": {
      const data = JOB_SCHEMAS[job.name].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid ${job.name} payload: ${data.error.message}`);
      const notify = job.name === "task-info-requested" ? notifyInfoRequested : job.name === "task-info-answered" ? notifyInfoAnswered : notifyMentioned;
      const notified = await notify(data.data.commentId);
      if (job.name === "task-commented") return { notified };
      const type = job.name === "task-info-requested" ? "task.info_requested" : "task.info_answered";
      return { notified, webhooks: await emitTaskWebhookEvent(type, data.data.taskId, eventIdOf(job)) };
    }
    case "task-escalated": {
      const data = JOB_SCHEMAS["task-escalated"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid task-escalated payload: ${data.error.message}`);
      // Thousands of levels can fall due in one minute: their notices are written in batches.
      return escalatedBatcher.add({ ...data.data, eventId: eventIdOf(job) });
    }
    default:
      throw new UnrecoverableError(`unknown notifications job "${job.name}"`);
  }
}
