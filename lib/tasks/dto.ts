import { slaOf } from "../sla/service";
import { declaredForm, declaredOutcomes } from "./decisions";
import type { TaskRow } from "./repository";
import { type TaskDto } from "./schemas";
import { taskReference } from "../references";

// A task as the API returns it, and as audit entries describe it.

export function iso(d: Date | null): string | null {
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
    infoRequest: t.status === "INFO_REQUESTED" ? { askedOf: t.infoRequestedOf, askedBy: t.infoRequestedBy, askedAt: iso(t.infoRequestedAt) } : null,
    hold: t.heldDecision ? { until: t.heldDecision.heldUntil.toISOString(), mine: can.undo } : null,
    sla: slaOf(t),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    can,
  };
}

/** The fields an audit entry records of a task before a change. */
export function snapshot(t: Pick<TaskRow, "status" | "assigneeId" | "outcome" | "reason" | "version">) {
  return { status: t.status, assigneeId: t.assigneeId, outcome: t.outcome, reason: t.reason, version: t.version };
}
