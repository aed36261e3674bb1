import { NOW, sql, transaction, type Tx } from "../db";
import { AppError, isAppError, parse } from "../errors";
import { principalId, requirePermission, type Actor } from "../identity/actor";
import { announceSessionsEnded } from "../identity/sessions";
import { QUEUES } from "../queues";
import { routeTask } from "../routing/service";
import type { RoutingSpec } from "../routing/schemas";
import { changeTask } from "../tasks/change";
import { sodConflict } from "../tasks/access";
import { findActivePerson, findUserDto } from "./repository";
import { deactivateInputSchema, reactivateInputSchema, type DeactivationDto, type UserDto } from "./schemas";
import { retargetEscalations } from "./retarget";

// A person's lifecycle: deactivation (someone leaves) and reactivation. The SCIM endpoint
// (`active: false`) and the administration call these same two functions.
//
// Deactivation is one transaction with its audit entry: the person is inactive, their API tokens
// are revoked, their open and claimed tasks go where the task's own routing sends them now (or to
// the colleague named), and escalation levels naming them retarget. Once committed, their live
// streams end (their next request is refused anyway: actorForUser ignores inactive people).

interface PersonRow {
  id: string;
  name: string;
  email: string;
  kind: string;
  active: boolean;
  supervisorId: string | null;
}

interface HeldTask {
  id: string;
  version: number;
  instanceId: string | null;
  assigneeId: string | null;
  candidateGroupId: string | null;
  groupKey: string | null;
  routing: RoutingSpec | null;
  requiredSkills: string[];
  context: Record<string, unknown>;
  requestedById: string | null;
  createdByActor: string | null;
  excludedDeciderIds: string[];
  approverIds: string[];
  candidateGroupIdBefore?: string | null;
}

async function lockPerson(tx: Tx, personId: string): Promise<PersonRow> {
  const [p] = await tx.query<PersonRow>(
    sql`SELECT "id", "name", "email", "kind"::text AS "kind", "active", "supervisorId" FROM "User" WHERE "id" = ${personId} FOR UPDATE`,
  );
  if (!p || p.kind !== "PERSON") throw new AppError("NOT_FOUND", "No such person.");
  return p;
}

/** Where one of a leaving person's tasks goes: the colleague named, else its routing run again, else the queue, else their manager. */
async function destination(
  tx: Tx,
  actor: Actor,
  task: HeldTask,
  leaving: PersonRow,
  colleague: { id: string; name: string } | null,
  manager: { id: string; name: string } | null,
): Promise<{ assigneeId: string | null; assigneeName: string | null; groupId: string | null; how: string } | null> {
  if (colleague) return { assigneeId: colleague.id, assigneeName: colleague.name, groupId: task.candidateGroupId, how: `handed to ${colleague.name}` };
  try {
    const routed = await routeTask(tx, {
      candidateGroup: task.groupKey ?? undefined,
      routing: task.routing ?? undefined,
      requiredSkills: task.requiredSkills,
      context: task.context,
      requesterId: task.requestedById,
      actor,
      refs: { taskId: task.id, instanceId: task.instanceId ?? undefined },
    });
    if (routed.assigneeId !== leaving.id && (routed.assigneeId || routed.candidateGroupId)) {
      const [who] = routed.assigneeId ? await tx.query<{ name: string }>(sql`SELECT "name" FROM "User" WHERE "id" = ${routed.assigneeId}`) : [];
      return { assigneeId: routed.assigneeId, assigneeName: who?.name ?? null, groupId: routed.candidateGroupId, how: `routed again: ${routed.decision.reason}` };
    }
  } catch (e) {
    // A rule that names only the leaving person (direct routing) no longer resolves: fall back.
    if (!isAppError(e, "VALIDATION_FAILED")) throw e;
  }
  if (task.candidateGroupId) return { assigneeId: null, assigneeName: null, groupId: task.candidateGroupId, how: "back to its queue" };
  if (manager) return { assigneeId: manager.id, assigneeName: manager.name, groupId: null, how: `handed to ${leaving.name}'s manager ${manager.name}` };
  return null;
}

/** Who may end or restore a person's access: an admin (users:manage) or the identity provider's provisioning (SCIM). */
function requireLifecyclePermission(actor: Actor): void {
  if (!actor.permissions.has("scim:provision")) requirePermission(actor, "users:manage");
}

