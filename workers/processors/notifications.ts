import { UnrecoverableError, type Job } from "bullmq";
import { JOB_SCHEMAS } from "../../lib/queues";
import { notifyTaskCreated, notifyTaskDecided } from "../../lib/notifications/service";

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
    default:
      throw new UnrecoverableError(`unknown notifications job "${job.name}"`);
  }
}
