import type { JobLike } from "../../lib/db";
import { db } from "../../lib/db";
import { notifyTaskCreated, notifyTaskDecided } from "../../lib/notifications/service";
import { notifyTasksEscalated } from "../../lib/notifications/escalations";
import { Batcher } from "../../lib/batcher";
import { notifyInfoAnswered, notifyInfoRequested, notifyMentioned } from "../../lib/notifications/comments";
import { emitTaskWebhookEvent, endpointsSubscribedTo } from "../../lib/webhooks/service";
import type { WebhookEventType } from "../../lib/webhooks/schemas";
import { parseJob } from "../parse-job";

const NOTIFICATION_JOBS = ["task-created", "task-decided", "task-info-requested", "task-info-answered", "task-commented", "task-escalated"] as const;

/** The event id a job's webhook deliveries carry: the job id is already one per event. */
const eventIdOf = (job: JobLike) => `evt_${job.id ?? `${job.name}.${job.timestamp}`}`;

type EscalatedJob = { taskId: string; level: number; eventId: string };

const escalatedBatcher = new Batcher<EscalatedJob, { notified: number; webhooks: number }>(
  async (jobs) => {
    const notified = await notifyTasksEscalated(jobs);
    const out = new Map<string, { notified: number; webhooks: number }>();
    // Every fired level (reminders included) is a task.escalated event for webhook receivers;
    // one look at the endpoints for the batch, the events only when someone subscribed.
    const subscribed = (await endpointsSubscribedTo("task.escalated")).length;
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
export async function processNotificationJob(raw: JobLike): Promise<{ notified: number; webhooks?: number }> {
  const job = parseJob(raw, NOTIFICATION_JOBS);
  switch (job.name) {
    case "task-created": {
      const cause = job.data.cause ?? "created";
      const notified = await notifyTaskCreated(job.data.taskId, { cause, eventKey: String(raw.id ?? raw.timestamp) });
      // A forwarded task changed hands like a reassigned one: integrators see task.reassigned.
      const type = (cause === "forwarded" ? "task.reassigned" : `task.${cause}`) as WebhookEventType;
      const webhooks = await emitTaskWebhookEvent(type, job.data.taskId, eventIdOf(raw));
      return { notified, webhooks };
    }
    case "task-decided": {
      const notified = await notifyTaskDecided(job.data.taskId);
      return { notified, webhooks: await emitTaskWebhookEvent("task.decided", job.data.taskId, eventIdOf(raw)) };
    }
    case "task-info-requested":
    case "task-info-answered":
    case "task-commented": {
      const notify = job.name === "task-info-requested" ? notifyInfoRequested : job.name === "task-info-answered" ? notifyInfoAnswered : notifyMentioned;
      const notified = await notify(job.data.commentId);
      if (job.name === "task-commented") return { notified };
      const type = job.name === "task-info-requested" ? "task.info_requested" : "task.info_answered";
      return { notified, webhooks: await emitTaskWebhookEvent(type, job.data.taskId, eventIdOf(raw)) };
    }
    case "task-escalated":
      // Thousands of levels can fall due in one minute: their notices are written in batches.
      return escalatedBatcher.add({ ...job.data, eventId: eventIdOf(raw) });
  }
}
