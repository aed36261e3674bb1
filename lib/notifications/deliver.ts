import { newId, NOW, prepareMessages, sql, transaction, type OutboxRow } from "../db";
import { QUEUES } from "../queues";
import { publishNotificationEvent } from "../live/publish";
import { kindInfo } from "./kinds";
import { emailAvailable } from "./preferences";

// The one path every notification takes (docs/decisions/011-notification-delivery.md): the
// person's preferences pick the channels; the row (in-app) and its e-mail job (outbox) are
// written by one statement; the bell hears about it live after commit. The dedupe key makes a
// retried or re-dispatched job a no-op, e-mail included.

export interface NotificationDraft {
  userId: string;
  kind: string;
  /** Unique per event and person, e.g. `task-created:<taskId>:<userId>`. */
  dedupeKey: string;
  title: string;
  body?: string | null;
  taskId?: string | null;
}

/** Writes the notifications people want (in-app and/or e-mail); returns how many were new. */
export async function deliverNotifications(drafts: NotificationDraft[]): Promise<number> {
  return (await deliverNotificationsDetailed(drafts)).length;
}

/** deliverNotifications, answering the dedupe keys of the notifications that were new. */
export async function deliverNotificationsDetailed(drafts: NotificationDraft[]): Promise<string[]> {
  if (drafts.length === 0) return [];
  const smtp = emailAvailable();
  const ids = drafts.map(() => newId());
  // Each notification's e-mail job, as the outbox stores it; the statement keeps those whose row wants e-mail.
  const jobs = prepareMessages(ids.map((id) => ({ queue: QUEUES.email, name: "send-email", jobId: `email.${id}`, payload: { notificationId: id } })));
  const rows = drafts.map((d, i) => ({ ...d, id: ids[i]!, body: d.body ?? null, taskId: d.taskId ?? null, defaults: kindInfo(d.kind).defaults, job: jobs[i]! }));
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  // ONE statement, so one implicit transaction (no BEGIN, no COMMIT, no separate read): each
  // person's preference for the kind (or its default) picks the channels; someone who turned a
  // kind off on every channel gets nothing; a dedupe key already there is skipped; the e-mail job
  // of each new e-mail notification is written to the outbox by the same statement.
  const statement = sql`WITH v AS (
      SELECT * FROM unnest(${col((r) => r.id)}::text[], ${col((r) => r.userId)}::text[], ${col((r) => r.dedupeKey)}::text[], ${col((r) => r.kind)}::text[],
                           ${col((r) => r.title)}::text[], ${col((r) => r.body)}::text[], ${col((r) => r.taskId)}::text[],
                           ${col((r) => r.defaults.IN_APP)}::boolean[], ${col((r) => r.defaults.EMAIL)}::boolean[], ${col((r) => JSON.stringify(r.job.payload))}::text[])
        WITH ORDINALITY AS v(id, user_id, dedupe_key, kind, title, body, task_id, in_app_default, email_default, job_payload, n)
    ), c AS (
      SELECT v.*, COALESCE(pi."enabled", v.in_app_default) AS in_app, (${smtp}::boolean AND COALESCE(pe."enabled", v.email_default)) AS email
        FROM v LEFT JOIN "NotificationPreference" pi ON pi."userId" = v.user_id AND pi."kind" = v.kind AND pi."channel" = 'IN_APP'
               LEFT JOIN "NotificationPreference" pe ON pe."userId" = v.user_id AND pe."kind" = v.kind AND pe."channel" = 'EMAIL'
    ), ins AS (
      INSERT INTO "Notification" ("id", "userId", "dedupeKey", "kind", "title", "body", "taskId", "inApp", "emailStatus", "createdAt")
      SELECT c.id, c.user_id, c.dedupe_key, c.kind, c.title, c.body, c.task_id, c.in_app, CASE WHEN c.email THEN 'PENDING' END, ${NOW}
        FROM c WHERE c.in_app OR c.email ORDER BY c.n
      ON CONFLICT ("dedupeKey") DO NOTHING
      RETURNING "id", "userId", "inApp", "emailStatus", "dedupeKey"
    ), jobs AS (
      INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "availableAt", "createdAt")
      SELECT ${QUEUES.email}, 'send-email', 'email.' || ins."id", c.job_payload::jsonb, NULL, (now() AT TIME ZONE 'UTC')
        FROM ins JOIN c ON c.id = ins."id" WHERE ins."emailStatus" = 'PENDING' ORDER BY c.n
      RETURNING "id", "queue", "jobName", "jobId", "payload", "availableAt"
    )
    SELECT (SELECT coalesce(json_agg(ins), '[]') FROM ins) AS "created", (SELECT coalesce(json_agg(jobs), '[]') FROM jobs) AS "jobs"`;
  const created = await transaction(async (tx) => {
    const [out] = await tx.queryWhole<{ created: { id: string; userId: string; inApp: boolean; emailStatus: string | null; dedupeKey: string }[]; jobs: OutboxRow[] }>(statement);
    tx.handOver(out!.jobs);
    return out!.created;
  });
  // The bell hears about it live, per task (one batch may carry many tasks' notifications).
  const taskOf = new Map(rows.map((r) => [r.dedupeKey, r.taskId]));
  const bells = new Map<string | null, Set<string>>();
  for (const n of created) {
    if (!n.inApp) continue;
    const t = taskOf.get(n.dedupeKey) ?? null;
    bells.set(t, (bells.get(t) ?? new Set()).add(n.userId));
  }
  for (const [taskId, users] of bells) publishNotificationEvent([...users], taskId);
  return created.map((n) => n.dedupeKey);
}
