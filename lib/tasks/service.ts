import { db, Prisma, type Tx } from "../db";
import { query } from "../pg";
import { taskProcessLinkSchema, type TaskProcessLink } from "./schemas";
import { AppError, fromZodError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import type { UserScope } from "../identity/repository";
import { scopeOf } from "../identity/scope";
import { randomUUID } from "node:crypto";
import { appendAuditEntry, toAuditDto } from "../audit/service";
import { AUDIT_COLUMNS, auditEntrySelect, auditInTx } from "../audit/repository";
import { jsonValue, newId, PgTx, rows, setList, tsValue, type AnyTx, type ColumnKind } from "../sql-tx";
import { env } from "../env";
import { enqueueInTx, dispatchInserted, outboxInsertSql, prepareMessages, transactionWithOutbox } from "../outbox/service";
import { commitDecisionMessage, decisionConsequences } from "./consequences";
import { QUEUES } from "../queues";
import {
  cancelTaskSchema,
  claimTaskSchema,
  createTaskSchema,
  decideTaskSchema,
  taskListQuerySchema,
  taskReference,
  type TaskDto,
  type TaskListQuery,
  type TaskPage,
} from "./schemas";
import { allowedFrom, assertTransition, type TaskAction } from "./state-machine";
import { publishTaskEvent } from "../live/publish";
import { findTask, findTasksByIds, isGroupMember, queryTaskIds, resolveUserRef, updateTaskIf, type TaskRow } from "./repository";
import { routeTask } from "../routing/service";
import { declaredForm, declaredOutcomes, planDecision, type DecisionPlan } from "./decisions";
import { isPriority, priorityKeysetSql, taskFilterSql, taskSortField, ts } from "./filters";
import { armEscalationTimerInTx, slaAtCreation, slaOf } from "../sla/service";

export { scopeOf };

/** Machines, admins and auditors see every task; people see their own, their groups' and their team's. */
export function seesEverything(actor: Actor): boolean {
  return actor.type !== "USER" || actor.role === "ADMIN" || actor.role === "AUDITOR";
}

export function canView(actor: Actor, scope: UserScope, t: Omit<TaskRow, "assignee" | "candidateGroup" | "requestedBy" | "decidedBy" | "infoRequestedOf" | "infoRequestedBy" | "delegatedFrom" | "approvals">): boolean {
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

/** How a held decision names who may undo it (and how tasks name their creator). */
export function actorKey(actor: Actor): string {
  return `${actor.type.toLowerCase()}:${actor.id ?? actor.name}`;
}

/** The decision is inside its undo window and the actor made it. */
export function mayUndo(actor: Actor, t: Pick<TaskRow, "heldDecision">, now = new Date()): boolean {
  const h = t.heldDecision;
  return !!h && h.heldBy === actorKey(actor) && h.heldUntil > now;
}

/** What the actor may do with the task right now, and why not (shown on read-only views). */
export function capabilities(actor: Actor, scope: UserScope, t: TaskRow): TaskDto["can"] {
  return { ...capabilitiesBeforeUndo(actor, scope, t), undo: mayUndo(actor, t) };
}

function capabilitiesBeforeUndo(actor: Actor, scope: UserScope, t: TaskRow): Omit<TaskDto["can"], "undo"> {
  const none = (readOnlyReason: string) => ({ claim: false, unclaim: false, decide: false, requestInfo: false, answer: false, readOnlyReason });
  if (t.status === "INFO_REQUESTED") {
    const answer = mayAnswer(actor, t);
    if (answer) return { ...none(""), answer: true, readOnlyReason: null };
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

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

export function toTaskDto(t: TaskRow, can: TaskDto["can"]): TaskDto {
  return {
    id: t.id,
    reference: taskReference(t.number),
    title: t.title,
    description: t.description,
    context: (t.context ?? {}) as Record<string, unknown>,
    status: t.status,
    priority: t.priority,
    assignee: t.assignee,
    candidateGroup: t.candidateGroup,
    requestedBy: t.requestedBy,
    claimedAt: iso(t.claimedAt),
    dueAt: iso(t.dueAt),
    outcome: t.outcome,
    decidedBy: t.decidedBy,
    decidedAt: iso(t.decidedAt),
    reason: t.reason,
    version: t.version,
    instanceId: t.instanceId,
    requiredSkills: t.requiredSkills,
    delegatedFrom: t.delegatedFrom,
    approvalsRequired: t.approvalsRequired,
    approvals: t.approvals.map((a) => ({ approver: { id: a.approverId, name: a.approverName }, outcome: a.outcome, reason: a.reason, at: a.createdAt.toISOString() })),
    outcomes: declaredOutcomes(t),
    form: declaredForm(t),
    formValues: (t.formValues ?? null) as Record<string, unknown> | null,
    infoRequest:
      t.status === "INFO_REQUESTED"
        ? { askedOf: t.infoRequestedOf, askedBy: t.infoRequestedBy, askedAt: iso(t.infoRequestedAt) }
        : null,
    hold: t.heldDecision ? { until: t.heldDecision.heldUntil.toISOString(), mine: can.undo } : null,
    sla: slaOf(t),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    can,
  };
}

/** The fields every audit entry about a task change shares. */
function taskEntry(task: Pick<TaskRow, "id" | "instanceId" | "status" | "assigneeId" | "outcome" | "reason" | "version">, action: string) {
  return { action, subjectType: "task", subjectId: task.id, taskId: task.id, instanceId: task.instanceId, before: snapshot(task) };
}

export function snapshot(t: Pick<TaskRow, "status" | "assigneeId" | "outcome" | "reason" | "version">) {
  return { status: t.status, assigneeId: t.assigneeId, outcome: t.outcome, reason: t.reason, version: t.version };
}

export function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import("zod").ZodError } }, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) throw fromZodError(r.error, what);
  return r.data;
}

