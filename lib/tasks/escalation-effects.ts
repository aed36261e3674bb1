import { sql, type Prisma, type Tx } from "../db";
import { declaredOutcomes, isApprovingOutcome } from "./decisions";
import { sodConflict } from "./access";
import { levelDueAt } from "../sla/plan";
import type { EscalationAction, EscalationPlan } from "../sla/schemas";

// What a due escalation level does to its task, decided before anything is written: the people
// and groups the batch's levels name are loaded at once (loadTargets), then each task's effect is
// planned from its row alone (planEffect). lib/tasks/escalate.ts applies the effects set-based.

export interface DueRow {
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
  excludedDeciderIds: string[];
  /** Who held it before an earlier level moved it (the reporting line is theirs), or null. */
  escalatedFromId: string | null;
}

export interface Effect {
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

/** Loads people and groups the batch's levels name, in three queries (four when a level goes two managers up). */
export async function loadTargets(tx: Tx, rows: DueRow[], plans: Map<string, EscalationPlan>) {
  const userRefs = new Set<string>();
  const groupKeys = new Set<string>();
  const groupIds = new Set<string>();
  for (const r of rows) {
    if (r.assigneeId) userRefs.add(r.assigneeId);
    if (r.escalatedFromId) userRefs.add(r.escalatedFromId);
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
  const idsOf = (rows: { supervisorId: string | null }[]) => [...new Set(rows.map((r) => r.supervisorId).filter((s): s is string => !!s))];
  const supervisorIds = idsOf([...users, ...groups]);
  const supervisors = supervisorIds.length ? await people(sql`"id" = ANY(${supervisorIds}::text[])`) : [];
  // manager_of_manager: one more step up the reporting line, only when a level asks for it.
  const twoUp = rows.some((r) => plans.get(r.id)?.levels[r.escalationLevel]?.action === "manager_of_manager");
  const grandIds = twoUp ? idsOf(supervisors).filter((id) => !supervisorIds.includes(id)) : [];
  const grand = grandIds.length ? await people(sql`"id" = ANY(${grandIds}::text[])`) : [];
  const byRef = new Map<string, (typeof users)[number]>();
  for (const u of [...users, ...supervisors, ...grand]) {
    byRef.set(u.id, u);
    byRef.set(u.email.toLowerCase(), u);
  }
  return {
    user: (ref: string | null | undefined) => (ref ? byRef.get(ref.includes("@") ? ref.toLowerCase() : ref) : undefined),
    groupById: new Map(groups.map((g) => [g.id, g])),
    groupByKey: new Map(groups.map((g) => [g.key, g])),
  };
}

export function planEffect(row: DueRow, plan: EscalationPlan, t: Awaited<ReturnType<typeof loadTargets>>): Effect {
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
    case "assignee_manager":
    case "manager_of_manager": {
      // The line of whoever held it before escalation moved it: levels "manager", then "manager's
      // manager" climb one line, not one step from each new holder.
      const assignee = t.user(row.escalatedFromId ?? row.assigneeId);
      if (!assignee) return { ...base, note: `Nobody holds it, so there is no manager to escalate to; left with ${holder}` };
      const manager = t.user(assignee.supervisorId);
      const target = def.action === "assignee_manager" ? manager : t.user(manager?.supervisorId);
      const whose = def.action === "assignee_manager" ? `${assignee.name}'s manager` : `${assignee.name}'s manager's manager`;
      if (!target || !target.active) return { ...base, note: `${whose} is not set or not active; left with ${holder}` };
      return moveTo(target.id, target.name, `Escalated to ${whose}`);
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
