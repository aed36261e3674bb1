import { raw, sql, transaction, ts, type AuditInput, type OutboxInput, type Prisma, type Tx } from "../db";
import { workerActor, type Actor } from "../identity/actor";
import { QUEUES } from "../queues";
import { publishTaskEvent } from "../live/publish";
import { declaredOutcomes, isApprovingOutcome } from "./decisions";
import { sodConflict } from "./access";
import { cancellationConsequences, decisionConsequences } from "./consequences";
import { allowedFrom, assertTarget } from "./state-machine";
import { metrics } from "../metrics/registry";
import { escalationJobId, levelDueAt, parsePlan } from "../sla/plan";
import { ESCALATION_ACTION_LABELS, type EscalationAction, type EscalationPlan } from "../sla/schemas";

// Fires due escalation levels: a task change (the state machine's "escalate") made by the
// escalation policy, for many tasks at once. One call handles a batch of tasks in ONE transaction with
// set-based statements: the due rows are locked (FOR UPDATE SKIP LOCKED: a timer batch and the
// sweep never wait on each other), each gets its level's effect, and one guarded UPDATE, one
// INSERT of history rows (unique per task and level), one audit INSERT and one outbox INSERT
// commit together. A task decided, cancelled, paused or already escalated meanwhile is simply
// not selected: a late or duplicate timer changes nothing.

export type FiredBy = "timer" | "sweep";

interface DueRow {
  id: string;
  number: number;
  title: string;
  version: number;
  assigneeId: string | null;
  candidateGroupId: string | null;
  requestedById: string | null;
  instanceId: string | null;
  stepRunId: string | null;
  escalationPolicy: Prisma.JsonValue;
  escalationLevel: number;
  nextEscalationAt: Date;
  slaPausedMs: bigint | number;
  outcomes: Prisma.JsonValue;
  createdByActor: string | null;
  approvalsRequired: number;
  approverIds: string[];
}

interface Effect {
  row: DueRow;
  level: number;
  action: EscalationAction;
  scheduledAt: Date;
  assigneeAfter: string | null;
  groupAfter: string | null;
  toAssigneeId: string | null;
  toGroupId: string | null;
  status: "OPEN" | "DECIDED" | "CANCELLED";
  outcome: string | null;
  reason: string | null;
  ownerChanged: boolean;
  next: Date | null;
  note: string;
}

export interface FiredEscalation {
  taskId: string;
  level: number;
  action: EscalationAction;
  scheduledAt: Date;
  latenessMs: number;
}

export const escalationActor = (): Actor => workerActor("escalation policy");

/** Loads people and groups the batch's levels name, in three queries. */
async function loadTargets(tx: Tx, rows: DueRow[], plans: Map<string, EscalationPlan>) {
  const userRefs = new Set<string>();
  const groupKeys = new Set<string>();
  const groupIds = new Set<string>();
  for (const r of rows) {
    if (r.assigneeId) userRefs.add(r.assigneeId);
    if (r.candidateGroupId) groupIds.add(r.candidateGroupId);
    const l = plans.get(r.id)!.levels[r.escalationLevel];
    if (l?.action === "reassign") userRefs.add(l.to.includes("@") ? l.to.toLowerCase() : l.to);
    if (l?.action === "group") groupKeys.add(l.group);
  }
  const refs = [...userRefs];
  type Person = { id: string; email: string; name: string; active: boolean; supervisorId: string | null };
  const groups = await tx.query<{ id: string; key: string; name: string; supervisorId: string | null }>(
    sql`SELECT "id", "key", "name", "supervisorId" FROM "Group" WHERE "id" = ANY(${[...groupIds]}::text[]) OR "key" = ANY(${[...groupKeys]}::text[])`,
  );
  const people = (where: ReturnType<typeof sql>) => tx.query<Person>(sql`SELECT "id", "email", "name", "active", "supervisorId" FROM "User" WHERE ${where}`);
  const users = await people(sql`"id" = ANY(${refs}::text[]) OR "email" = ANY(${refs.filter((r) => r.includes("@"))}::text[])`);
  const supervisorIds = [...new Set([...users.map((u) => u.supervisorId), ...groups.map((g) => g.supervisorId)].filter((s): s is string => !!s))];
  const supervisors = supervisorIds.length ? await people(sql`"id" = ANY(${supervisorIds}::text[])`) : [];
  const byRef = new Map<string, (typeof users)[number]>();
  for (const u of [...users, ...supervisors]) {
    byRef.set(u.id, u);
    byRef.set(u.email.toLowerCase(), u);
  }
  return {
    user: (ref: string | null | undefined) => (ref ? byRef.get(ref.includes("@") ? ref.toLowerCase() : ref) : undefined),
    groupById: new Map(groups.map((g) => [g.id, g])),
    groupByKey: new Map(groups.map((g) => [g.key, g])),
  };
}

