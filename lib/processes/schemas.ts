import { ENUMS } from "../generated/db/schema";
import { z } from "zod";
import { contextLayoutSchema, type ContextLayout } from "./context-layout";
import { queryInt, versionNumber } from "../fields";
import { routingSchema } from "../routing/schemas";
import { CONDITION_OPS, isPath } from "./expressions";
import { parseDurationMs } from "../duration";
import { escalationPolicySchema } from "../sla/schemas";
import { formDefinitionSchema, outcomeDefinitionSchema, type FormField, type OutcomeDefinition } from "./forms";

// A process definition document (YAML or JSON). One schema per step kind; the graph rules
// (targets exist, every step reachable, no cycle without a wait or human step) live in
// definition.ts because zod sees one step at a time.

export const STEP_KINDS = ["http", "set", "decision", "human", "wait", "parallel", "join", "end"] as const;
export type StepKind = (typeof STEP_KINDS)[number];

const stepIdSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "must start with a letter: letters, digits, _ or -, at most 64");
const durationSchema = z.string().refine((s) => parseDurationMs(s) !== null, "must be an ISO 8601 duration such as PT30S, PT8H or P2D");
const pathSchema = z.string().refine(isPath, "must be a variable path such as amount or invoice.vendor");

export const conditionSchema = z
  .object({ var: pathSchema, op: z.enum(CONDITION_OPS), value: z.unknown().optional() })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.op === "in" || c.op === "not in") && !Array.isArray(c.value)) ctx.addIssue({ code: "custom", path: ["value"], message: `"${c.op}" needs a list value` });
    if (c.op !== "exists" && c.op !== "not exists" && c.value === undefined) ctx.addIssue({ code: "custom", path: ["value"], message: `"${c.op}" needs a value` });
  });
const guardSchema = z.union([
  conditionSchema,
  z.array(conditionSchema).min(1),
  z.object({ all: z.array(conditionSchema).min(1) }).strict(),
  z.object({ any: z.array(conditionSchema).min(1) }).strict(),
]);

const base = { id: stepIdSchema, name: z.string().max(200).optional() };
/**
 * Saga: the step that undoes this one (an http or set step outside the flow, without `next`). When
 * a later step fails for good, or a human step with `compensateOnReject` is rejected, the completed
 * steps that name one are compensated in reverse order of completion.
 */
const compensate = { compensate: stepIdSchema.optional() };
/** Variable name ← path into the step's result (`{ status, body }` for http, the event for wait). */
const outputSchema = z.record(pathSchema, pathSchema).default({});

const httpStepSchema = z
  .object({
    ...base,
    kind: z.literal("http"),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("POST"),
    url: z.string().min(1).max(2000),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "must be a header name"), z.string().max(4000)).default({}),
    body: z.unknown().optional(),
    timeout: durationSchema.default("PT10S"),
    retries: z
      .object({
        max: z.number().int().min(0).max(20).default(3),
        backoff: durationSchema.default("PT1S"),
        maxBackoff: durationSchema.default("PT5M"),
      })
      .strict()
      .default({ max: 3, backoff: "PT1S", maxBackoff: "PT5M" }),
    output: outputSchema,
    /** Required in the flow; a compensating step has none (it runs alone). */
    next: stepIdSchema.optional(),
    /** Where to go when retries are exhausted (a fallback branch); without it the instance fails. */
    onError: stepIdSchema.optional(),
    /**
     * Where to go when the circuit breaker of the target host is open. Without it the step is
     * queued until the breaker is due to half-open (no attempt is spent against an open breaker).
     */
    onCircuitOpen: stepIdSchema.optional(),
    ...compensate,
  })
  .strict();

const setStepSchema = z
  .object({ ...base, kind: z.literal("set"), assign: z.record(pathSchema, z.unknown()), next: stepIdSchema.optional(), ...compensate })
  .strict();

