import { z } from "zod";
import { versionNumber } from "../fields";

// How a task finds its person. Pure zod (no server imports): createTaskSchema embeds it, and the
// audit entry `task.routed` records a RoutingDecision.

const ROUTING_STRATEGIES = ["direct", "group", "round_robin", "least_loaded", "conditions", "decision_table", "decision_model"] as const;
const routingStrategySchema = z.enum(ROUTING_STRATEGIES);
type RoutingStrategy = z.infer<typeof routingStrategySchema>;

/** Open work weighs by priority when comparing loads. */
export const PRIORITY_WEIGHTS = { URGENT: 4, HIGH: 2, NORMAL: 1, LOW: 0.5 } as const;

export const CONDITION_OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "exists"] as const;

const userRef = z.string().trim().min(1).max(254);
const groupKey = z.string().trim().min(1).max(100);

export const conditionSchema = z
  .object({
    /** Dotted path into the task context, e.g. "amount" or "vendor.risk". */
    var: z.string().trim().min(1).max(200),
    op: z.enum(CONDITION_OPS),
    value: z.unknown().optional(),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

/** Where a matched rule sends the task. Without a strategy: an assignee means direct, a group means the queue. */
const routingTargetSchema = z
  .object({
    assignee: userRef.optional(),
    group: groupKey.optional(),
    strategy: z.enum(["direct", "group", "round_robin", "least_loaded"]).optional(),
  })
  .strict()
  .refine((t) => t.assignee || t.group, { message: "name an assignee or a group" });
export type RoutingTarget = z.infer<typeof routingTargetSchema>;

const routingRuleSchema = z
  .object({
    /** All conditions must hold; an empty list always matches. */
    when: z.array(conditionSchema).max(20).default([]),
    then: routingTargetSchema,
  })
  .strict();
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const routingSchema = z
  .object({
    strategy: routingStrategySchema,
    /** direct: the person (else the task's `assignee`). */
    assignee: userRef.optional(),
    /** group / round_robin / least_loaded: the group (else the task's `candidateGroup`). */
    group: groupKey.optional(),
    /** conditions: first matching rule wins. */
    rules: z.array(routingRuleSchema).max(50).optional(),
    /** conditions: where the task goes when no rule matches (else the task's assignee/group). */
    otherwise: routingTargetSchema.optional(),
    /** decision_table: the table's key; its latest published version decides unless `version` pins one. */
    table: z.string().trim().min(1).max(200).optional(),
    version: versionNumber().optional(),
    /** decision_table: any other decision of the table's DMN model (name or id) decides instead; its value is a context like a table's output. */
    decision: z.string().trim().min(1).max(200).optional(),
    /** decision_model: the DMN model's key (ADR 054); `decision` names which of its decisions answers, a context like a table's output. */
    model: z.string().trim().min(1).max(200).optional(),
    /** decision_table: table input name (with `decision`: input data name) → dotted path into the task context (default: the same name). */
    inputs: z.record(z.string().trim().min(1).max(200), z.string().trim().min(1).max(200)).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.strategy === "conditions" && !r.rules?.length) ctx.addIssue({ code: "custom", path: ["rules"], message: "conditions need at least one rule" });
    if (r.strategy !== "conditions" && (r.rules || r.otherwise)) {
      ctx.addIssue({ code: "custom", path: ["rules"], message: "rules are only for the conditions strategy" });
    }
    if (r.strategy === "decision_table") {
      if (!r.table) ctx.addIssue({ code: "custom", path: ["table"], message: "name the decision table" });
      if (r.model) ctx.addIssue({ code: "custom", path: ["model"], message: "model is for the decision_model strategy" });
      if (r.assignee || r.group) ctx.addIssue({ code: "custom", path: ["group"], message: "the decision table chooses the group or assignee" });
    } else if (r.strategy === "decision_model") {
      if (!r.model) ctx.addIssue({ code: "custom", path: ["model"], message: "name the decision model" });
      if (!r.decision) ctx.addIssue({ code: "custom", path: ["decision"], message: "name the decision of the model that routes" });
      if (r.table) ctx.addIssue({ code: "custom", path: ["table"], message: "table is for the decision_table strategy" });
      if (r.assignee || r.group) ctx.addIssue({ code: "custom", path: ["group"], message: "the decision model chooses the group or assignee" });
    } else if (r.table || r.model || r.version !== undefined || r.inputs || r.decision) {
      ctx.addIssue({ code: "custom", path: ["table"], message: "table, model, version, decision and inputs are only for the decision_table and decision_model strategies" });
    }
  });
export type RoutingSpec = z.infer<typeof routingSchema>;

// earlier_step: decided an earlier step of the same case, which the step forbids (excludeEarlierDeciders).
export const SKIP_REASONS = ["out_of_office", "missing_skills", "requester", "inactive", "earlier_step"] as const;
/** `route` value meaning "no person needed": the task is created already approved. */
export const AUTO_APPROVE_ROUTE = "auto-approve";

export type SkipReason = (typeof SKIP_REASONS)[number];

/** What `task.routed` records: the choice and the inputs that led to it. */
export interface RoutingDecision {
  /** auto_approve: a decision table said no person is needed. */
  strategy: Exclude<RoutingStrategy, "conditions" | "decision_table" | "decision_model"> | "auto_approve";
  /** Set when a conditions list chose the target: the index of the rule that matched (null: otherwise). */
  conditions?: { matchedRule: number | null; inputs: Record<string, unknown> };
  /** Set when a decision table chose the target: the version that decided, the rules that fired, what they answered. */
  decisionTable?: {
    key: string;
    version: number;
    /** Set when a decision of the table's model other than the table decided (routing.decision). */
    decision?: string;
    /** Set when a decision model decided (strategy decision_model): `key` is the model's key. */
    model?: true;
    matchedRules: { id: string; index: number; annotation: string | null }[];
    inputs: Record<string, unknown>;
    /** The first output (the one applied); null when no rule matched. */
    output: Record<string, unknown> | null;
    autoApproved: boolean;
  };
  group: { id: string; key: string } | null;
  chosen: { id: string; name: string } | null;
  /** Out-of-office hand-over: the person named and the delegate who got the work. */
  delegatedFrom?: { id: string; name: string } | null;
  requiredSkills: string[];
  candidates: { id: string; name: string; load?: number }[];
  skipped: { id: string; name: string; why: SkipReason }[];
  reason: string;
}