/** Deactivates a person (users:manage or scim:provision): one transaction, one `user.deactivated` entry with before/after. */
export async function deactivatePerson(input: { personId: string; reason: string; reassignTo?: string | null }, actor: Actor): Promise<DeactivationDto> {
  requireLifecyclePermission(actor);
  const data = parse(deactivateInputSchema, { reason: input.reason, reassignTo: input.reassignTo }, "Deactivation");
  if (principalId(actor) === input.personId) {
    throw new AppError("VALIDATION_FAILED", "You cannot deactivate yourself; ask another administrator.", { fieldErrors: [{ path: "personId", message: "yourself" }] });
  }
  const result = await transaction(async (tx) => {
    const person = await lockPerson(tx, input.personId);
    if (!person.active) throw new AppError("CONFLICT", `${person.name} is already deactivated.`);
    const colleague = data.reassignTo ? await findActivePerson(tx, data.reassignTo, "reassignTo") : null;
    if (colleague?.id === person.id) {
      throw new AppError("VALIDATION_FAILED", "Choose someone other than the person leaving.", { fieldErrors: [{ path: "reassignTo", message: "choose someone else" }] });
    }
    const [manager] = person.supervisorId
      ? await tx.query<{ id: string; name: string }>(sql`SELECT "id", "name" FROM "User" WHERE "id" = ${person.supervisorId} AND "active"`)
      : [];

    // Every session signed in before now is over (lib/identity/sessions.ts), not only refused while inactive.
    await tx.query(sql`UPDATE "User" SET "active" = false, "sessionsValidAfter" = ${NOW}, "updatedAt" = ${NOW} WHERE "id" = ${person.id}`);
    const revoked = await tx.query<{ id: string }>(sql`UPDATE "ApiToken" SET "revokedAt" = ${NOW} WHERE "ownerId" = ${person.id} AND "revokedAt" IS NULL RETURNING "id"`);

    const held = await tx.query<HeldTask>(sql`
      SELECT t."id", t."version", t."instanceId", t."assigneeId", t."candidateGroupId", g."key" AS "groupKey", t."routing", t."requiredSkills",
             t."context", t."requestedById", t."createdByActor", t."excludedDeciderIds", ARRAY(SELECT a."approverId" FROM "TaskApproval" a WHERE a."taskId" = t."id") AS "approverIds"
        FROM "Task" t LEFT JOIN "Group" g ON g."id" = t."candidateGroupId"
       WHERE t."assigneeId" = ${person.id} AND t."status" = 'OPEN' ORDER BY t."number" FOR UPDATE OF t`);
    const stranded: string[] = [];
    const moves: { taskId: string; to: string | null; group: string | null; how: string }[] = [];
    for (const task of held) {
      let to = await destination(tx, actor, task, person, colleague, manager ?? null);
      const conflict = to?.assigneeId ? sodConflict({ ...task, approvals: task.approverIds.map((approverId) => ({ approverId })) }, to.assigneeId, to.assigneeName ?? "They") : null;
      if (conflict) to = task.candidateGroupId ? { assigneeId: null, assigneeName: null, groupId: task.candidateGroupId, how: `back to its queue (${conflict.message})` } : null;
      if (!to) {
        stranded.push(task.id);
        continue;
      }
      moves.push({ taskId: task.id, to: to.assigneeId, group: to.groupId, how: to.how });
      const after = { ...task, assigneeId: to.assigneeId, candidateGroupId: to.groupId, version: task.version + 1, decidedById: null };
      await changeTask(tx, actor, task, {
        action: "reassign",
        set: { assigneeId: to.assigneeId, candidateGroupId: to.groupId, claimedAt: null, delegatedFromId: null },
        sameAssignee: true,
        audit: {
          action: "task.reassigned",
          before: { assigneeId: task.assigneeId, assigneeName: person.name, candidateGroupId: task.candidateGroupId, version: task.version },
          after: { assigneeId: to.assigneeId, assigneeName: to.assigneeName, candidateGroupId: to.groupId, version: after.version, how: to.how },
          reason: `${person.name} was deactivated: ${data.reason}`,
        },
        messages: [{ queue: QUEUES.notifications, name: "task-created", jobId: `task-reassigned.${task.id}.${after.version}`, payload: { taskId: task.id, requestId: actor.requestId, cause: "reassigned" } }],
        event: { type: "task.reassigned", task: after, alsoTo: [person.id] },
      });
    }
    if (stranded.length > 0) {
      throw new AppError(
        "VALIDATION_FAILED",
        `${stranded.length} of ${person.name}'s open tasks have no queue to return to and ${person.name} has no active manager: choose a colleague to take them.`,
        { fieldErrors: [{ path: "reassignTo", message: "required: some tasks have nowhere else to go" }], details: { taskIds: stranded } },
      );
    }
    const retargeted = await retargetEscalations(tx, actor, person, colleague ?? manager ?? null);

    tx.audit(actor, {
      action: "user.deactivated",
      subjectType: "user",
      subjectId: person.id,
      before: { active: true, name: person.name, email: person.email },
      after: {
        active: false,
        revokedTokenIds: revoked.map((r) => r.id),
        reassignTo: colleague ? { id: colleague.id, name: colleague.name } : null,
        reroutedTasks: moves,
        retargetedEscalations: retargeted,
      },
      reason: data.reason,
    });
    // Their open live streams close now, not at the next heartbeat.
    tx.afterCommit(() => void announceSessionsEnded(person.id));
    const dto = await findUserDto(person.id, tx);
    return { ...dto!, reroutedTasks: moves.length, revokedTokens: revoked.length };
  });
  return result;
}

/** Reactivates a person (users:manage). Their revoked tokens stay revoked: new ones are issued. */
export async function reactivatePerson(input: { personId: string; reason?: string }, actor: Actor): Promise<UserDto> {
  requireLifecyclePermission(actor);
  const data = parse(reactivateInputSchema, { reason: input.reason }, "Reactivation");
  return transaction(async (tx) => {
    const person = await lockPerson(tx, input.personId);
    if (person.active) throw new AppError("CONFLICT", `${person.name} is already active.`);
    await tx.query(sql`UPDATE "User" SET "active" = true, "updatedAt" = ${NOW} WHERE "id" = ${person.id}`);
    tx.audit(actor, {
      action: "user.reactivated",
      subjectType: "user",
      subjectId: person.id,
      before: { active: false },
      after: { active: true },
      reason: data.reason ?? null,
    });
    return (await findUserDto(person.id, tx))!;
  });
}