// ---------------------------------------------------------------------------------------------

/** The system deciding on a decision table's word (an auto-approval), named after the table version. */
function decisionTableActor(creator: Actor, table: string): Actor {
  return { type: "SYSTEM", id: null, name: `decision table ${table}`, role: "ADMIN", permissions: new Set(), requestId: creator.requestId };
}

/** `link` ties the task to the process step that asked for it (the engine passes it; the REST API never does). */
export async function createTask(actor: Actor, input: unknown, link?: TaskProcessLink): Promise<TaskDto> {
  const created = await insertTask(actor, input, link);
  return getTask(actor, created.id);
}

/**
 * createTask without reading the task back as the caller sees it. Validated, routed, audited and
 * announced like any other task.
 */
export async function insertTask(actor: Actor, input: unknown, link?: TaskProcessLink): Promise<{ id: string }> {
  const { data, processLink } = validateNewTask(actor, input, link);
  // The task-created job (and an escalation timer) go to BullMQ right after the commit.
  let created!: CreatedTask;
  await transactionWithOutbox(async (tx) => {
    created = await insertTaskInTx(tx, actor, data, processLink);
  });
  publishTaskEvent("task.created", created);
  return { id: created.id };
}

export type NewTask = ReturnType<typeof createTaskSchema.parse>;

export function validateNewTask(actor: Actor, input: unknown, link?: TaskProcessLink): { data: NewTask; processLink: TaskProcessLink | null } {
  const processLink = link ? parse(taskProcessLinkSchema, link, "Process link") : null;
  requirePermission(actor, "tasks:create");
  return { data: parse(createTaskSchema, input, "Task"), processLink };
}

/**
 * What of a new task needs Prisma's transaction: a named requester, a decision table's routing,
 * a deadline or escalation plan (lib/users, lib/rules, lib/sla read through Prisma). Without them
 * a task is created in a worker's PgTx too (a process's human step, ADR 016).
 */
export function newTaskNeedsPrisma(data: NewTask): boolean {
  return !!data.requestedBy || data.routing?.strategy === "decision_table" || !!data.dueIn || !!data.escalation;
}

const CREATED_TASK_COLUMNS: Record<string, ColumnKind> = {
  assigneeId: "text",
  candidateGroupId: "text",
  delegatedFromId: "text",
  approvalsRequired: "int",
  priority: { enum: "TaskPriority" },
  dueAt: "timestamp",
  status: { enum: "TaskStatus" },
  outcome: "text",
  reason: "text",
  decidedAt: "timestamp",
  escalationPolicy: "json",
  nextEscalationAt: "timestamp",
};

/** The routing result and deadline plan, on the row insertTaskInTx just created (same transaction). */
async function updateCreatedTask(tx: AnyTx, id: string, data: Record<string, unknown>): Promise<CreatedTask> {
  const set = [...setList(CREATED_TASK_COLUMNS, data), Prisma.sql`"updatedAt" = ${tsValue(new Date())}`];
  const [row] = await rows<CreatedTask>(tx, Prisma.sql`UPDATE "Task" SET ${Prisma.join(set)} WHERE "id" = ${id} RETURNING *`);
  if (!row) throw new Error(`task ${id} vanished in its creating transaction`);
  return row;
}

/** The task row as created (RETURNING *), for the caller to announce after its commit (publishTaskEvent). */
export type CreatedTask = TaskRow & { nextEscalationAt: Date | null; approvalsRequired: number };

/**
 * Creates, routes and audits a validated task in the caller's transaction, and writes its
 * task-created job (and escalation timer) to the outbox. Plain SQL for the task itself; the parts
 * newTaskNeedsPrisma names need a Prisma transaction.
 */