function planEffect(row: DueRow, plan: EscalationPlan, t: Awaited<ReturnType<typeof loadTargets>>): Effect {
  const index = row.escalationLevel;
  const def = plan.levels[index]!;
  const pausedMs = Number(row.slaPausedMs);
  const terminal = def.action === "auto_decide" || def.action === "fail";
  const base: Effect = {
    row,
    level: index + 1,
    action: def.action,
    scheduledAt: row.nextEscalationAt,
    assigneeAfter: row.assigneeId,
    groupAfter: row.candidateGroupId,
    toAssigneeId: null,
    toGroupId: null,
    status: "OPEN",
    outcome: null,
    reason: null,
    ownerChanged: false,
    next: terminal ? null : levelDueAt(plan, index + 1, pausedMs),
    note: "",
  };
  const holder = t.user(row.assigneeId)?.name ?? (row.candidateGroupId ? `the ${t.groupById.get(row.candidateGroupId)?.name ?? "group"} queue` : "nobody");
  const moveTo = (userId: string, name: string, what: string): Effect => {
    if (userId === row.assigneeId) return { ...base, note: `${what}: ${name} already holds it` };
    // The one SoD / four-eyes rule (access.ts): never the requester, the creator or an earlier approver.
    const conflict = sodConflict({ ...row, approvals: row.approverIds.map((approverId) => ({ approverId })) }, userId, name);
    if (conflict) return { ...base, note: `${what}: ${conflict.message.replace(/\.$/, "")}; left with ${holder}` };
    return { ...base, assigneeAfter: userId, toAssigneeId: userId, ownerChanged: true, note: `${what}: moved from ${holder} to ${name}` };
  };
  switch (def.action) {
    case "remind":
      return { ...base, toAssigneeId: row.assigneeId, toGroupId: row.assigneeId ? null : row.candidateGroupId, note: `Reminded ${holder}` };
    case "reassign": {
      const backup = t.user(def.to);
      if (!backup || !backup.active) return { ...base, note: `Backup ${def.to} is not an active user; left with ${holder}` };
      return moveTo(backup.id, backup.name, "Reassigned to backup");
    }
    case "supervisor": {
      const fromAssignee = t.user(row.assigneeId)?.supervisorId;
      const fromGroup = row.candidateGroupId ? t.groupById.get(row.candidateGroupId)?.supervisorId : null;
      const sup = t.user(fromAssignee ?? fromGroup ?? null);
      if (!sup || !sup.active) return { ...base, note: `No supervisor to escalate to; left with ${holder}` };
      return moveTo(sup.id, sup.name, "Escalated to supervisor");
    }
    case "group": {
      const g = t.groupByKey.get(def.group);
      if (!g) return { ...base, note: `Group ${def.group} does not exist; left with ${holder}` };
      if (g.id === row.candidateGroupId && !row.assigneeId) return { ...base, note: `Already in the ${g.name} queue` };
      return { ...base, assigneeAfter: null, groupAfter: g.id, toGroupId: g.id, ownerChanged: true, note: `Escalated to the ${g.name} queue (from ${holder})` };
    }
    case "auto_decide": {
      const allowed = ["approve", "reject", ...declaredOutcomes(row).map((o) => o.id)];
      if (!allowed.includes(def.outcome)) return { ...base, note: `Outcome ${def.outcome} is not one this task offers; left with ${holder}` };
      // An automatic decision is the system's and never one of the N approvals people must give (M5).
      if (row.approvalsRequired > 1 && isApprovingOutcome(row, def.outcome)) {
        return { ...base, note: `Not decided automatically: ${def.outcome} needs ${row.approvalsRequired} approvals from people; left with ${holder}` };
      }
      return { ...base, status: "DECIDED", outcome: def.outcome, reason: def.reason, note: `Decided automatically: ${def.outcome}` };
    }
    case "fail": {
      const reason = def.reason ?? `No decision within the deadline (escalation level ${index + 1}).`;
      return { ...base, status: "CANCELLED", reason, note: row.stepRunId ? "The step failed: no decision in time" : "Cancelled: no decision in time" };
    }
  }
}

