import { newId, NOW, sql, transaction } from "../db";
import { QUEUES } from "../queues";
import { publishNotificationEvent } from "../live/publish";
import { channelsFor, emailAvailable } from "./preferences";

// The one path every notification takes (docs/decisions/011-notification-delivery.md): the
// person's preferences pick the channels; the row (in-app) and its e-mail job (outbox) are
// written in one transaction; the bell hears about it live after commit. The dedupe key makes a
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
  const channels = await channelsFor(drafts);
  const smtp = emailAvailable();
  const rows = drafts
    .map((d) => {
      const c = channels.get(`${d.userId}|${d.kind}`)!;
      const email = smtp && c.EMAIL;
      return { ...d, body: d.body ?? null, taskId: d.taskId ?? null, inApp: c.IN_APP, emailStatus: email ? "PENDING" : null };
    })
    // Someone who turned a kind off on every channel gets nothing (and no row).
    .filter((r) => r.inApp || r.emailStatus);
  if (rows.length === 0) return [];

  // One statement for the rows (a dedupe key already there is skipped), the e-mail jobs in the same
  // transaction, handed over after the commit.
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  const statement = sql`INSERT INTO "Notification" ("id", "userId", "dedupeKey", "kind", "title", "body", "taskId", "inApp", "emailStatus", "createdAt")
        SELECT v.id, v.user_id, v.dedupe_key, v.kind, v.title, v.body, v.task_id, v.in_app, v.email_status, ${NOW}
          FROM unnest(${col(() => newId())}::text[], ${col((r) => r.userId)}::text[], ${col((r) => r.dedupeKey)}::text[], ${col((r) => r.kind)}::text[],
                      ${col((r) => r.title)}::text[], ${col((r) => r.body)}::text[], ${col((r) => r.taskId)}::text[], ${col((r) => r.inApp)}::boolean[],
                      ${col((r) => r.emailStatus)}::text[]) WITH ORDINALITY AS v(id, user_id, dedupe_key, kind, title, body, task_id, in_app, email_status, n)
         ORDER BY v.n
        ON CONFLICT ("dedupeKey") DO NOTHING
        RETURNING "id", "userId", "inApp", "emailStatus", "dedupeKey"`;
  const created = await transaction(async (tx) => {
    const inserted = await tx.query<{ id: string; userId: string; inApp: boolean; emailStatus: string | null; dedupeKey: string }>(statement);
    for (const n of inserted) {
      if (n.emailStatus === "PENDING") tx.enqueue({ queue: QUEUES.email, name: "send-email", jobId: `email.${n.id}`, payload: { notificationId: n.id } });
    }
    return inserted;
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