export async function insertTaskInTx(tx: AnyTx, actor: Actor, data: NewTask, processLink: TaskProcessLink | null): Promise<CreatedTask> {
  const prismaTx = (what: string): Tx => {
    if (tx instanceof PgTx) throw new Error(`creating a task with ${what} needs a Prisma transaction (newTaskNeedsPrisma)`);
    return tx;
  };
  const requester = data.requestedBy ? await resolveUserRef(prismaTx("a requester"), data.requestedBy) : null;
  if (data.requestedBy && !requester) {
    throw new AppError("VALIDATION_FAILED", `No user "${data.requestedBy}"`, { fieldErrors: [{ path: "requestedBy", message: "unknown user" }] });
  }
  const requestedById = requester?.id ?? (actor.type === "USER" ? actor.id : null);
  // Who gets it (lib/routing): decided in this transaction and audited as task.routed below.
  const route = (taskId?: string) =>
    routeTask(tx, {
      assignee: data.assignee,
      candidateGroup: data.candidateGroup,
      requiredSkills: data.requiredSkills,
      routing: data.routing,
      context: data.context,
      requesterId: requestedById,
      actor,
      refs: { taskId, instanceId: processLink?.instanceId },
    });
  // A decision table's evaluation is audited with the task's id, so the row comes first and
  // takes the routing result right after (same transaction: nobody sees it in between).
  const byTable = data.routing?.strategy === "decision_table";
  const early = byTable ? null : await route();
  const createdAt = tsValue(new Date());
  const [row] = (await rows<CreatedTask>(
    tx,
    Prisma.sql`INSERT INTO "Task" ("id", "title", "description", "context", "priority", "dueAt", "assigneeId", "candidateGroupId", "delegatedFromId",
                                   "requiredSkills", "routing", "approvalsRequired", "outcomes", "form", "requestedById", "createdByActor",
                                   "instanceId", "stepRunId", "createdAt", "updatedAt")
      VALUES (${newId()}, ${data.title}, ${data.description ?? null}, ${jsonValue(data.context)}, ${data.priority}::"TaskPriority",
              ${tsValue(data.dueAt ? new Date(data.dueAt) : null)}, ${early?.assigneeId ?? null}, ${early?.candidateGroupId ?? null}, ${early?.delegatedFromId ?? null},
              ${data.requiredSkills}::text[], ${jsonValue(data.routing ?? null)}, ${data.approvalsRequired}::int, ${jsonValue(data.outcomes ?? null)},
              ${jsonValue(data.form ?? null)}, ${requestedById}, ${actorKey(actor)}, ${processLink?.instanceId ?? null}, ${processLink?.stepRunId ?? null}, ${createdAt}, ${createdAt})
      RETURNING *`,
  )) as [CreatedTask];
  const routed = early ?? (await route(row.id));
  const approvalsRequired = routed.overrides?.approvalsRequired ?? data.approvalsRequired;
  if (approvalsRequired > 1 && !routed.candidateGroupId) {
    throw new AppError("VALIDATION_FAILED", "A task needing several approvers must have a candidate group they come from.", {
      fieldErrors: [{ path: "approvalsRequired", message: "needs a candidate group" }],
    });
  }
  const auto = routed.autoApprove ?? null;
  const now = new Date();
  let task = early
    ? row
    : await updateCreatedTask(tx, row.id, {
        assigneeId: routed.assigneeId,
        candidateGroupId: routed.candidateGroupId,
        delegatedFromId: routed.delegatedFromId,
        approvalsRequired,
        ...(routed.overrides?.priority ? { priority: routed.overrides.priority } : {}),
        ...(routed.overrides?.dueAt ? { dueAt: routed.overrides.dueAt } : {}),
        ...(auto ? { status: "DECIDED" as const, outcome: "approve", reason: auto.reason, decidedAt: now } : {}),
      });
  // Deadline and escalation plan (lib/sla): counted from creation, on the routed group's
  // calendar when in business hours; the first level's timer goes out through the outbox.
  if (data.dueIn || data.escalation) {
    const sla = await slaAtCreation(prismaTx("a deadline"), {
      now: row.createdAt,
      dueAt: task.dueAt,
      dueIn: task.dueAt ? undefined : data.dueIn,
      escalation: data.escalation,
      candidateGroupId: task.candidateGroupId,
      outcomes: ["approve", "reject", ...(data.outcomes ?? []).map((o) => o.id)],
    });
    const plan = auto || !sla.escalationPolicy?.levels.length ? null : sla.escalationPolicy;
    task = await updateCreatedTask(tx, task.id, { dueAt: sla.dueAt, ...(plan ? { escalationPolicy: plan } : {}), nextEscalationAt: plan ? sla.nextEscalationAt : null });
    if (plan && task.nextEscalationAt) await armEscalationTimerInTx(prismaTx("an escalation plan"), task.id, 1, task.nextEscalationAt);
  }
  await auditInTx(tx, actor, {
    action: "task.created",
    subjectType: "task",
    subjectId: task.id,
    taskId: task.id,
    instanceId: task.instanceId,
    after: {
      title: task.title,
      status: "OPEN",
      priority: task.priority,
      assigneeId: task.assigneeId,
      candidateGroupId: task.candidateGroupId,
      dueAt: iso(task.dueAt),
      ...(task.approvalsRequired > 1 ? { approvalsRequired: task.approvalsRequired } : {}),
      ...(task.nextEscalationAt ? { escalationLevels: data.escalation?.levels.length ?? 0, nextEscalationAt: iso(task.nextEscalationAt), businessHours: data.escalation?.businessHours ?? false } : {}),
    },
  });
  await auditInTx(tx, actor, {
    action: "task.routed",
    subjectType: "task",
    subjectId: task.id,
    taskId: task.id,
    after: { ...routed.decision, assigneeId: task.assigneeId, candidateGroupId: task.candidateGroupId } as unknown as Prisma.InputJsonObject,
    reason: routed.decision.reason,
  });
  if (auto) {
    // No person needed (ADR 006): the system approves it at once, with the rule as the reason,
    // and a process's human step continues as if a person had approved.
    const table = routed.decision.decisionTable;
    await auditInTx(tx, decisionTableActor(actor, table ? `${table.key} v${table.version}` : "routing"), {
      action: "task.approved",
      subjectType: "task",
      subjectId: task.id,
      taskId: task.id,
      instanceId: task.instanceId,
      before: { status: "OPEN", assigneeId: null, outcome: null, reason: null, version: task.version },
      after: { status: "DECIDED", assigneeId: null, outcome: "approve", reason: auto.reason, version: task.version, autoApproved: true },
      reason: auto.reason,
    });
    await enqueueInTx(tx, { queue: QUEUES.notifications, name: "task-decided", jobId: `task-decided.${task.id}`, payload: { taskId: task.id, requestId: actor.requestId } });
    if (task.instanceId && task.stepRunId) {
      await enqueueInTx(tx, { queue: QUEUES.engine, name: "human-decided", jobId: `human.${task.id}`, payload: { taskId: task.id, requestId: actor.requestId } });
    }
  }
  await enqueueInTx(tx, {
    queue: QUEUES.notifications,
    name: "task-created",
    jobId: `task-created.${task.id}`,
    payload: { taskId: task.id, requestId: actor.requestId },
  });
  return task;
}

