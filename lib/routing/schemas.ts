import { z } from "zod";

// How a task finds its person. Pure zod (no server imports): createTaskSchema embeds it, and the
// audit entry `task.routed` records a RoutingDecision.

export const ROUTING_STRATEGIES = ["direct", "group", "round_robin", "least_loaded", "conditions"] as const;
export const routingStrategySchema = z.enum(ROUTING_STRATEGIES);
export type RoutingStrategy = z.infer<typeof routingStrategySchema>;

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
export const routingTargetSchema = z
  .object({
    assignee: userRef.optional(),
    group: groupKey.optional(),
    strategy: z.enum(["direct", "group", "round_robin", "least_loaded"]).optional(),
  })
  .strict()
  .refine((t) => t.assignee || t.group, { message: "name an assignee or a group" });
export type RoutingTarget = z.infer<typeof routingTargetSchema>;

export const routingRuleSchema = z
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
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.strategy === "conditions" && !r.rules?.length) ctx.addIssue({ code: "custom", path: ["rules"], message: "conditions need at least one rule" });
    if (r.strategy !== "conditions" && (r.rules || r.otherwise)) {
      ctx.addIssue({ code: "custom", path: ["rules"], message: "rules are only for the conditions strategy" });
    }
  });
export type RoutingSpec = z.infer<typeof routingSchema>;

export const SKIP_REASONS = ["out_of_office", "missing_skills", "requester", "inactive"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** What `task.routed` records: the choice and the inputs that led to it. */
export interface RoutingDecision {
  strategy: Exclude<RoutingStrategy, "conditions">;
  /** Set when a conditions list chose the target: the index of the rule that matched (null: otherwise). */
  conditions?: { matchedRule: number | null; inputs: Record<string, unknown> };
  group: { id: string; key: string } | null;
  chosen: { id: string; name: string } | null;
  /** Out-of-office hand-over: the person named and the delegate who got the work. */
  delegatedFrom?: { id: string; name: string } | null;
  requiredSkills: string[];
  candidates: { id: string; name: string; load?: number }[];
  skipped: { id: string; name: string; why: SkipReason }[];
  reason: string;
}
