import { sql, type Sql } from "../db";
import { AppError } from "../errors";
import { principalId, seesEverything, type Actor } from "../identity/actor";
import { loadUserWithScope, type UserScope } from "../identity/repository";
import type { RoleName } from "../identity/permissions";
import { scopeOf } from "../identity/scope";
import { findTask, isGroupMember, type TaskRow } from "./repository";
import type { TaskDto } from "./schemas";

// Who may see a task and what they may do with it. Pure rules over a task row and the actor's
// scope (groups, skills, team); `visibilitySql` is `canView` as SQL for lists, and a table-driven
// test holds the two together.
//
// THE check point of separation of duties and four-eyes (issue #18, ADR 021): every path that
// lets someone decide a task or puts it in someone's hands — deciding (single or bulk, session or
// token, any outcome), asking a question, claiming, reassigning, escalating to a person — asks
// `sodConflict` about that person. A token is its owner here (`principalId`), never a free agent.

type Visible = Pick<TaskRow, "assigneeId" | "requestedById" | "decidedById" | "infoRequestedOfId" | "participantIds" | "createdByActor" | "candidateGroupId">;

export function canView(actor: Actor, scope: UserScope, t: Visible): boolean {
  if (seesEverything(actor)) return true;
  const me = principalId(actor);
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
  const me = principalId(actor) ?? "";
  return sql`(t."assigneeId" = ${me} OR t."requestedById" = ${me} OR t."decidedById" = ${me} OR t."infoRequestedOfId" = ${me}
    OR ${me} = ANY(t."participantIds")
    -- Whoever created a task can always read it back (a supervisor assigning work outside their team).
    OR t."createdByActor" = ${`user:${me}`}
    OR t."candidateGroupId" = ${anyOf([...scope.groupIds, ...scope.supervisedGroupIds])}
    OR t."assigneeId" = ${anyOf(scope.reportIds)})`;
}

/** How a held decision names who may undo it. */
export function actorKey(actor: Actor): string {
  return `${actor.type.toLowerCase()}:${actor.id ?? actor.name}`;
}

/** How a task names its creator: the person (a token's owner) when there is one, else the machine. */
export function creatorKey(actor: Actor): string {
  const me = principalId(actor);
  return me ? `user:${me}` : actorKey(actor);
}

type SodTask = Pick<TaskRow, "requestedById" | "createdByActor"> & { approvals: readonly { approverId: string }[]; excludedDeciderIds?: readonly string[] };

/**
 * Separation of duties and four-eyes for one person about to decide or hold a task: never its
 * requester, never whoever created it (on someone's behalf or not), never someone who already gave
 * one of its approvals. `who` names them in the message ("You", or a name). Null: no conflict.
 */
export function sodConflict(t: SodTask, userId: string, who = "You"): AppError | null {
  const you = who === "You";
  if (t.requestedById === userId) {
    return new AppError("SOD_VIOLATION", you ? "You requested this, so someone else must decide it (separation of duties)." : `${who} requested this task, so they cannot be the one to decide it.`);
  }
  if (t.createdByActor === `user:${userId}`) {
    return new AppError("SOD_VIOLATION", you ? "You created this task, so someone else must decide it (separation of duties)." : `${who} created this task, so they cannot be the one to decide it.`);
  }
  if (t.excludedDeciderIds?.includes(userId)) {
    return new AppError(
      "SOD_EARLIER_STEP",
      you
        ? "You decided an earlier step of this case, so someone else must decide this one (separation of duties)."
        : `${who} decided an earlier step of this case, so they cannot be the one to decide this one.`,
    );
  }
  if (t.approvals.some((a) => a.approverId === userId)) {
    return new AppError(
      "DUPLICATE_APPROVAL",
      you ? "You have already approved this task; a different person must give the next approval." : `${who} has already approved this task; a different person must give the next approval.`,
    );
  }
  return null;
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
  // A token answers for its owner: the person asked, or an admin's.
  if (actor.type === "TOKEN") return !!actor.owner && (actor.owner.id === t.infoRequestedOfId || actor.owner.role === "ADMIN");
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
  const me = principalId(actor);
  if (!me) return { claim: false, unclaim: false, decide: true, requestInfo: true, answer: false, readOnlyReason: null };
  const inGroup = t.candidateGroupId !== null && scope.groupIds.includes(t.candidateGroupId);
  if (t.approvals.some((a) => a.approverId === me)) {
    return none(`You approved this; it needs ${t.approvalsRequired - t.approvals.length} more approval(s) from someone else.`);
  }
  const conflict = sodConflict(t, me);
  if (t.assigneeId === me) {
    const reason = conflict ? conflict.message.replace(" (separation of duties)", "") : null;
    return { claim: false, unclaim: t.candidateGroupId !== null, decide: !conflict, requestInfo: !conflict, answer: false, readOnlyReason: reason };
  }
  if (t.assigneeId) return none(`Claimed by ${t.assignee?.name ?? "someone else"}.`);
  if (!inGroup) return none("This task is in a queue you are not a member of.");
  if (conflict) return { ...none(conflict.message.replace(" (separation of duties)", "")) };
  const missing = missingSkills(t, scope);
  if (missing.length) return none(`Needs skills you do not have: ${missing.join(", ")}.`);
  return { claim: true, unclaim: false, decide: true, requestInfo: true, answer: false, readOnlyReason: null };
}