export async function getTask(actor: Actor, id: string): Promise<TaskDto> {
  requirePermission(actor, "tasks:read");
  const [task, scope] = await Promise.all([findTask(id), scopeOf(actor)]);
  if (!task || !canView(actor, scope, task)) throw new AppError("TASK_NOT_FOUND", "Task not found.");
  return toTaskDto(task, capabilities(actor, scope, task));
}

interface Cursor {
  k: string | null;
  id: string;
}
function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Cursor;
    if (typeof c.id !== "string" || (c.k !== null && typeof c.k !== "string") || (c.k && Number.isNaN(Date.parse(c.k)) && !isPriority(c.k))) throw new Error();
    return c;
  } catch {
    throw new AppError("VALIDATION_FAILED", "cursor is invalid: pass the nextCursor of a previous page", {
      fieldErrors: [{ path: "cursor", message: "invalid" }],
    });
  }
}

/**
 * Keyset pagination over (sortField, id). Open work sorts by due date, soonest first, tasks
 * without a due date last; decided work by decision time, newest first.
 */
function keysetSql(field: "dueAt" | "decidedAt" | "createdAt", dir: "asc" | "desc", cursor: Cursor | null): Prisma.Sql | null {
  if (!cursor) return null;
  const col = Prisma.raw(`t."${field}"`);
  if (cursor.k === null) return Prisma.sql`(${col} IS NULL AND t."id" > ${cursor.id})`;
  const k = ts(cursor.k);
  const beyond = dir === "asc" ? Prisma.sql`${col} > ${k}` : Prisma.sql`${col} < ${k}`;
  return Prisma.sql`(${beyond} OR (${col} = ${k} AND t."id" > ${cursor.id}) OR ${col} IS NULL)`;
}

const anyOf = (ids: string[]) => Prisma.sql`ANY(${ids}::text[])`;

/** Who may see a task (view "all"), as SQL on `Task t`; null: everything. */
function visibilitySql(actor: Actor, scope: UserScope): Prisma.Sql | null {
  if (seesEverything(actor)) return null;
  const me = actor.id ?? "";
  return Prisma.sql`(t."assigneeId" = ${me} OR t."requestedById" = ${me} OR t."decidedById" = ${me} OR t."infoRequestedOfId" = ${me}
    OR ${me} = ANY(t."participantIds")
    -- Whoever created a task can always read it back (a supervisor assigning work outside their team).
    OR t."createdByActor" = ${`user:${me}`}
    OR t."candidateGroupId" = ${anyOf([...scope.groupIds, ...scope.supervisedGroupIds])}
    OR t."assigneeId" = ${anyOf(scope.reportIds)})`;
}

