import { UnrecoverableError, type Job } from "bullmq";
import { JOB_SCHEMAS } from "../../lib/queues";
import { sendNotificationEmail } from "../../lib/notifications/email";
import { deliverWebhook } from "../../lib/webhooks/deliver";

/** Whether this run is the job's last attempt (then a failure is recorded as final). */
function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Queue "email": one notification's e-mail. */
export async function processEmailJob(job: Job): Promise<{ outcome: string }> {
  if (job.name !== "send-email") throw new UnrecoverableError(`unknown email job "${job.name}"`);
  const data = JOB_SCHEMAS["send-email"].safeParse(job.data);
  if (!data.success) throw new UnrecoverableError(`invalid send-email payload: ${data.error.message}`);
  return { outcome: await sendNotificationEmail(data.data.notificationId, { final: isFinalAttempt(job) }) };
}

/** Queue "webhooks": one signed delivery to one endpoint. */
export async function processWebhookJob(job: Job): Promise<{ outcome: string }> {
  if (job.name !== "deliver-webhook") throw new UnrecoverableError(`unknown webhooks job "${job.name}"`);
  const data = JOB_SCHEMAS["deliver-webhook"].safeParse(job.data);
  if (!data.success) throw new UnrecoverableError(`invalid deliver-webhook payload: ${data.error.message}`);
  return { outcome: await deliverWebhook(data.data.deliveryId, { final: isFinalAttempt(job) }) };
}
