import { sql, type Sql } from "../db";
import { AppError } from "../errors";
import { seesEverything, type Actor } from "../identity/actor";
import type { UserScope } from "../identity/repository";
import { scopeOf } from "../identity/scope";
import { findTask, isGroupMember, type TaskRow } from "./repository";
import type { TaskDto } from "./schemas";

// Who may see a task and what they may do with it. Pure rules over a task row and the actor's
// scope (groups, skills, team); `visibilitySql` is `canView` as SQL for lists, and a table-driven
// test holds the two together.

type Visible = Pick<TaskRow, "assigneeId" | "requestedById" | "decidedById" | "infoRequestedOfId" | "participantIds" | "createdByActor" | "candidateGroupId">;

export function canView(actor: Actor, scope: UserScope, t: Visible): boolean {
  if (seesEverything(actor)) return true;
  const me = actor.id;
  if (!me) return false;
  return (
    t.assigneeId === me ||
    t.requestedById === me ||
    t.decidedById === me ||
    t.infoRequestedOfId === me ||
    t.participantIds.includes(me) ||
    t.createdByActor === `user:${me}` ||
    (t.candidateGroupId !== null && (scope.groupIds.includes(t.candidateGroupId) || scope.supervisedGroupIds.includes(t.candidateGroupId))) ||
    (t.assigneeId !== null && scope.reportIds.includes(t.assigneeId))
  );
}

const anyOf = (ids: string[]) => sql`ANY(${ids}::text[])`;

/** `canView` as SQL on `Task t`; null: everything. */
export function visibilitySql(actor: Actor, scope: UserScope): Sql | null {
  if (seesEverything(actor)) return null;
  const me = actor.id ?? "";
  return sql`(t."assigneeId" = ${me} OR t."requestedById" = ${me} OR t."decidedById" = ${me} OR t."infoRequestedOfId" = ${me}
    OR ${me} = ANY(t."participantIds")
    -- Whoever created a task can always read it back (a supervisor assigning work outside their team).
    OR t."createdByActor" = ${`user:${me}`}
    OR t."candidateGroupId" = ${anyOf([...scope.groupIds, ...scope.supervisedGroupIds])}
    OR t."assigneeId" = ${anyOf(scope.reportIds)})`;
}

/** How a held decision names who may undo it (and how tasks name their creator). */
export function actorKey(actor: Actor): string {
  return `${actor.type.toLowerCase()}:${actor.id ?? actor.name}`;
}

/** The decision is inside its undo window and the actor made it. */
function mayUndo(actor: Actor, t: Pick<TaskRow, "heldDecision">, now = new Date()): boolean {
  const h = t.heldDecision;
  return !!h && h.heldBy === actorKey(actor) && h.heldUntil > now;
}

/** Required skills the person lacks (only matters for taking an unassigned task from a queue). */
export function missingSkills(t: Pick<TaskRow, "requiredSkills">, scope: Pick<UserScope, "skills">): string[] {
  return t.requiredSkills.filter((s) => !scope.skills.includes(s));
}

/** The person asked answers; an admin or a machine may answer for them. */
export function mayAnswer(actor: Actor, t: Pick<TaskRow, "status" | "infoRequestedOfId">): boolean {
  if (t.status !== "INFO_REQUESTED") return false;
  if (actor.type === "USER") return actor.id === t.infoRequestedOfId || actor.role === "ADMIN";
  return actor.permissions.has("tasks:decide");
}

/** What the actor may do with the task right now, and why not (shown on read-only views). */
export function capabilities(actor: Actor, scope: UserScope, t: TaskRow): TaskDto["can"] {
  return { ...actionsAllowed(actor, scope, t), undo: mayUndo(actor, t) };
}