/**
 * A list view as one or more branches, each an indexable condition: the inbox is the union of
 * "assigned to me", "my groups' queue" and "asked of me", and runs as three index scans merged
 * (one OR across them makes PostgreSQL read and sort every open task of the group).
 */
function viewBranches(view: TaskListQuery["view"], actor: Actor, scope: UserScope): (Prisma.Sql | null)[] {
  const me = actor.id ?? "";
  const mine = Prisma.sql`t."assigneeId" = ${me} AND t."status" IN ('OPEN', 'INFO_REQUESTED')`;
  // A four-eyes task you approved waits for someone else: it leaves your queue. One branch a
  // group (up to 20), so each reads the partial index Task_group_queue_idx in due order.
  const queueOf = (groups: Prisma.Sql) =>
    Prisma.sql`t."assigneeId" IS NULL AND t."status" = 'OPEN' AND t."candidateGroupId" ${groups}
    AND NOT EXISTS (SELECT 1 FROM "TaskApproval" ap WHERE ap."taskId" = t."id" AND ap."approverId" = ${me})`;
  const groupQueue =
    scope.groupIds.length > 0 && scope.groupIds.length <= 20
      ? scope.groupIds.map((g) => queueOf(Prisma.sql`= ${g}`))
      : [queueOf(Prisma.sql`= ${anyOf(scope.groupIds)}`)];
  const askedOfMe = Prisma.sql`t."infoRequestedOfId" = ${me} AND t."status" = 'INFO_REQUESTED'`;
  switch (view) {
    case "mine":
      return [mine];
    case "group":
      return groupQueue;
    case "asked":
      return [askedOfMe];
    case "inbox":
      return [mine, ...groupQueue, askedOfMe];
    case "decided":
      return [Prisma.sql`t."decidedById" = ${me} AND t."status" = 'DECIDED'`];
    case "all":
      return [visibilitySql(actor, scope)];
  }
}

export async function listTasks(actor: Actor, rawQuery: unknown): Promise<TaskPage> {
  requirePermission(actor, "tasks:read");
  const q = parse(taskListQuerySchema, rawQuery, "Query");
  const scope = await scopeOf(actor);
  const cursor = q.cursor ? decodeCursor(q.cursor) : null;
  const { field, dir } = taskSortField(q);
  const after = field === "priority" ? priorityKeysetSql(cursor) : keysetSql(field, dir, cursor);
  const filters = [...taskFilterSql(q, { now: new Date(), timeZone: actor.timeZone }), ...(after ? [after] : [])];
  const col = Prisma.raw(`"${field}"`);
  const order = (alias: string) =>
    Prisma.raw(
      `${alias}${field === "priority" || field === "createdAt" ? `"${field}" ${dir.toUpperCase()}` : `"${field}" ${dir.toUpperCase()} NULLS LAST`}, ${alias}"id" ASC`,
    );
  const take = q.limit + 1;
  const branchSql = viewBranches(q.view, actor, scope).map((b) => {
    const conds = [...(b ? [b] : []), ...filters];
    const where = conds.length ? Prisma.sql`WHERE ${Prisma.join(conds, " AND ")}` : Prisma.empty;
    return Prisma.sql`(SELECT t."id", t.${col} FROM "Task" t ${where} ORDER BY ${order("t.")} LIMIT ${take})`;
  });
  const ids = await queryTaskIds(
    branchSql.length === 1 ? branchSql[0]! : Prisma.sql`SELECT x."id" FROM (${Prisma.join(branchSql, " UNION ")}) x ORDER BY ${order("x.")} LIMIT ${take}`,
  );
  const rows = await findTasksByIds(ids);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((t) => toTaskDto(t, capabilities(actor, scope, t))),
    nextCursor: ids.length > q.limit && last ? encodeCursor({ k: field === "priority" ? last.priority : iso(last[field]), id: last.id }) : null,
  };
}

/** The version the caller saw, from the body or the If-Match header; a mismatch is 412. */
export function checkExpectedVersion(task: TaskRow, expected: number | undefined): void {
  if (expected !== undefined && expected !== task.version) {
    throw new AppError("VERSION_MISMATCH", "This task changed since you opened it. Review the current state and try again.", {
      details: { currentVersion: task.version, currentStatus: task.status, assignee: task.assignee?.name ?? null },
    });
  }
}