/**
 * Who may decide (or ask a question on the way to deciding, or claim): the assignee, or a member
 * of the task's group, which claims it; never the requester, the creator or an earlier approver
 * (`sodConflict`). A token is its owner here, with its owner's groups (H1). Only the workflow
 * itself (worker, system) acts without a person. Returns the assignee once the action is done.
 */
export async function assigneeAfterDeciding(actor: Actor, task: TaskRow, knownScope?: UserScope): Promise<string | null> {
  if (actor.type === "WORKER" || actor.type === "SYSTEM") return task.assigneeId;
  const me = principalId(actor);
  if (!me) throw new AppError("FORBIDDEN", "This API token has no owner, so it cannot act on tasks.");
  const conflict = sodConflict(task, me);
  if (conflict) throw conflict;
  if (task.assigneeId && task.assigneeId !== me) {
    throw new AppError("TASK_CLAIMED_BY_OTHER", `${task.assignee?.name ?? "Someone else"} has claimed this task.`, {
      details: { assignee: task.assignee?.name ?? null, currentVersion: task.version },
    });
  }
  if (task.assigneeId) return task.assigneeId;
  // Acting on an unclaimed group task claims it in the same guarded update.
  const member = knownScope
    ? task.candidateGroupId !== null && knownScope.groupIds.includes(task.candidateGroupId)
    : task.candidateGroupId !== null && (await isGroupMember(me, [task.candidateGroupId]));
  if (!member) throw new AppError("FORBIDDEN", "Only members of the task's group can decide it.");
  if (task.requiredSkills.length) {
    const missing = missingSkills(task, knownScope ?? (await scopeOf(actor)));
    if (missing.length) throw new AppError("FORBIDDEN", `This task needs skills you do not have: ${missing.join(", ")}.`);
  }
  return me;
}

/** Supervisors act on their teams only: tasks in a group they supervise or held by a report. */
export function supervisesTask(scope: UserScope, t: Pick<TaskRow, "candidateGroupId" | "assigneeId">): boolean {
  return (t.candidateGroupId !== null && scope.supervisedGroupIds.includes(t.candidateGroupId)) || (t.assigneeId !== null && scope.reportIds.includes(t.assigneeId));
}

/**
 * Moving work (cancel, reassign) follows the same team scoping as reading: admins (and the
 * workflow) anywhere, supervisors — in person or through a token — their teams only (M3, H1).
 */
export function assertMayManage(actor: Actor, scope: UserScope, t: Pick<TaskRow, "candidateGroupId" | "assigneeId">, what: string): void {
  if (actor.type === "WORKER" || actor.type === "SYSTEM") return;
  const role = actor.type === "TOKEN" ? actor.owner?.role : actor.role;
  if (role === "ADMIN") return;
  if (!supervisesTask(scope, t)) throw new AppError("FORBIDDEN", `Supervisors can ${what} only their own teams' tasks.`);
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

/**
 * Seeing is not granting (M4): the people among `userIds` who could NOT already see the task. A
 * mention or a question may only reach people who can; the caller refuses the rest.
 */
export async function peopleWhoCannotSee(task: Visible, userIds: readonly string[]): Promise<string[]> {
  const blind: string[] = [];
  for (const id of new Set(userIds)) {
    const person = await loadUserWithScope(id);
    if (!person) {
      blind.push(id);
      continue;
    }
    const asActor: Actor = { type: "USER", id: person.id, name: person.name, role: person.role as RoleName, permissions: new Set() };
    if (!canView(asActor, person.scope, task)) blind.push(id);
  }
  return blind;
}
