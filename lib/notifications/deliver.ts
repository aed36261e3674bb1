import { db } from "../db";
import { enqueueInTx, dispatchOutboxSoon } from "../outbox/service";
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

  const created = await db().$transaction(async (tx) => {
    const inserted = await tx.notification.createManyAndReturn({
      data: rows,
      skipDuplicates: true,
      select: { id: true, userId: true, inApp: true, emailStatus: true, dedupeKey: true },
    });
    for (const n of inserted) {
      if (n.emailStatus === "PENDING") {
        await enqueueInTx(tx, { queue: QUEUES.email, name: "send-email", jobId: `email.${n.id}`, payload: { notificationId: n.id } });
      }
    }
    return inserted;
  });
  if (created.some((n) => n.emailStatus === "PENDING")) dispatchOutboxSoon();
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