/** The statuses a level may fire in (the state machine's "escalate"). */
const FROM = allowedFrom("escalate");

const SELECT_COLUMNS = raw(`id, number, title, version, "assigneeId", "candidateGroupId", "requestedById", "instanceId", "stepRunId",
  "escalationPolicy", "escalationLevel", "nextEscalationAt", "slaPausedMs", outcomes, "createdByActor", "approvalsRequired",
  ARRAY(SELECT a."approverId" FROM "TaskApproval" a WHERE a."taskId" = "Task".id) AS "approverIds"`);

/**
 * Fires the due level of the given tasks (a timer batch) or of any due tasks (the sweep: those
 * due at least `graceMs` ago, oldest first). Returns what fired, after commit.
 */
export async function fireDueEscalations(opts: { taskIds?: string[]; by: FiredBy; limit?: number; graceMs?: number }): Promise<FiredEscalation[]> {
  const limit = opts.limit ?? 500;
  const actor = escalationActor();
  return transaction(async (tx) => {
    const now = new Date();
    const rows = opts.taskIds
      ? await tx.query<DueRow>(
          sql`SELECT ${SELECT_COLUMNS} FROM "Task" WHERE id = ANY(${opts.taskIds}::text[]) AND status = ANY(${FROM}::"TaskStatus"[]) AND "nextEscalationAt" <= ${ts(now)}
           ORDER BY id FOR UPDATE SKIP LOCKED`,
        )
      : await tx.query<DueRow>(
          sql`SELECT ${SELECT_COLUMNS} FROM "Task" WHERE status = ANY(${FROM}::"TaskStatus"[]) AND "nextEscalationAt" <= ${ts(new Date(now.getTime() - (opts.graceMs ?? 0)))}
           ORDER BY "nextEscalationAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
        );
    if (rows.length === 0) return [];
    const plans = new Map<string, EscalationPlan>();
    const broken: string[] = [];
    for (const r of rows) {
      const plan = parsePlan(r.escalationPolicy);
      if (plan && plan.levels[r.escalationLevel]) plans.set(r.id, plan);
      else broken.push(r.id);
    }
    // A plan that no longer parses (or has no level left) must not be retried forever.
    if (broken.length) await tx.write(sql`UPDATE "Task" SET "nextEscalationAt" = NULL WHERE id = ANY(${broken}::text[])`);
    const due = rows.filter((r) => plans.has(r.id));
    if (due.length === 0) return [];
    const targets = await loadTargets(tx, due, plans);
    const effects = due.map((r) => planEffect(r, plans.get(r.id)!, targets));
    for (const e of effects) assertTarget("escalate", e.status);

    const col = <T>(f: (e: Effect) => T) => effects.map(f);
    const updated = await tx.query<{ id: string }>(sql`
      UPDATE "Task" AS t SET
        "escalationLevel" = v.level,
        "nextEscalationAt" = v.next,
        "escalatedAt" = CASE WHEN v.action = 'remind' THEN t."escalatedAt" ELSE ${ts(now)} END,
        "assigneeId" = v.assignee,
        "candidateGroupId" = v.grp,
        "claimedAt" = CASE WHEN v.owner_changed THEN NULL ELSE t."claimedAt" END,
        "delegatedFromId" = CASE WHEN v.owner_changed THEN NULL ELSE t."delegatedFromId" END,
        status = v.status::"TaskStatus",
        outcome = COALESCE(v.outcome, t.outcome),
        reason = COALESCE(v.reason, t.reason),
        "decidedAt" = CASE WHEN v.status = 'DECIDED' THEN ${ts(now)} ELSE t."decidedAt" END,
        -- A reminder changes nothing the decider acts on: the version (ETag) stays.
        version = t.version + CASE WHEN v.action = 'remind' THEN 0 ELSE 1 END,
        "updatedAt" = ${ts(now)}
      FROM unnest(${col((e) => e.row.id)}::text[], ${col((e) => e.level)}::int[], ${col((e) => e.next?.toISOString() ?? null)}::timestamp(3)[],
                  ${col((e) => e.action)}::text[], ${col((e) => e.assigneeAfter)}::text[], ${col((e) => e.groupAfter)}::text[],
                  ${col((e) => e.ownerChanged)}::bool[], ${col((e) => e.status)}::text[], ${col((e) => e.outcome)}::text[],
                  ${col((e) => e.reason)}::text[])
           AS v(id, level, next, action, assignee, grp, owner_changed, status, outcome, reason)
      WHERE t.id = v.id AND t.status = ANY(${FROM}::"TaskStatus"[]) AND t."escalationLevel" = v.level - 1
      RETURNING t.id`);
    const ok = new Set(updated.map((u) => u.id));
    const applied = effects.filter((e) => ok.has(e.row.id));
    if (applied.length === 0) return [];
    const a = <T>(f: (e: Effect) => T) => applied.map(f);
    const history = await tx.query<{ taskId: string; latenessMs: number }>(sql`
      INSERT INTO "TaskEscalation" (id, "taskId", level, action, "scheduledAt", "firedAt", "latenessMs", "firedBy", "fromAssigneeId", "toAssigneeId", "toGroupId", outcome, note)
      SELECT 'esc_' || md5(v.task_id || '.' || v.level), v.task_id, v.level, v.action, v.scheduled, c.at, GREATEST(0, round(extract(epoch FROM (c.at - v.scheduled)) * 1000))::int,
             ${opts.by}, v.from_assignee, v.to_assignee, v.to_group, v.outcome, v.note
      FROM unnest(${a((e) => e.row.id)}::text[], ${a((e) => e.level)}::int[], ${a((e) => e.action)}::text[], ${a((e) => e.scheduledAt.toISOString())}::timestamp(3)[],
                  ${a((e) => e.row.assigneeId)}::text[], ${a((e) => e.toAssigneeId)}::text[], ${a((e) => e.toGroupId)}::text[],
                  ${a((e) => e.outcome)}::text[], ${a((e) => e.note)}::text[])
           AS v(task_id, level, action, scheduled, from_assignee, to_assignee, to_group, outcome, note),
           (SELECT (clock_timestamp() AT TIME ZONE 'UTC')::timestamp(3) AS at) AS c
      ON CONFLICT ("taskId", level) DO NOTHING
      RETURNING "taskId", "latenessMs"`);
    // The unique (task, level) row is the last word: a level recorded already rolls the batch back.
    if (history.length !== applied.length) throw new Error(`escalation history conflict (${applied.length - history.length} level(s) already recorded)`);
    const lateness = new Map(history.map((h) => [h.taskId, h.latenessMs]));

    for (const e of applied) {
      tx.audit(actor, auditFor(e));
      for (const m of outboxFor(e)) tx.enqueue(m);
    }
    tx.afterCommit(() => announce(applied, opts.by));
    return applied.map((e) => ({ taskId: e.row.id, level: e.level, action: e.action, scheduledAt: e.scheduledAt, latenessMs: lateness.get(e.row.id) ?? 0 }));
  });
}

/** Once committed: the lateness metric, and the live events that move the tasks between inboxes. */
function announce(applied: Effect[], by: FiredBy): void {
  const committedAt = Date.now();
  const histogram = metrics().escalationLateness;
  for (const e of applied) {
    histogram.observe({ action: e.action, fired_by: by }, Math.max(0, committedAt - e.scheduledAt.getTime()) / 1000);
    const r = e.row;
    const version = r.version + (e.action === "remind" ? 0 : 1);
    // The new owner sees it arrive, the previous one sees it leave.
    publishTaskEvent("task.escalated", { id: r.id, version, assigneeId: e.assigneeAfter, requestedById: r.requestedById, decidedById: null, candidateGroupId: e.groupAfter }, [r.assigneeId]);
    if (r.candidateGroupId && r.candidateGroupId !== e.groupAfter) {
      publishTaskEvent("task.escalated", { id: r.id, version, assigneeId: null, requestedById: null, decidedById: null, candidateGroupId: r.candidateGroupId });
    }
  }
}

function auditFor(e: Effect): AuditInput {
  const r = e.row;
  const common = { subjectType: "task", subjectId: r.id, taskId: r.id, instanceId: r.instanceId };
  const before = { status: "OPEN", assigneeId: r.assigneeId, candidateGroupId: r.candidateGroupId, escalationLevel: r.escalationLevel, version: r.version };
  const level = { level: e.level, policyAction: e.action, scheduledAt: e.scheduledAt.toISOString(), nextEscalationAt: e.next?.toISOString() ?? null };
  if (e.status === "DECIDED") {
    const action = e.outcome === "approve" ? "task.approved" : e.outcome === "reject" ? "task.rejected" : "task.decided";
    return { ...common, action, before, after: { status: "DECIDED", outcome: e.outcome, autoDecided: true, ...level, version: r.version + 1 }, reason: e.reason };
  }
  if (e.status === "CANCELLED") {
    return { ...common, action: "task.cancelled", before, after: { status: "CANCELLED", failedStep: !!r.stepRunId, ...level, version: r.version + 1 }, reason: e.reason };
  }
  if (e.action === "remind") {
    return { ...common, action: "task.reminded", before, after: { ...level, remindedId: e.toAssigneeId, remindedGroupId: e.toGroupId, note: e.note }, reason: e.note };
  }
  return {
    ...common,
    action: "task.escalated",
    before,
    after: { ...level, assigneeId: e.assigneeAfter, candidateGroupId: e.groupAfter, note: e.note, version: r.version + 1 },
    reason: `${ESCALATION_ACTION_LABELS[e.action]} (level ${e.level}): ${e.note}`,
  };
}

function outboxFor(e: Effect): OutboxInput[] {
  const r = e.row;
  const out: OutboxInput[] = [{ queue: QUEUES.notifications, name: "task-escalated", jobId: `task-escalated.${r.id}.${e.level}`, payload: { taskId: r.id, level: e.level } }];
  if (e.next) out.push({ queue: QUEUES.escalations, name: "escalate", jobId: escalationJobId(r.id, e.level + 1, e.next), payload: { taskId: r.id, level: e.level + 1 }, runAt: e.next });
  if (e.status === "DECIDED") out.push(...decisionConsequences(r));
  // A process's human step fails with the cancelled task.
  if (e.status === "CANCELLED") out.push(...cancellationConsequences(r));
  return out;
}

