import { newId, sql, transaction, type Tx } from "../db";
import { AppError, parse } from "../errors";
import { isPersonPrincipal, principalId, requirePermission, type Actor } from "../identity/actor";
import { publishTaskEvent, type TaskLike } from "../live/publish";
import { QUEUES } from "../queues";
import { routeTask } from "../routing/service";
import { armEscalationTimer, slaAtCreation } from "../sla/service";
import { creatorKey } from "./access";
import { getTask } from "./actions";
import { decisionConsequences } from "./consequences";
import { isApprovingOutcome } from "./decisions";
import { iso } from "./dto";
import { resolveUserRef } from "./repository";
import { createTaskSchema, taskProcessLinkSchema, type TaskDto, type TaskProcessLink } from "./schemas";

// A new task: validated, routed to its people, given its deadline and escalation plan, audited
// and announced, all in the creating transaction — the API's, or a process step's in the engine.

export type NewTask = ReturnType<typeof createTaskSchema.parse>;

/** A created task as its creator announces it once committed. */
export type CreatedTask = TaskLike & { id: string };

/** `link` ties the task to the process step that asked for it (the engine passes it; the REST API never does). */
export async function createTask(actor: Actor, input: unknown, link?: TaskProcessLink): Promise<TaskDto> {
  const { data, processLink } = validateNewTask(actor, input, link);
  const created = await transaction((tx) => createTaskInTx(tx, actor, data, processLink), { batched: true });
  return getTask(actor, created.id);
}

export function validateNewTask(actor: Actor, input: unknown, link?: TaskProcessLink): { data: NewTask; processLink: TaskProcessLink | null } {
  const processLink = link ? parse(taskProcessLinkSchema, link, "Process link") : null;
  requirePermission(actor, "tasks:create");
  return { data: parse(createTaskSchema, input, "Task"), processLink };
}

/** Who decided, or gave a vote on, a task of another step run of the instance. */
async function earlierDeciders(tx: Tx, instanceId: string, stepRunId: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(sql`
    SELECT t."decidedById" AS "id" FROM "Task" t
     WHERE t."instanceId" = ${instanceId} AND t."stepRunId" IS DISTINCT FROM ${stepRunId} AND t."status" = 'DECIDED' AND t."decidedById" IS NOT NULL
    UNION
    SELECT a."approverId" FROM "TaskApproval" a JOIN "Task" t ON t."id" = a."taskId"
     WHERE t."instanceId" = ${instanceId} AND t."stepRunId" IS DISTINCT FROM ${stepRunId}
    ORDER BY 1`);
  return rows.map((r) => r.id);
}

/** The system deciding on a decision table's word (an auto-approval), named after the table version. */
function decisionTableActor(creator: Actor, table: string): Actor {
  return { type: "SYSTEM", id: null, name: `decision table ${table}`, role: "ADMIN", permissions: new Set(), requestId: creator.requestId };
}

/**
 * Creates, routes and audits a validated task in the caller's transaction, with its task-created
 * job, its first escalation timer and its live event once committed. The row is written once, with
 * everything decided: its id is made here, so routing can audit against it before the INSERT.
 */