/** A decision step's DMN decision table (lib/rules): latest published version unless pinned. */
const decisionTableRefSchema = z
  .object({
    key: z.string().trim().min(1).max(200),
    version: versionNumber().optional(),
    /**
     * Any other decision of the table's DMN model (name or id): a literal expression, a context, a
     * decision requiring others… evaluated with its requirements; its value is the output.
     */
    decision: z.string().trim().min(1).max(200).optional(),
    /** Table input name (with `decision`: input data name) → variable path (default: the same name). */
    inputs: z.record(z.string().trim().min(1).max(200), pathSchema).optional(),
    /** Where the first matching output goes (default: the step's id); branches read it, e.g. `{ var: check.route, ... }`. */
    output: pathSchema.optional(),
  })
  .strict();

/**
 * A decision step's DMN model (lib/rules/models.ts, ADR 054): one decision of a published model,
 * `key + decision`. Unless pinned, the version in effect when the instance started.
 */
const decisionModelRefSchema = z
  .object({
    key: z.string().trim().min(1).max(200),
    /** The decision (name or id): a decision table, literal expression, context, invocation… */
    decision: z.string().trim().min(1).max(200),
    version: versionNumber().optional(),
    /** Input data name → variable path (default: the variables of the same names). */
    inputs: z.record(z.string().trim().min(1).max(200), pathSchema).optional(),
    /** Where the decision's value goes (default: the step's id); branches read it. */
    output: pathSchema.optional(),
  })
  .strict();

const decisionStepSchema = z
  .object({
    ...base,
    kind: z.literal("decision"),
    /** Evaluate a decision table first; its output is a variable the branches can test. */
    table: decisionTableRefSchema.optional(),
    /** Or evaluate a decision of a DMN model first (`model: { key, decision }`). */
    model: decisionModelRefSchema.optional(),
    branches: z.array(z.object({ when: guardSchema, next: stepIdSchema }).strict()).default([]),
    otherwise: stepIdSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!s.table && !s.model && s.branches.length === 0) ctx.addIssue({ code: "custom", path: ["branches"], message: "a decision needs at least one branch (or a decision table or model)" });
    if (s.table && s.model) ctx.addIssue({ code: "custom", path: ["model"], message: "name a decision table or a decision model, not both" });
  });

const HUMAN_OUTCOMES = ["approve", "reject"] as const;
/** A human step's outcome: built-in approve / reject, or a custom one with its label, style and needs (ADR 052). */
const stepOutcomeSchema = z.union([z.enum(HUMAN_OUTCOMES), outcomeDefinitionSchema]);
const outcomeIdSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, "an outcome id: letters, digits and _");

type StepOutcome = (typeof HUMAN_OUTCOMES)[number] | OutcomeDefinition;

/** The ids of a human step's outcomes, in declared order. */
export function stepOutcomeIds(step: { outcomes: readonly StepOutcome[] }): string[] {
  return step.outcomes.map((o) => (typeof o === "string" ? o : o.id));
}

/** A human step's custom outcomes (what its task declares besides approve and reject). */
export function customStepOutcomes(step: { outcomes: readonly StepOutcome[] }): OutcomeDefinition[] {
  return step.outcomes.filter((o): o is OutcomeDefinition => typeof o !== "string");
}

/** One party of a multi-party approval: a group (anyone of it) or a person. */
const approverPartySchema = z
  .object({ candidateGroup: z.string().min(1).max(200).optional(), assignee: z.string().min(1).max(254).optional() })
  .strict()
  .refine((p) => !!p.candidateGroup !== !!p.assignee, { message: "name a candidateGroup or an assignee" });

/**
 * Approval among several parties (ADR 039): `all` — each party gets a task and every one must
 * approve; `any` — each gets a task, the first approval decides and the rest are cancelled;
 * `sequential` — one party after the other, in order. A rejection by any party rejects the step.
 */
