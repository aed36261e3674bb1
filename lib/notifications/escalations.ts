import { db } from "../db";
import { deliverNotificationsDetailed, type NotificationDraft } from "./deliver";
import { taskReference } from "../references";
import { ESCALATION_ACTIONS, type EscalationAction } from "../sla/schemas";

// Tells the people an escalation level concerns (kinds task.reminder, task.escalated, task.decided): the holder for a reminder, the new owner for a
// reassignment or escalation (every member for a group queue), the previous holder and the
// requester when the task was decided automatically or expired. One dedupe key per task, level
// and person, so a retried job never notifies twice.
export async function notifyTaskEscalated(taskId: string, level: number): Promise<number> {
  return (await notifyTasksEscalated([{ taskId, level }])).get(`${taskId}.${level}`) ?? 0;
}

/**
 * The same for many fired levels at once (the worker batches its jobs): three queries and one
 * insert whatever the count. Returns, per `${taskId}.${level}`, how many notifications were new.
 */
export async function notifyTasksEscalated(levels: { taskId: string; level: number }[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (levels.length === 0) return out;
  const rows = await db().taskEscalation.findMany({
    where: { OR: levels.map((l) => ({ taskId: l.taskId, level: l.level })) },
    include: { task: { select: { number: true, title: true, requestedById: true } } },
  });
  const groupIds = [...new Set(rows.flatMap((r) => (!r.toAssigneeId && r.toGroupId ? [r.toGroupId] : [])))];
  const memberships = groupIds.length
    ? await db().groupMembership.findMany({ where: { groupId: { in: groupIds }, user: { active: true } }, select: { groupId: true, userId: true } })
    : [];
  const members = (groupId: string) => memberships.filter((m) => m.groupId === groupId).map((m) => m.userId);
  const drafts: (NotificationDraft & { pair: string })[] = [];
  for (const esc of rows) {
    const action = (ESCALATION_ACTIONS as readonly string[]).includes(esc.action) ? (esc.action as EscalationAction) : "remind";
    let userIds: string[];
    if (esc.toAssigneeId) userIds = [esc.toAssigneeId];
    else if (esc.toGroupId) userIds = members(esc.toGroupId);
    else if (action === "auto_decide" || action === "fail") userIds = [esc.fromAssigneeId, action === "fail" ? esc.task.requestedById : null].filter((u): u is string => !!u);
    else userIds = esc.fromAssigneeId ? [esc.fromAssigneeId] : [];
    // The requester never decides their own request, so a queue notice skips them.
    if (!esc.toAssigneeId && action !== "fail") userIds = userIds.filter((u) => u !== esc.task.requestedById);
    const message = escalationMessage(action, taskReference(esc.task.number), esc.task.title, esc.note);
    const pair = `${esc.taskId}.${esc.level}`;
    for (const userId of new Set(userIds)) {
      drafts.push({ pair, userId, dedupeKey: `task-escalated:${esc.taskId}:${esc.level}:${userId}`, kind: message.kind, title: message.title, body: esc.note, taskId: esc.taskId });
    }
  }
  // Through the person's chosen channels (in-app and/or e-mail), like every notification.
  const created = await deliverNotificationsDetailed(drafts.map(({ pair: _pair, ...d }) => d));
  const pairOf = new Map(drafts.map((d) => [d.dedupeKey, d.pair]));
  for (const key of created) {
    const pair = pairOf.get(key);
    if (pair) out.set(pair, (out.get(pair) ?? 0) + 1);
  }
  return out;
}

/** "TSK-12 escalated to you" etc.: who hears of a fired level, and what they read. */
function escalationMessage(action: EscalationAction, ref: string, title: string, note: string): { kind: string; title: string } {
  switch (action) {
    case "remind":
      return { kind: "task.reminder", title: `Reminder: ${ref} is due — ${title}` };
    case "reassign":
    case "supervisor":
    case "assignee_manager":
    case "manager_of_manager":
      return { kind: "task.escalated", title: `${ref} escalated to you (overdue): ${title}` };
    case "group":
      return { kind: "task.escalated", title: `${ref} escalated to your queue (overdue): ${title}` };
    case "auto_decide":
      return { kind: "task.decided", title: `${ref} ${note.toLowerCase()} after its deadline: ${title}` };
    case "fail":
      return { kind: "task.decided", title: `${ref} expired without a decision: ${title}` };
  }
}
