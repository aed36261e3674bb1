import { db, query, sql, updateRows } from "../db";
import { AppError, fromZodError } from "../errors";
import type { Actor } from "../identity/actor";
import { taskReference } from "../references";
import { markReadSchema, type NotificationDto } from "./schemas";
import { deliverNotifications } from "./deliver";

// Notifications about tasks. Written by worker jobs through deliverNotifications (in-app and/or
// e-mail, as each person chose); dedupe keys make each job idempotent, so a retried or
// re-dispatched job never notifies twice.

type NewOwnerCause = "created" | "reassigned" | "forwarded" | "escalated";

/**
 * A task with a new owner (created, reassigned or escalated): tell the assignee, or every member
 * of the candidate group except the requester. `eventKey` tells one change from the next (the
 * job id of the change), so a second reassignment to the same person notifies again.
 */
export async function notifyTaskCreated(taskId: string, opts: { cause?: NewOwnerCause; eventKey?: string } = {}): Promise<number> {
  const cause = opts.cause ?? "created";
  // One statement (lib/pg.ts): the task, its group's name and its active members.
  const [task] = await query<{
    number: number;
    title: string;
    status: string;
    version: number;
    assigneeId: string | null;
    candidateGroupId: string | null;
    requestedById: string | null;
    excludedDeciderIds: string[];
    groupName: string | null;
    members: string[] | null;
  }>(
    `SELECT t."number", t."title", t."status"::text AS "status", t."version", t."assigneeId", t."candidateGroupId", t."requestedById", t."excludedDeciderIds",
            g."name" AS "groupName",
            CASE WHEN t."assigneeId" IS NULL AND t."candidateGroupId" IS NOT NULL THEN
              ARRAY(SELECT m."userId" FROM "GroupMembership" m JOIN "User" u ON u."id" = m."userId" AND u."active"
                     WHERE m."groupId" = t."candidateGroupId" ORDER BY m."userId")
            END AS "members"
       FROM "Task" t LEFT JOIN "Group" g ON g."id" = t."candidateGroupId" WHERE t."id" = $1`,
    [taskId],
  );
  if (!task || task.status === "DECIDED" || task.status === "CANCELLED") return 0;
  let userIds: string[];
  if (task.assigneeId) userIds = [task.assigneeId];
  else if (task.candidateGroupId) userIds = (task.members ?? []).filter((id) => id !== task.requestedById && !(task.excludedDeciderIds ?? []).includes(id));
  else userIds = [];
  const ref = taskReference(task.number);
  // One key per event and person: the creating job's key, else the job id of the change.
  const dedupeKey = (userId: string) => (cause === "created" ? `task-created:${taskId}:${userId}` : `${opts.eventKey ?? `task-${cause}.${taskId}.${task.version}`}:${userId}`);
  const kind = cause === "escalated" ? "task.escalated" : task.assigneeId ? "task.assigned" : "task.queued";
  const where = task.assigneeId ? "to you" : `to ${task.groupName ?? "your group"}`;
  const title =
    cause === "escalated"
      ? `${ref} escalated ${where}: ${task.title}`
      : cause === "reassigned"
        ? `${ref} reassigned ${where}: ${task.title}`
        : cause === "forwarded"
          ? `${ref} forwarded ${where}: ${task.title}`
        : task.assigneeId
          ? `${ref} assigned to you: ${task.title}`
          : `${ref} is waiting in ${task.groupName ?? "your group"}: ${task.title}`;
  return deliverNotifications(userIds.map((userId) => ({ userId, dedupeKey: dedupeKey(userId), kind, title, taskId })));
}

/** A decision: tell the requester what was decided and by whom. */
export async function notifyTaskDecided(taskId: string): Promise<number> {
  const [task] = await query<{ number: number; title: string; status: string; outcome: string | null; reason: string | null; requestedById: string | null; decidedById: string | null; decidedBy: string | null }>(
    `SELECT t."number", t."title", t."status"::text AS "status", t."outcome", t."reason", t."requestedById", t."decidedById",
            (SELECT u."name" FROM "User" u WHERE u."id" = t."decidedById") AS "decidedBy"
       FROM "Task" t WHERE t."id" = $1`,
    [taskId],
  );
  if (!task || task.status !== "DECIDED" || !task.requestedById || task.requestedById === task.decidedById) return 0;
  const verb = task.outcome === "approve" ? "approved" : task.outcome === "reject" ? "rejected" : `decided (${task.outcome})`;
  return deliverNotifications([
    {
      userId: task.requestedById,
      dedupeKey: `task-decided:${taskId}:${task.requestedById}`,
      kind: "task.decided",
      title: `${taskReference(task.number)} ${verb} by ${task.decidedBy ?? "an automated step"}: ${task.title}`,
      body: task.reason,
      taskId,
    },
  ]);
}

/**
 * Arrivals (a task assigned to me, new in my queue, a reminder, an escalation, a question to me)
 * whose task no longer waits on me clear themselves: decided, cancelled, answered, claimed or
 * moved to someone else. What happened to my own work (answers, mentions, decisions) stays.
 */
const ARRIVAL_KINDS = ["task.assigned", "task.queued", "task.reminder", "task.escalated", "task.info_requested"];

export async function clearStaleArrivals(userId: string): Promise<number> {
  const rows = await query<{ id: string }>(
    `UPDATE "Notification" n SET "readAt" = now()
      WHERE n."userId" = $1 AND n."readAt" IS NULL AND n."taskId" IS NOT NULL AND n."kind" = ANY($2::text[])
        AND NOT EXISTS (
          SELECT 1 FROM "Task" t
           WHERE t."id" = n."taskId"
             AND ((t."status" IN ('OPEN', 'INFO_REQUESTED') AND (n."kind" = 'task.escalated' OR t."assigneeId" = n."userId"))
               OR (t."status" = 'OPEN' AND t."assigneeId" IS NULL AND n."kind" <> 'task.assigned')
               OR (t."status" = 'INFO_REQUESTED' AND n."kind" = 'task.info_requested' AND t."infoRequestedOfId" = n."userId")))
      RETURNING n."id"`,
    [userId, ARRIVAL_KINDS],
  );
  return rows.length;
}

export async function listNotifications(actor: Actor): Promise<{ data: NotificationDto[]; unread: number }> {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only people receive notifications.");
  await clearStaleArrivals(actor.id);
  const [rows, unread] = await Promise.all([
    db().notification.findMany({ where: { userId: actor.id, inApp: true }, orderBy: { createdAt: "desc" }, take: 30 }),
    db().notification.count({ where: { userId: actor.id, readAt: null, inApp: true } }),
  ]);
  return {
    data: rows.map((n) => ({
      id: n.id,
      kind: n.kind,
      title: n.title,
      body: n.body,
      taskId: n.taskId,
      readAt: n.readAt?.toISOString() ?? null,
      createdAt: n.createdAt.toISOString(),
    })),
    unread,
  };
}

export async function markNotificationsRead(actor: Actor, input: unknown): Promise<{ updated: number }> {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only people receive notifications.");
  const parsed = markReadSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, "Request");
  const mine = sql`"userId" = ${actor.id} AND "readAt" IS NULL`;
  const where = "ids" in parsed.data ? sql`${mine} AND "id" = ANY(${parsed.data.ids}::text[])` : mine;
  return { updated: await updateRows("Notification", { readAt: new Date() }, where) };
}