export const APPROVAL_MODES = ["all", "any", "sequential"] as const;
const approversSchema = z.object({ mode: z.enum(APPROVAL_MODES), of: z.array(approverPartySchema).min(2).max(10) }).strict();
export const humanStepSchema = z
  .object({
    ...base,
    kind: z.literal("human"),
    title: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    /** Variables shown to the decider (the task's context). */
    context: z.array(pathSchema).default([]),
    candidateGroup: z.string().min(1).max(200).optional(),
    assignee: z.string().min(1).max(254).optional(),
    /** Several parties approve (all-of, any-of or in sequence) instead of one candidateGroup or assignee. */
    approvers: approversSchema.optional(),
    /** How the task finds its person (lib/routing), e.g. `{ strategy: decision_table, table: invoice-routing }`; reads the task's context. */
    routing: routingSchema.optional(),
    requestedBy: z.string().min(1).max(254).optional(),
    priority: z.enum(ENUMS.TaskPriority).default("NORMAL"),
    /**
     * What the decider may choose: "approve", "reject" and custom outcomes
     * (`{ id, label, style?, requiresReason?, rejecting?, fields? }`); each needs a `next`. The
     * step's variable `<id>.outcome` holds the choice, for a later decision to branch on.
     */
    outcomes: z.array(stepOutcomeSchema).min(1).max(12).default(["approve", "reject"]),
    next: z.record(outcomeIdSchema, stepIdSchema),
    due: durationSchema.optional(),
    /** A decision form (ADR 039): what the decider fills in; the answers become instance variables (see writeBack). */
    form: formDefinitionSchema.optional(),
    /** Form field id → variable path the answer is written to; a field not named here lands at its own id. */
    writeBack: z.record(z.string(), pathSchema).optional(),
    /** Four-eyes / N-of-M: distinct people who must approve before the step counts as approved. */
    approvalsRequired: z.number().int().min(1).max(5).default(1),
    /** Skills a person needs to take the step's task. */
    requiredSkills: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
    /**
     * "Nobody approves two steps of the same case": whoever decided (or voted on) an earlier human
     * step of the instance may not be routed, claim or decide this one (403 SOD_EARLIER_STEP).
     */
    excludeEarlierDeciders: z.boolean().optional(),
    /** A rejection compensates the completed steps (saga) instead of following `next.reject`. */
    compensateOnReject: z.boolean().default(false),
    ...compensate,
    /** Escalation levels (lib/sla); `businessHours` also makes `due` count working time. */
    escalation: escalationPolicySchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const outcomes = stepOutcomeIds(s);
    const custom = customStepOutcomes(s);
    if (new Set(outcomes).size !== outcomes.length) ctx.addIssue({ code: "custom", path: ["outcomes"], message: "outcome ids must be unique" });
    s.outcomes.forEach((o, i) => {
      if (typeof o !== "string") o.fields?.forEach((f, j) => {
        if (!s.form?.some((x) => x.id === f)) ctx.addIssue({ code: "custom", path: ["outcomes", i, "fields", j], message: `"${f}" is not a field of the step's form` });
      });
    });
    if (custom.length > 10) ctx.addIssue({ code: "custom", path: ["outcomes"], message: "at most 10 custom outcomes" });
    s.escalation?.levels.forEach((l, i) => {
      if (l.action === "auto_decide" && !outcomes.includes(l.outcome)) ctx.addIssue({ code: "custom", path: ["escalation", "levels", i, "outcome"], message: `"${l.outcome}" is not one of the step's outcomes` });
    });
    if (!s.candidateGroup && !s.assignee && !s.routing && !s.approvers) ctx.addIssue({ code: "custom", path: ["candidateGroup"], message: "name a candidateGroup, an assignee, a routing or approvers" });
    if (s.approvers && (s.candidateGroup || s.assignee || s.routing)) ctx.addIssue({ code: "custom", path: ["approvers"], message: "approvers name the parties themselves: remove candidateGroup, assignee and routing" });
    if (s.compensateOnReject) {
      if (!outcomes.includes("reject")) ctx.addIssue({ code: "custom", path: ["compensateOnReject"], message: 'needs "reject" among the outcomes' });
      if (s.next.reject) ctx.addIssue({ code: "custom", path: ["next", "reject"], message: "a rejection compensates (compensateOnReject); remove next.reject" });
    }
    for (const o of outcomes) if (!s.next[o] && !(o === "reject" && s.compensateOnReject)) ctx.addIssue({ code: "custom", path: ["next", o], message: `outcome "${o}" has no next step` });
    for (const o of Object.keys(s.next)) if (!outcomes.includes(o)) ctx.addIssue({ code: "custom", path: ["next", o], message: `"${o}" is not one of the step's outcomes` });
    for (const f of Object.keys(s.writeBack ?? {})) if (!s.form?.some((x) => x.id === f)) ctx.addIssue({ code: "custom", path: ["writeBack", f], message: `"${f}" is not a field of the step's form` });
  });

