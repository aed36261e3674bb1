import { AppError } from "../errors";
import { buildFormSchema, formDefinitionSchema, formErrors, formForOutcome, outcomeListSchema, type FormField, type OutcomeDefinition } from "./forms";

// What a decision means for a task that may declare custom outcomes, a decision form and
// four-eyes approval. Pure: the service applies the plan in its guarded transaction.

export interface DecisionPlan {
  outcome: string;
  reason: string | null;
  formValues: Record<string, unknown> | null;
  /** False while a four-eyes task still needs more distinct approvers after this one. */
  final: boolean;
  /** Approvals after this vote (approve votes only). */
  approvalsAfter: number;
}

interface DecidableTask {
  outcomes: unknown;
  form: unknown;
  approvalsRequired: number;
  approvals: { approverId: string; outcome: string }[];
}

export function declaredOutcomes(t: Pick<DecidableTask, "outcomes">): OutcomeDefinition[] {
  const r = outcomeListSchema.safeParse(t.outcomes ?? []);
  return r.success ? r.data : [];
}

export function declaredForm(t: Pick<DecidableTask, "form">): FormField[] | null {
  if (t.form === null || t.form === undefined) return null;
  const r = formDefinitionSchema.safeParse(t.form);
  return r.success ? r.data : null;
}

/**
 * Four-eyes counts every approving outcome (M5): "approve" and any custom outcome not declared
 * `rejecting`. Only "reject" and rejecting custom outcomes end a four-eyes task early.
 */
export function isApprovingOutcome(t: Pick<DecidableTask, "outcomes">, outcome: string): boolean {
  if (outcome === "reject") return false;
  if (outcome === "approve") return true;
  const custom = declaredOutcomes(t).find((o) => o.id === outcome);
  return !custom?.rejecting;
}

function approveCount(t: Pick<DecidableTask, "approvals" | "outcomes">): number {
  return t.approvals.filter((a) => isApprovingOutcome(t, a.outcome)).length;
}

export function planDecision(task: DecidableTask, input: { outcome: string; reason?: string; form?: Record<string, unknown> }, approverId: string | null): DecisionPlan {
  const custom = declaredOutcomes(task).find((o) => o.id === input.outcome);
  if (input.outcome !== "approve" && input.outcome !== "reject" && !custom) {
    const allowed = ["approve", "reject", ...declaredOutcomes(task).map((o) => o.id)];
    throw new AppError("VALIDATION_FAILED", `Outcome "${input.outcome}" is not one this task offers (${allowed.join(", ")}).`, {
      fieldErrors: [{ path: "outcome", message: `one of: ${allowed.join(", ")}` }],
    });
  }
  if (custom?.requiresReason && !input.reason) {
    throw new AppError("VALIDATION_FAILED", `A reason is required to ${custom.label.toLowerCase()}.`, { fieldErrors: [{ path: "reason", message: "A reason is required" }] });
  }
  // A rejection ends the task whatever the form says; any other outcome fills it in as that
  // outcome asks (an approval: the required fields and its own; a rejecting one: its own, ADR 052).
  let formValues: Record<string, unknown> | null = null;
  const form = declaredForm(task);
  if (form && input.outcome !== "reject") {
    const r = buildFormSchema(formForOutcome(form, custom)).safeParse(input.form ?? {});
    if (!r.success) {
      const errors = formErrors(r.error);
      const fieldErrors = Object.entries(errors).map(([path, message]) => ({ path: `form.${path}`, message }));
      throw new AppError("VALIDATION_FAILED", `The decision form is incomplete — ${fieldErrors[0]!.path}: ${fieldErrors[0]!.message}`, { fieldErrors });
    }
    formValues = Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== undefined));
  } else if (!form && input.form && Object.keys(input.form).length > 0) {
    throw new AppError("VALIDATION_FAILED", "This task has no decision form.", { fieldErrors: [{ path: "form", message: "this task has no form" }] });
  }
  const approving = isApprovingOutcome(task, input.outcome);
  if (!approverId && approving && task.approvalsRequired > 1) {
    throw new AppError("FORBIDDEN", "Four-eyes approvals must come from people, not from a service account, the system or a worker.");
  }
  if (approverId && task.approvals.some((a) => a.approverId === approverId)) {
    throw new AppError("DUPLICATE_APPROVAL", "You have already approved this task; a different person must give the next approval.");
  }
  const approvalsAfter = approveCount(task) + (approving ? 1 : 0);
  const final = !approving || approvalsAfter >= task.approvalsRequired;
  return { outcome: input.outcome, reason: input.reason ?? null, formValues, final, approvalsAfter };
}
