import { db } from "../db";
import { AppError, fromZodError } from "../errors";
import type { Actor } from "../identity/actor";
import { taskReference } from "../tasks/schemas";
import { publishNotificationEvent } from "../live/publish";
import { markReadSchema, type NotificationDto } from "./schemas";

// In-app notifications. Written by worker jobs; dedupe keys make each job idempotent, so a
// retried or re-dispatched job never notifies twice.

/** A new task: tell the assignee, or every member of the candidate group except the requester. */
export async function notifyTaskCreated(taskId: string): Promise<number> {
  const task = await db().task.findUnique({ where: { id: taskId }, include: { candidateGroup: { select: { name: true } } } });
  if (!task || task.status === "DECIDED" || task.status === "CANCELLED") return 0;
  let userIds: string[];
  if (task.assigneeId) userIds = [task.assigneeId];
  else if (task.candidateGroupId) {
    const members = await db().groupMembership.findMany({ where: { groupId: task.candidateGroupId, user: { active: true } }, select: { userId: true } });
    userIds = members.map((m) => m.userId).filter((id) => id !== task.requestedById);
  } else userIds = [];
  const ref = taskReference(task.number);
  const result = await db().notification.createMany({
    data: userIds.map((userId) => ({
      userId,
      dedupeKey: `task-created:${taskId}:${userId}`,
      kind: "task.assigned",
      title: task.assigneeId ? `${ref} assigned to you: ${task.title}` : `${ref} is waiting in ${task.candidateGroup?.name ?? "your group"}: ${task.title}`,
      taskId,
    })),
    skipDuplicates: true,
  });
  if (result.count > 0) publishNotificationEvent(userIds, taskId);
  return result.count;
}

/** A decision: tell the requester what was decided and by whom. */
export async function notifyTaskDecided(taskId: string): Promise<number> {
  const task = await db().task.findUnique({ where: { id: taskId }, include: { decidedBy: { select: { name: true } } } });
  if (!task || task.status !== "DECIDED" || !task.requestedById || task.requestedById === task.decidedById) return 0;
  const verb = task.outcome === "approve" ? "approved" : task.outcome === "reject" ? "rejected" : `decided (${task.outcome})`;
  const result = await db().notification.createMany({
    data: [
      {
        userId: task.requestedById,
        dedupeKey: `task-decided:${taskId}:${task.requestedById}`,
        kind: "task.decided",
        title: `${taskReference(task.number)} ${verb} by ${task.decidedBy?.name ?? "an automated step"}: ${task.title}`,
        body: task.reason,
        taskId,
      },
    ],
    skipDuplicates: true,
  });
  if (result.count > 0) publishNotificationEvent([task.requestedById], taskId);
  return result.count;
}

export async function listNotifications(actor: Actor): Promise<{ data: NotificationDto[]; unread: number }> {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only people receive notifications.");
  const [rows, unread] = await Promise.all([
    db().notification.findMany({ where: { userId: actor.id }, orderBy: { createdAt: "desc" }, take: 30 }),
    db().notification.count({ where: { userId: actor.id, readAt: null } }),
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
  const where = "ids" in parsed.data ? { userId: actor.id, id: { in: parsed.data.ids }, readAt: null } : { userId: actor.id, readAt: null };
  const result = await db().notification.updateMany({ where, data: { readAt: new Date() } });
  return { updated: result.count };
}