const waitStepSchema = z
  .object({
    ...base,
    kind: z.literal("wait"),
    /** CloudEvents type awaited. */
    event: z.string().min(1).max(200),
    /** The CloudEvents `source` accepted (absent: any): an event of the type from another producer does not satisfy the wait. */
    source: z.string().min(1).max(500).optional(),
    /** Template over the variables; the event's `correlationkey` extension (else its subject) must equal it. */
    correlationKey: z.string().min(1).max(500),
    timeout: durationSchema.optional(),
    onTimeout: stepIdSchema.optional(),
    output: outputSchema,
    next: stepIdSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.timeout && !s.onTimeout) ctx.addIssue({ code: "custom", path: ["onTimeout"], message: "a wait with a timeout needs onTimeout" });
    if (s.onTimeout && !s.timeout) ctx.addIssue({ code: "custom", path: ["timeout"], message: "onTimeout needs a timeout" });
  });

/**
 * Parallel branches: every branch starts at its `start` and runs until it reaches `join` (a step of
 * kind join). The join continues once every branch arrived. Steps inside a branch see the
 * variables as they were at the fork plus what their own branch wrote; at the join the branches'
 * writes are applied in the order the branches are declared (a later branch wins on the same path).
 */
const parallelStepSchema = z
  .object({
    ...base,
    kind: z.literal("parallel"),
    branches: z
      .array(z.object({ name: stepIdSchema, start: stepIdSchema }).strict())
      .min(2, "a parallel step needs at least two branches")
      .max(10)
      .superRefine((bs, ctx) => {
        const seen = new Set<string>();
        bs.forEach((b, i) => {
          if (seen.has(b.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `branch name "${b.name}" is used twice` });
          seen.add(b.name);
        });
      }),
    join: stepIdSchema,
  })
  .strict();

const joinStepSchema = z.object({ ...base, kind: z.literal("join"), next: stepIdSchema }).strict();

const endStepSchema = z.object({ ...base, kind: z.literal("end") }).strict();

export const STEP_SCHEMAS = {
  http: httpStepSchema,
  set: setStepSchema,
  decision: decisionStepSchema,
  human: humanStepSchema,
  wait: waitStepSchema,
  parallel: parallelStepSchema,
  join: joinStepSchema,
  end: endStepSchema,
} as const;

export type HttpStep = z.infer<typeof httpStepSchema>;
export type SetStep = z.infer<typeof setStepSchema>;
export type DecisionStep = z.infer<typeof decisionStepSchema>;
export type HumanStep = z.infer<typeof humanStepSchema>;
export type WaitStep = z.infer<typeof waitStepSchema>;
export type ParallelStep = z.infer<typeof parallelStepSchema>;
type JoinStep = z.infer<typeof joinStepSchema>;
type EndStep = z.infer<typeof endStepSchema>;
export type Step = HttpStep | SetStep | DecisionStep | HumanStep | WaitStep | ParallelStep | JoinStep | EndStep;

/** A requester grant in a definition: a group key, or "*" (every person). */
export const requesterSchema = z.string().regex(/^(\*|[a-z0-9][a-z0-9._-]{0,99})$/, 'must be a group key or "*"');