export async function createTaskInTx(tx: Tx, actor: Actor, data: NewTask, processLink: TaskProcessLink | null): Promise<CreatedTask> {
  const id = newId();
  const now = new Date();
  // A process task's requester is the instance's starter, known to exist (a foreign key): no lookup.
  const requester = data.requestedBy ? await resolveUserRef(data.requestedBy, tx) : processLink?.requesterId ? { id: processLink.requesterId } : null;
  if (data.requestedBy && !requester) {
    throw new AppError("VALIDATION_FAILED", `No user "${data.requestedBy}"`, { fieldErrors: [{ path: "requestedBy", message: "unknown user" }] });
  }
  // The requester is a fact (H2): the caller (a token's owner), or — with tasks:create_on_behalf,
  // recorded with both names — someone else. The engine passes the instance's starter.
  const callerId = principalId(actor);
  if (requester && requester.id !== callerId && (actor.type === "USER" || actor.type === "TOKEN")) {
    if (!actor.permissions.has("tasks:create_on_behalf")) {
      throw new AppError("FORBIDDEN", "Creating a task on behalf of someone else needs the tasks:create_on_behalf permission; leave requestedBy out to request it yourself.", {
        fieldErrors: [{ path: "requestedBy", message: "you may only request tasks yourself" }],
      });
    }
  }
  // A person asks for what they create; a service account or the workflow names no requester of
  // its own (it can never decide what it created anyway: `sodConflict` excludes the creator).
  const requestedById = requester?.id ?? (isPersonPrincipal(actor) ? callerId : null);
  const onBehalf = requestedById !== null && callerId !== null && requestedById !== callerId;
  // "Nobody approves two steps of the same case": the people who decided or voted on another step
  // of the instance, read in this transaction; routing skips them and sodConflict refuses them.
  const excludedDeciderIds = processLink?.excludeEarlierDeciders ? await earlierDeciders(tx, processLink.instanceId, processLink.stepRunId) : [];
  // Who gets it (lib/routing), audited as task.routed below.
  const routed = await routeTask(tx, {
    assignee: data.assignee,
    candidateGroup: data.candidateGroup,
    requiredSkills: data.requiredSkills,
    routing: data.routing,
    context: data.context,
    requesterId: requestedById,
    excludedIds: excludedDeciderIds,
    actor,
    refs: { taskId: id, instanceId: processLink?.instanceId },
  });
  const auto = routed.autoApprove ?? null;
  // Four-eyes is never given away by a machine (M5): a table may not auto-approve a task its
  // creator asked several approvals for, and no escalation may approve one on its own.
  if (auto && data.approvalsRequired > 1) {
    throw new AppError("VALIDATION_FAILED", `The routing table would approve this task automatically, but it needs ${data.approvalsRequired} approvals from people.`, {
      fieldErrors: [{ path: "routing", message: "auto-approval cannot replace four-eyes" }],
    });
  }
  const approvalsRequired = routed.overrides?.approvalsRequired ?? data.approvalsRequired;
  const autoApproving = (data.escalation?.levels ?? []).findIndex((l) => l.action === "auto_decide" && isApprovingOutcome({ outcomes: data.outcomes ?? null }, l.outcome));
  if (approvalsRequired > 1 && autoApproving >= 0) {
    throw new AppError("VALIDATION_FAILED", `Escalation level ${autoApproving + 1} would approve automatically, but this task needs ${approvalsRequired} approvals from people.`, {
      fieldErrors: [{ path: `escalation.levels.${autoApproving}.outcome`, message: "an automatic approval cannot replace four-eyes" }],
    });
  }
  if (approvalsRequired > 1 && !routed.candidateGroupId) {
    throw new AppError("VALIDATION_FAILED", "A task needing several approvers must have a candidate group they come from.", {
      fieldErrors: [{ path: "approvalsRequired", message: "needs a candidate group" }],
    });
  }
  const givenDue = routed.overrides?.dueAt ?? (data.dueAt ? new Date(data.dueAt) : null);
  // Deadline and escalation plan (lib/sla): counted from creation, on the routed group's calendar
  // when in business hours.
  const sla =
    data.dueIn || data.escalation
      ? await slaAtCreation(tx, {
          now,
          dueAt: givenDue,
          dueIn: givenDue ? undefined : data.dueIn,
          escalation: data.escalation,
          candidateGroupId: routed.candidateGroupId,
          outcomes: ["approve", "reject", ...(data.outcomes ?? []).map((o) => o.id)],
        })
      : null;
  const plan = auto || !sla?.escalationPolicy?.levels.length ? null : sla.escalationPolicy;
  const nextEscalationAt = plan ? (sla?.nextEscalationAt ?? null) : null;
  const task = await tx.insert("Task", {
    id,
    title: data.title,
    description: data.description ?? null,
    context: data.context,
    priority: routed.overrides?.priority ?? data.priority,
    dueAt: sla ? sla.dueAt : givenDue,
    assigneeId: routed.assigneeId,
    candidateGroupId: routed.candidateGroupId,
    delegatedFromId: routed.delegatedFromId,
    requiredSkills: data.requiredSkills,
    routing: (data.routing ?? null),
    approvalsRequired,
    outcomes: (data.outcomes ?? null),
    form: (data.form ?? null),
    requestedById,
    excludedDeciderIds,
    createdByActor: creatorKey(actor),
    instanceId: processLink?.instanceId ?? null,
    stepRunId: processLink?.stepRunId ?? null,
    escalationPolicy: (plan ?? null),
    nextEscalationAt,
    createdAt: now,
    updatedAt: now,
    ...(auto ? { status: "DECIDED" as const, outcome: "approve", reason: auto.reason, decidedAt: now } : {}),
  });
  if (plan && nextEscalationAt) armEscalationTimer(tx, id, 1, nextEscalationAt);
  const subject = { subjectType: "task", subjectId: id, taskId: id };
  tx.audit(actor, {
    ...subject,
    action: "task.created",
    instanceId: task.instanceId,
    after: {
      title: task.title,
      status: "OPEN",
      priority: task.priority,
      assigneeId: task.assigneeId,
      candidateGroupId: task.candidateGroupId,
      dueAt: iso(task.dueAt ?? null),
      requestedById,
      // Both names when a task is created on someone's behalf: the requester here, the creator as the entry's actor.
      ...(onBehalf ? { onBehalfOf: requestedById, createdBy: callerId } : {}),
      ...(approvalsRequired > 1 ? { approvalsRequired } : {}),
      ...(excludedDeciderIds.length ? { excludedDeciderIds } : {}),
      ...(nextEscalationAt ? { escalationLevels: data.escalation?.levels.length ?? 0, nextEscalationAt: iso(nextEscalationAt), businessHours: data.escalation?.businessHours ?? false } : {}),
    },
  });
  tx.audit(actor, {
    ...subject,
    action: "task.routed",
    after: { ...routed.decision, assigneeId: task.assigneeId, candidateGroupId: task.candidateGroupId },
    reason: routed.decision.reason,
  });
  if (auto) {
    // No person needed (ADR 006): the system approves it at once, with the rule as the reason,
    // and a process's human step continues as if a person had approved.
    const table = routed.decision.decisionTable;
    tx.audit(decisionTableActor(actor, table ? `${table.key} v${table.version}` : "routing"), {
      ...subject,
      action: "task.approved",
      instanceId: task.instanceId,
      before: { status: "OPEN", assigneeId: null, outcome: null, reason: null, version: 1 },
      after: { status: "DECIDED", assigneeId: null, outcome: "approve", reason: auto.reason, version: 1, autoApproved: true },
      reason: auto.reason,
    });
    for (const m of decisionConsequences({ id, instanceId: task.instanceId ?? null, stepRunId: task.stepRunId ?? null }, actor.requestId)) tx.enqueue(m);
  }
  tx.enqueue({ queue: QUEUES.notifications, name: "task-created", jobId: `task-created.${id}`, payload: { taskId: id, requestId: actor.requestId } });
  const created: CreatedTask = {
    id,
    version: 1,
    assigneeId: task.assigneeId ?? null,
    requestedById,
    decidedById: null,
    candidateGroupId: task.candidateGroupId ?? null,
    participantIds: [],
  };
  tx.afterCommit(() => publishTaskEvent("task.created", created));
  return created;
}
