import { UnrecoverableError, type Job } from "bullmq";
import { JOB_SCHEMAS } from "../../lib/queues";
import { notifyTaskCreated, notifyTaskDecided } from "../../lib/notifications/service";
import { notifyInfoAnswered, notifyInfoRequested, notifyMentioned } from "../../lib/notifications/comments";

/** Writes in-app notifications. Idempotent: dedupe keys make a retry or a duplicate a no-op. */
export async function processNotificationJob(job: Job): Promise<{ notified: number }> {
  switch (job.name) {
    case "task-created": {
      const data = JOB_SCHEMAS["task-created"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid task-created payload: ${data.error.message}`);
      return { notified: await notifyTaskCreated(data.data.taskId) };
    }
    case "task-decided": {
      const data = JOB_SCHEMAS["task-decided"].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid task-decided payload: ${data.error.message}`);
      return { notified: await notifyTaskDecided(data.data.taskId) };
    }
    case "task-info-requested":
    case "task-info-answered":
    case "task-commented": {
      const data = JOB_SCHEMAS[job.name].safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`invalid ${job.name} payload: ${data.error.message}`);
      const notify = job.name === "task-info-requested" ? notifyInfoRequested : job.name === "task-info-answered" ? notifyInfoAnswered : notifyMentioned;
      return { notified: await notify(data.data.commentId) };
    }
    default:
      throw new UnrecoverableError(`unknown notifications job "${job.name}"`);
  }
}