/** After a guarded update lost a race: explain what the winner did. */
export async function explainLostRace(id: string, action: TaskAction): Promise<never> {
  const current = await findTask(id);
  if (!current) throw new AppError("TASK_NOT_FOUND", "Task not found.");
  assertTransition(current.status, action, { decidedBy: current.decidedBy?.name ?? null, outcome: current.outcome });
  if (current.assignee) {
    throw new AppError("TASK_CLAIMED_BY_OTHER", `${current.assignee.name} has claimed this task.`, {
      details: { assignee: current.assignee.name, currentVersion: current.version },
    });
  }
  throw new AppError("VERSION_MISMATCH", "This task changed while you were acting on it. Try again.", { details: { currentVersion: current.version } });
}

export async function loadForAction(actor: Actor, id: string) {
  const [task, scope] = await Promise.all([findTask(id), scopeOf(actor)]);
  if (!task || !canView(actor, scope, task)) throw new AppError("TASK_NOT_FOUND", "Task not found.");
  return { task, scope };
}

export async function claimTask(actor: Actor, id: string, input: unknown = {}, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:decide");
  const body = parse(claimTaskSchema, input ?? {}, "Claim");
  const { task, scope } = await loadForAction(actor, id);
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only people claim tasks.");
  checkExpectedVersion(task, ifMatch ?? body.version);
  assertTransition(task.status, "claim", { decidedBy: task.decidedBy?.name ?? null, outcome: task.outcome });
  if (task.assigneeId === actor.id) return toTaskDto(task, capabilities(actor, scope, task));
  if (task.assigneeId) {
    throw new AppError("TASK_CLAIMED_BY_OTHER", `${task.assignee?.name ?? "Someone else"} has claimed this task.`, {
      details: { assignee: task.assignee?.name ?? null, currentVersion: task.version },
    });
  }
  if (!task.candidateGroupId || !scope.groupIds.includes(task.candidateGroupId)) {
    throw new AppError("FORBIDDEN", "Only members of the task's group can claim it.");
  }
  const missing = missingSkills(task, scope);
  if (missing.length) throw new AppError("FORBIDDEN", `This task needs skills you do not have: ${missing.join(", ")}.`);
  if (task.approvals.some((a) => a.approverId === actor.id)) {
    throw new AppError("DUPLICATE_APPROVAL", "You have already approved this task; a different person must give the next approval.");
  }
  await db().$transaction(async (tx) => {
    const ok = await updateTaskIf(
      tx,
      { id, version: task.version, statuses: allowedFrom("claim"), assigneeId: null },
      { assigneeId: actor.id, claimedAt: new Date() },
    );
    if (!ok) return explainLostRace(id, "claim");
    await appendAuditEntry(tx, actor, {
      action: "task.claimed",
      subjectType: "task",
      subjectId: id,
      taskId: id,
      instanceId: task.instanceId,
      before: { assigneeId: null, version: task.version },
      after: { assigneeId: actor.id, version: task.version + 1 },
    });
  });
  publishTaskEvent("task.claimed", { ...task, assigneeId: actor.id, version: task.version + 1 });
  return getTask(actor, id);
}

export async function unclaimTask(actor: Actor, id: string, input: unknown = {}, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:decide");
  const body = parse(claimTaskSchema, input ?? {}, "Unclaim");
  const { task } = await loadForAction(actor, id);
  checkExpectedVersion(task, ifMatch ?? body.version);
  assertTransition(task.status, "unclaim");
  if (task.assigneeId !== actor.id) throw new AppError("FORBIDDEN", "You can only release a task you have claimed.");
  if (!task.candidateGroupId) throw new AppError("TASK_NOT_ACTIONABLE", "This task was assigned to you directly and has no queue to return to.");
  await db().$transaction(async (tx) => {
    const ok = await updateTaskIf(tx, { id, version: task.version, statuses: allowedFrom("unclaim"), assigneeId: actor.id }, { assigneeId: null, claimedAt: null });
    if (!ok) return explainLostRace(id, "unclaim");
    await appendAuditEntry(tx, actor, {
      action: "task.unclaimed",
      subjectType: "task",
      subjectId: id,
      taskId: id,
      instanceId: task.instanceId,
      before: { assigneeId: actor.id, version: task.version },
      after: { assigneeId: null, version: task.version + 1 },
    });
  });
  publishTaskEvent("task.unclaimed", { ...task, assigneeId: null, version: task.version + 1 }, [actor.id]);
  return getTask(actor, id);
}

/**
 * Who may decide (or ask a question on the way to deciding): the assignee, or a member of the
 * task's group, which claims it; never the requester (separation of duties). Machines may too.
 * Returns the assignee after the action.
 */
