import { db } from "../db";
import { deliverNotifications } from "./deliver";
import { taskReference } from "../tasks/schemas";
import { escalationMessage } from "../sla/escalate";
import { ESCALATION_ACTIONS, type EscalationAction } from "../sla/schemas";

// Tells the people an escalation level concerns (kinds task.reminder, task.escalated, task.decided): the holder for a reminder, the new owner for a
// reassignment or escalation (every member for a group queue), the previous holder and the
// requester when the task was decided automatically or expired. One dedupe key per task, level
// and person, so a retried job never notifies twice.
export async function notifyTaskEscalated(taskId: string, level: number): Promise<number> {
  const esc = await db().taskEscalation.findUnique({
    where: { taskId_level: { taskId, level } },
    include: { task: { select: { number: true, title: true, requestedById: true } } },
  });
  if (!esc) return 0;
  const action = (ESCALATION_ACTIONS as readonly string[]).includes(esc.action) ? (esc.action as EscalationAction) : "remind";
  const members = async (groupId: string) =>
    (await db().groupMembership.findMany({ where: { groupId, user: { active: true } }, select: { userId: true } })).map((m) => m.userId);
  let userIds: string[];
  if (esc.toAssigneeId) userIds = [esc.toAssigneeId];
  else if (esc.toGroupId) userIds = await members(esc.toGroupId);
  else if (action === "auto_decide" || action === "fail") userIds = [esc.fromAssigneeId, action === "fail" ? esc.task.requestedById : null].filter((u): u is string => !!u);
  else userIds = esc.fromAssigneeId ? [esc.fromAssigneeId] : [];
  // The requester never decides their own request, so a queue notice skips them.
  if (!esc.toAssigneeId && action !== "fail") userIds = userIds.filter((u) => u !== esc.task.requestedById);
  userIds = [...new Set(userIds)];
  if (userIds.length === 0) return 0;
  const message = escalationMessage(action, taskReference(esc.task.number), esc.task.title, esc.note);
  // Through the person's chosen channels (in-app and/or e-mail), like every notification.
  return deliverNotifications(userIds.map((userId) => ({ userId, dedupeKey: `task-escalated:${taskId}:${level}:${userId}`, kind: message.kind, title: message.title, body: esc.note, taskId })));
}