export const PROCESS_KEY_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const documentHeaderSchema = z
  .object({
    key: z.string().regex(PROCESS_KEY_RE, "must be 1-64 lowercase letters, digits, . _ or -"),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(5000).optional(),
    /** CloudEvents types that start an instance. */
    startOn: z.array(z.string().min(1).max(200)).default([]),
    /** The first step; defaults to the first in the list. */
    start: stepIdSchema.optional(),
    /** What a requester fills in to start it from the catalogue; the answers become the instance's variables (ADR 039). */
    startForm: formDefinitionSchema.optional(),
    /** Who may start it from the request catalogue: group keys, or "*" for every person. None: only operators (processes:manage) and machines start it. */
    requesters: z.array(requesterSchema).max(50).default([]),
    steps: z.array(z.unknown()).min(1, "a process needs at least one step").max(200),
    /** How its tasks show the case (lib/processes/context-layout.ts). */
    contextLayout: contextLayoutSchema.optional(),
  })
  .strict();

export interface ProcessDocument {
  key: string;
  name: string;
  description?: string;
  startOn: string[];
  start: string;
  startForm?: FormField[];
  requesters?: string[];
  steps: Step[];
  contextLayout?: ContextLayout;
}

/** One validation error; `step` names the step it is about (null for the document itself). */
export interface DefinitionError {
  step: string | null;
  path: string;
  message: string;
}

// ── API shapes ────────────────────────────────────────────────────────────────────────────────

export const processVersionDtoSchema = z.object({
  id: z.string(),
  key: z.string(),
  version: z.number().int(),
  name: z.string(),
  status: z.enum(["ACTIVE", "DEPRECATED"]),
  startOn: z.array(z.string()),
  createdByName: z.string(),
  createdAt: z.string(),
  deprecatedAt: z.string().nullable(),
  instanceCounts: z.record(z.string(), z.number().int()),
});
export type ProcessVersionDto = z.infer<typeof processVersionDtoSchema>;

export const processSummaryDtoSchema = z.object({
  key: z.string(),
  name: z.string(),
  latestVersion: z.number().int(),
  activeVersion: z.number().int().nullable(),
  startOn: z.array(z.string()),
  versions: z.array(processVersionDtoSchema),
  instanceCounts: z.record(z.string(), z.number().int()),
});
export type ProcessSummaryDto = z.infer<typeof processSummaryDtoSchema>;

export const processDetailDtoSchema = processSummaryDtoSchema.extend({
  /** The newest version's document (or the one `?version=` asked for). */
  document: z.record(z.string(), z.unknown()),
  /** The version `document` belongs to. */
  documentVersion: z.number().int(),
});
export const processDetailQuerySchema = z.object({ version: queryInt().min(1).optional() });
export type ProcessDetailDto = z.infer<typeof processDetailDtoSchema>;

/** `POST /api/v1/processes` with JSON: the document itself, or `{ "document": <object or YAML text> }`. */
export const uploadDefinitionSchema = z.object({ document: z.union([z.string().min(1), z.record(z.string(), z.unknown())]) }).strict();

// A/B split of new instances between two active versions (lib/processes/split.ts).
export const versionSplitSchema = z
  .object({
    versionA: versionNumber(),
    versionB: versionNumber(),
    percentB: z.number().int().min(0).max(100).meta({ description: "Share of new instances that start on versionB" }),
  })
  .strict()
  .refine((s) => s.versionA !== s.versionB, { message: "versionA and versionB must differ", path: ["versionB"] });
export type VersionSplitInput = z.infer<typeof versionSplitSchema>;

export const versionSplitDtoSchema = z.object({
  processKey: z.string(),
  versionA: z.number().int(),
  versionB: z.number().int(),
  percentB: z.number().int(),
  updatedByName: z.string(),
  updatedAt: z.string(),
});
export type VersionSplitDto = z.infer<typeof versionSplitDtoSchema>;