export async function deciderAfter(actor: Actor, task: TaskRow, knownScope?: UserScope): Promise<string | null> {
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
  const member = knownScope ? task.candidateGroupId !== null && knownScope.groupIds.includes(task.candidateGroupId) : task.candidateGroupId !== null && (await isGroupMember(db(), actor.id!, task.candidateGroupId));
  if (!member) {
    throw new AppError("FORBIDDEN", "Only members of the task's group can decide it.");
  }
  if (task.requiredSkills.length) {
    const missing = missingSkills(task, knownScope ?? (await scopeOf(actor)));
    if (missing.length) throw new AppError("FORBIDDEN", `This task needs skills you do not have: ${missing.join(", ")}.`);
  }
  return actor.id;
}

export async function decideTask(actor: Actor, id: string, input: unknown, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:decide");
  const data = parse(decideTaskSchema, input, "Decision");
  const { task, scope } = await loadForAction(actor, id);
  assertTransition(task.status, "decide", { decidedBy: task.decidedBy?.name ?? null, outcome: task.outcome });
  checkExpectedVersion(task, ifMatch ?? data.version);

  const assigneeAfter = await deciderAfter(actor, task, scope);
  const approverId = actor.type === "USER" ? actor.id : null;
  // Custom outcomes, the decision form and four-eyes (lib/tasks/decisions.ts).
  const plan = planDecision(task, data, approverId);
  if (!plan.final) return recordApproval(actor, task, plan);
  const now = new Date();
  const holdMs = data.hold ? env().UNDO_WINDOW_SECONDS * 1000 : 0;
  const heldUntil = holdMs > 0 ? new Date(now.getTime() + holdMs) : null;
  const action = plan.outcome === "approve" ? "task.approved" : plan.outcome === "reject" ? "task.rejected" : "task.decided";
  const approvalId = approverId ? randomUUID() : null;
  const reason = data.reason ?? null;
  // One statement, one round trip: the guarded UPDATE, and only if it matched, the vote, the
  // audit entry, the outbox rows and (with an undo window) the held decision.
  const messages = prepareMessages(heldUntil ? [commitDecisionMessage(id, task.version + 1, heldUntil)] : decisionConsequences(task, actor.requestId));
  const applied = await query<{ n: number; outbox: string[] | null }>(Prisma.sql`
    WITH u AS (
      UPDATE "Task" SET
        "status" = 'DECIDED'::"TaskStatus", "outcome" = ${plan.outcome}, "reason" = ${reason},
        "formValues" = ${plan.formValues ? JSON.stringify(plan.formValues) : null}::jsonb,
        "decidedAt" = ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC',
        "decidedById" = ${approverId},
        "assigneeId" = ${assigneeAfter},
        "claimedAt" = CASE WHEN "assigneeId" IS NULL THEN ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC' ELSE "claimedAt" END,
        "version" = "version" + 1,
        "updatedAt" = ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
      WHERE "id" = ${id} AND "version" = ${task.version} AND "status" = 'OPEN'::"TaskStatus" AND "assigneeId" IS NOT DISTINCT FROM ${task.assigneeId}
      RETURNING "id"
    )${
      approvalId
        ? Prisma.sql`, ap AS (
      INSERT INTO "TaskApproval" ("id", "taskId", "approverId", "approverName", "outcome", "reason", "formValues", "createdAt")
      SELECT ${approvalId}, u."id", ${approverId}, ${actor.name}, ${plan.outcome}, ${plan.reason},
             ${plan.formValues ? JSON.stringify(plan.formValues) : null}::jsonb, ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC' FROM u
    )`
        : Prisma.empty
    }, au AS (
      INSERT INTO "AuditEntry" ${AUDIT_COLUMNS} ${auditEntrySelect(actor, {
        ...taskEntry(task, action),
        after: {
          status: "DECIDED",
          assigneeId: assigneeAfter,
          outcome: plan.outcome,
          reason,
          version: task.version + 1,
          ...(plan.formValues ? { form: plan.formValues as Prisma.InputJsonObject } : {}),
          ...(task.approvalsRequired > 1 ? { approvals: plan.approvalsAfter, approvalsRequired: task.approvalsRequired } : {}),
          ...(heldUntil ? { undoableUntil: heldUntil.toISOString() } : {}),
        },
        reason,
      })} FROM u
    ), ob AS (
      ${outboxInsertSql(messages, Prisma.sql`u`)}
    )${
      heldUntil
        ? Prisma.sql`, hd AS (
      INSERT INTO "HeldDecision" ("taskId", "version", "heldUntil", "heldBy", "prevAssigneeId", "prevClaimedAt", "approvalId")
      SELECT u."id", ${task.version + 1}, ${heldUntil.toISOString()}::timestamptz AT TIME ZONE 'UTC', ${actorKey(actor)}, ${task.assigneeId},
             ${task.claimedAt ? task.claimedAt.toISOString() : null}::timestamptz AT TIME ZONE 'UTC', ${approvalId} FROM u
    )`
        : Prisma.empty
    }
    SELECT (SELECT count(*)::int FROM u) AS "n", (SELECT array_agg("id" ORDER BY "id")::text[] FROM ob) AS "outbox"`);
  if (Number(applied[0]?.n ?? 0) !== 1) return explainLostRace(id, "decide");
  dispatchInserted(messages, applied[0]!.outbox);
  const decidedById = actor.type === "USER" ? actor.id : null;
  publishTaskEvent("task.decided", { ...task, assigneeId: assigneeAfter, decidedById, version: task.version + 1 });
  // The task as it now is, from what we know (no re-read): the caller gets it back at once.
  const me = actor.type === "USER" && actor.id ? { id: actor.id, name: actor.name } : null;
  const after: TaskRow = {
    ...task,
    status: "DECIDED",
    outcome: plan.outcome,
    reason,
    formValues: (plan.formValues ?? null) as TaskRow["formValues"],
    decidedAt: now,
    decidedById,
    decidedBy: me,
    assigneeId: assigneeAfter,
    assignee: assigneeAfter === task.assigneeId ? task.assignee : me,
    claimedAt: task.assigneeId ? task.claimedAt : now,
    version: task.version + 1,
    updatedAt: now,
    approvals: approverId
      ? [...task.approvals, { approverId, approverName: actor.name, outcome: plan.outcome, reason: plan.reason, createdAt: now }]
      : task.approvals,
    heldDecision: heldUntil ? { heldUntil, heldBy: actorKey(actor), version: task.version + 1 } : null,
  };
  return toTaskDto(after, capabilities(actor, scope, after));
}

