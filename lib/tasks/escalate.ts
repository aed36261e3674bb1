import { raw, sql, transaction, ts, type AuditInput, type OutboxInput } from "../db";
import { workerActor, type Actor } from "../identity/actor";
import { QUEUES } from "../queues";
import { publishTaskEvent } from "../live/publish";
import { cancellationConsequences, decisionConsequences } from "./consequences";
import { allowedFrom, assertTarget } from "./state-machine";
import { metrics } from "../metrics/registry";
import { escalationJobId, parsePlan } from "../sla/plan";
import { ESCALATION_ACTION_LABELS, type EscalationAction, type EscalationPlan } from "../sla/schemas";
import { loadTargets, planEffect, type DueRow, type Effect } from "./escalation-effects";

// Fires due escalation levels: a task change (the state machine's "escalate") made by the
// escalation policy, for many tasks at once. One call handles a batch of tasks in ONE transaction with
// set-based statements: the due rows are locked (FOR UPDATE SKIP LOCKED: a timer batch and the
// sweep never wait on each other), each gets its level's effect, and one guarded UPDATE, one
// INSERT of history rows (unique per task and level), one audit INSERT and one outbox INSERT
// commit together. A task decided, cancelled, paused or already escalated meanwhile is simply
// not selected: a late or duplicate timer changes nothing.

export type FiredBy = "timer" | "sweep";

export interface FiredEscalation {
  taskId: string;
  level: number;
  action: EscalationAction;
  scheduledAt: Date;
  latenessMs: number;
}

export const escalationActor = (): Actor => workerActor("escalation policy");


/** The statuses a level may fire in (the state machine's "escalate"). */
const FROM = allowedFrom("escalate");

const SELECT_COLUMNS = raw(`id, number, title, version, "assigneeId", "candidateGroupId", "requestedById", "instanceId", "stepRunId",
  "escalationPolicy", "escalationLevel", "nextEscalationAt", "slaPausedMs", outcomes, "createdByActor", "approvalsRequired", "excludedDeciderIds",
  ARRAY(SELECT a."approverId" FROM "TaskApproval" a WHERE a."taskId" = "Task".id) AS "approverIds",
  (SELECT e."fromAssigneeId" FROM "TaskEscalation" e WHERE e."taskId" = "Task".id AND e."toAssigneeId" IS NOT NULL AND e.action <> 'remind'
    ORDER BY e.level LIMIT 1) AS "escalatedFromId"`);

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