function actionsAllowed(actor: Actor, scope: UserScope, t: TaskRow): Omit<TaskDto["can"], "undo"> {
  const none = (readOnlyReason: string) => ({ claim: false, unclaim: false, decide: false, requestInfo: false, answer: false, readOnlyReason });
  if (t.status === "INFO_REQUESTED") {
    if (mayAnswer(actor, t)) return { ...none(""), answer: true, readOnlyReason: null };
    const who = t.infoRequestedOf?.name ?? "the person asked";
    return none(t.infoRequestedById === actor.id ? `Waiting for ${who} to answer your question.` : `Waiting for ${who} to answer a question.`);
  }
  if (!actor.permissions.has("tasks:decide")) return none("Your role can view tasks but not decide them.");
  if (t.status === "DECIDED") return none(`Decided (${t.outcome}) by ${t.decidedBy?.name ?? "someone"}.`);
  if (t.status === "CANCELLED") return none("This task was cancelled.");
  if (actor.type !== "USER") return { claim: false, unclaim: false, decide: true, requestInfo: true, answer: false, readOnlyReason: null };
  const isOwnRequest = t.requestedById !== null && t.requestedById === actor.id;
  const inGroup = t.candidateGroupId !== null && scope.groupIds.includes(t.candidateGroupId);
  if (t.approvals.some((a) => a.approverId === actor.id)) {
    return none(`You approved this; it needs ${t.approvalsRequired - t.approvals.length} more approval(s) from someone else.`);
  }
  if (t.assigneeId === actor.id) {
    return {
      claim: false,
      unclaim: t.candidateGroupId !== null,
      decide: !isOwnRequest,
      requestInfo: !isOwnRequest,
      answer: false,
      readOnlyReason: isOwnRequest ? "You requested this, so someone else must decide it." : null,
    };
  }
  if (t.assigneeId) return none(`Claimed by ${t.assignee?.name ?? "someone else"}.`);
  if (!inGroup) return none("This task is in a queue you are not a member of.");
  if (isOwnRequest) return { ...none("You requested this, so someone else must decide it.") };
  const missing = missingSkills(t, scope);
  if (missing.length) return none(`Needs skills you do not have: ${missing.join(", ")}.`);
  return { claim: true, unclaim: false, decide: true, requestInfo: true, answer: false, readOnlyReason: null };
}

/**
 * Who may decide (or ask a question on the way to deciding): the assignee, or a member of the
 * task's group, which claims it; never the requester (separation of duties). Machines may too.
 * Returns the assignee once the action is done.
 */
export async function assigneeAfterDeciding(actor: Actor, task: TaskRow, knownScope?: UserScope): Promise<string | null> {
  if (actor.type !== "USER") return task.assigneeId;
  if (task.requestedById && task.requestedById === actor.id) {
    throw new AppError("SOD_VIOLATION", "You requested this, so someone else must decide it (separation of duties).");
  }
  if (task.assigneeId && task.assigneeId !== actor.id) {
    throw new AppError("TASK_CLAIMED_BY_OTHER", `${task.assignee?.name ?? "Someone else"} has claimed this task.`, {
      details: { assignee: task.assignee?.name ?? null, currentVersion: task.version },
    });
  }
  if (task.assigneeId) return task.assigneeId;
  // Acting on an unclaimed group task claims it in the same guarded update.
  const member = knownScope
    ? task.candidateGroupId !== null && knownScope.groupIds.includes(task.candidateGroupId)
    : task.candidateGroupId !== null && (await isGroupMember(actor.id!, [task.candidateGroupId]));
  if (!member) throw new AppError("FORBIDDEN", "Only members of the task's group can decide it.");
  if (task.requiredSkills.length) {
    const missing = missingSkills(task, knownScope ?? (await scopeOf(actor)));
    if (missing.length) throw new AppError("FORBIDDEN", `This task needs skills you do not have: ${missing.join(", ")}.`);
  }
  return actor.id;
}

/** The version the caller saw, from the body or the If-Match header; a mismatch is 412. */
export function checkExpectedVersion(task: TaskRow, expected: number | undefined): void {
  if (expected !== undefined && expected !== task.version) {
    throw new AppError("VERSION_MISMATCH", "This task changed since you opened it. Review the current state and try again.", {
      details: { currentVersion: task.version, currentStatus: task.status, assignee: task.assignee?.name ?? null },
    });
  }
}

/** The task and the actor's scope, or 404 when the actor may not see it. */
export async function loadForAction(actor: Actor, id: string): Promise<{ task: TaskRow; scope: UserScope }> {
  const [task, scope] = await Promise.all([findTask(id), scopeOf(actor)]);
  if (!task || !canView(actor, scope, task)) throw new AppError("TASK_NOT_FOUND", "Task not found.");
  return { task, scope };
}