function insertApproval(tx: Prisma.TransactionClient, taskId: string, actor: Actor, plan: DecisionPlan) {
  return tx.taskApproval.create({
    data: {
      taskId,
      approverId: actor.id!,
      approverName: actor.name,
      outcome: plan.outcome,
      reason: plan.reason,
      formValues: (plan.formValues ?? undefined) as Prisma.InputJsonObject | undefined,
    },
  });
}

/**
 * Four-eyes: an approval that still leaves approvers missing. The vote is stored and audited, and
 * the task returns to its group queue (unassigned) so a different member can give the next one.
 */
async function recordApproval(actor: Actor, task: TaskRow, plan: DecisionPlan): Promise<TaskDto> {
  const id = task.id;
  await db().$transaction(async (tx) => {
    const ok = await updateTaskIf(
      tx,
      { id, version: task.version, statuses: allowedFrom("decide"), assigneeId: task.assigneeId },
      { assigneeId: null, claimedAt: null },
    );
    if (!ok) return explainLostRace(id, "decide");
    await insertApproval(tx, id, actor, plan);
    await appendAuditEntry(tx, actor, {
      ...taskEntry(task, "task.approval_recorded"),
      after: {
        status: task.status,
        assigneeId: null,
        approvals: plan.approvalsAfter,
        approvalsRequired: task.approvalsRequired,
        version: task.version + 1,
        ...(plan.formValues ? { form: plan.formValues as Prisma.InputJsonObject } : {}),
      },
      reason: plan.reason,
    });
  });
  publishTaskEvent("task.approval_recorded", { ...task, assigneeId: null, version: task.version + 1 }, [task.assigneeId, actor.id]);
  return getTask(actor, id);
}

/** Withdraws an open task (the work is no longer needed); admins, supervisors and machines. */
export async function cancelTask(actor: Actor, id: string, input: unknown, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:assign");
  const data = parse(cancelTaskSchema, input, "Cancellation");
  const { task } = await loadForAction(actor, id);
  checkExpectedVersion(task, ifMatch ?? data.version);
  assertTransition(task.status, "cancel");
  await db().$transaction(async (tx) => {
    const ok = await updateTaskIf(tx, { id, version: task.version, statuses: allowedFrom("cancel") }, { status: "CANCELLED", reason: data.reason });
    if (!ok) return explainLostRace(id, "cancel");
    await appendAuditEntry(tx, actor, {
      action: "task.cancelled",
      subjectType: "task",
      subjectId: id,
      taskId: id,
      instanceId: task.instanceId,
      before: snapshot(task),
      after: { status: "CANCELLED", version: task.version + 1 },
      reason: data.reason,
    });
  });
  publishTaskEvent("task.cancelled", { ...task, version: task.version + 1 });
  return getTask(actor, id);
}

/** The task's audit trail, oldest first. Anyone who can see the task can see its history. */
export async function getTaskHistory(actor: Actor, id: string) {
  const { task } = await loadForAction(actor, id);
  const entries = await db().auditEntry.findMany({ where: { taskId: task.id }, orderBy: { seq: "asc" }, take: 500 });
  return { data: entries.map(toAuditDto) };
}
