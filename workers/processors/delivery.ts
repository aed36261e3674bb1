import type { Job } from "bullmq";
import { sendNotificationEmail } from "../../lib/notifications/email";
import { deliverWebhook } from "../../lib/webhooks/deliver";
import { parseJob } from "../parse-job";

/** Whether this run is the job's last attempt (then a failure is recorded as final). */
function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Queue "email": one notification's e-mail. */
export async function processEmailJob(job: Job): Promise<{ outcome: string }> {
  const { data } = parseJob(job, ["send-email"]);
  return { outcome: await sendNotificationEmail(data.notificationId, { final: isFinalAttempt(job) }) };
}

/** Queue "webhooks": one signed delivery to one endpoint. */
export async function processWebhookJob(job: Job): Promise<{ outcome: string }> {
  const { data } = parseJob(job, ["deliver-webhook"]);
  return { outcome: await deliverWebhook(data.deliveryId, { final: isFinalAttempt(job) }) };
}
