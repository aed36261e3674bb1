import { ENUMS } from "../generated/db/schema";
import { z } from "zod";
import { isoDateTime, isoDay, versionNumber } from "../fields";
import { routingSchema } from "../routing/schemas";
import { checkOutcomeFields, formDefinitionSchema, formFieldSchema, outcomeDefinitionSchema, outcomeListSchema } from "./forms";
import { escalationPolicySchema, slaDtoSchema } from "../sla/schemas";
import { parseDurationMs } from "../duration";

// One schema per shape: used by the REST handlers, the browser forms and the DTOs.
export const TASK_STATUSES = ENUMS.TaskStatus;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

export const TASK_PRIORITIES = ENUMS.TaskPriority;
export const taskPrioritySchema = z.enum(TASK_PRIORITIES);
export type TaskPriority = z.infer<typeof taskPrioritySchema>;

const OUTCOMES = ["approve", "reject"] as const;
export const outcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof outcomeSchema>;

const MAX_CONTEXT_BYTES = 64 * 1024;

const contextSchema = z
  .record(z.string().max(100), z.unknown())
  .refine((c) => JSON.stringify(c).length <= MAX_CONTEXT_BYTES, { message: `must be at most ${MAX_CONTEXT_BYTES / 1024} KB of JSON` });

export const createTaskSchema = z
  .object({
    title: z.string().trim().min(1, "Title is required").max(200),
    description: z.string().trim().max(5000).optional(),
    context: contextSchema.default({}),
    /** User id or e-mail of the person who should decide. */
    assignee: z.string().trim().min(1).max(254).optional(),
    /** Key of the group whose members may claim the task. */
    candidateGroup: z.string().trim().min(1).max(100).optional(),
    /** User id or e-mail of the person asking; they may not approve their own request. */
    requestedBy: z.string().trim().min(1).max(254).optional(),
    priority: taskPrioritySchema.default("NORMAL"),
    dueAt: isoDateTime("must be an ISO 8601 date-time, e.g. 2026-12-01T17:00:00Z").optional(),
    /** Due this long after creation (ISO 8601 duration; working time when escalation.businessHours). */
    dueIn: z
      .string()
      .refine((d) => parseDurationMs(d) !== null, "must be an ISO 8601 duration such as PT8H or P2D")
      .optional(),
    /** What happens as time passes: levels of remind / reassign / supervisor / group / auto_decide / fail (ADR 009). */
    escalation: escalationPolicySchema.optional(),
    /** Who may take it beyond assignee/group: direct, group, round_robin, least_loaded or conditions. */
    routing: routingSchema.optional(),
    /** Skills a person needs to take the task (least_loaded picks among members having all). */
    requiredSkills: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
    /** Four-eyes: distinct approvers needed before the task counts as approved. */
    approvalsRequired: z.number().int().min(1).max(5).default(1),
    /** Outcomes besides approve/reject, e.g. {id:"approve_partial", label:"Approve partially", requiresReason:true}. */
    outcomes: outcomeListSchema.optional(),
    /** Decision form: fields the decider fills in (validated on both sides by one schema). */
    form: formDefinitionSchema.optional(),
  })
  .strict()
  .refine((t) => t.assignee || t.candidateGroup || t.routing, {
    message: "Name an assignee or a candidate group",
    path: ["candidateGroup"],
  })
  .refine((t) => !(t.dueAt && t.dueIn), { message: "Give dueAt or dueIn, not both", path: ["dueIn"] })
  .superRefine((t, ctx) => checkOutcomeFields(t.outcomes, t.form, ctx));
export type CreateTaskInput = z.input<typeof createTaskSchema>;

export const decideTaskSchema = z
  .object({
    /** approve, reject, or one of the task's custom outcome ids. */
    outcome: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, "an outcome id: approve, reject or one the task declares"),
    reason: z.string().trim().max(2000).optional(),
    /** Values of the task's decision form (checked against the form's schema by the service). */
    form: z.record(z.string(), z.unknown()).optional(),
    /** The task version the decider saw; the If-Match header does the same. */
    version: versionNumber().optional(),
    /**
     * Undo window: hold the decision for UNDO_WINDOW_SECONDS (default 5) before notifications go
     * out and the process moves on; POST /tasks/{id}/undo cancels it meanwhile. The inbox asks
     * for it; without it a decision commits at once.
     */
    hold: z.boolean().optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.outcome === "reject" && !d.reason) {
      ctx.addIssue({ code: "custom", path: ["reason"], message: "A reason is required to reject" });
    }
  });

export const cancelTaskSchema = z
  .object({ reason: z.string().trim().min(1, "A reason is required to cancel").max(2000), version: versionNumber().optional() })
  .strict();

export const claimTaskSchema = z.object({ version: versionNumber().optional() }).strict();

export const requestInfoSchema = z
  .object({
    question: z.string().trim().min(1, "Write the question you need answered").max(4000),
    /** User id or e-mail of the person who should answer; defaults to the task's requester. */
    askTo: z.string().trim().min(1).max(254).optional(),
    version: versionNumber().optional(),
  })
  .strict();

export const answerInfoSchema = z
  .object({
    answer: z.string().trim().min(1, "Write your answer").max(4000),
    version: versionNumber().optional(),
  })
  .strict();

export const reassignTaskSchema = z
  .object({
    /** User id or e-mail of the new assignee. */
    assignee: z.string().trim().min(1).max(254).optional(),
    /** Key of the group whose queue the task moves to (unassigned). */
    candidateGroup: z.string().trim().min(1).max(100).optional(),
    reason: z.string().trim().min(1, "Say why you are reassigning it").max(2000),
    version: versionNumber().optional(),
  })
  .strict()
  .refine((r) => r.assignee || r.candidateGroup, { message: "Name the new assignee or group", path: ["assignee"] });
export type ReassignTaskInput = z.input<typeof reassignTaskSchema>;

/** Forwarding one task of mine to a colleague who may take it (issue #20). */
export const forwardTaskSchema = z.object({
  /** User id or e-mail of the colleague. */
  to: z.string().trim().min(1, "Choose a colleague").max(254),
  reason: z.string().trim().min(1, "Say why you are forwarding it").max(2000),
  version: versionNumber().optional(),
});
export type ForwardTaskInput = z.input<typeof forwardTaskSchema>;

const BULK_ACTIONS = ["approve", "reassign"] as const;
export const bulkActionSchema = z
  .object({
    action: z.enum(BULK_ACTIONS),
    taskIds: z.array(z.string().min(1).max(100)).min(1, "Select at least one task").max(100),
    /** approve: optional note; reassign: required reason. */
    reason: z.string().trim().max(2000).optional(),
    assignee: z.string().trim().min(1).max(254).optional(),
    candidateGroup: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.action === "reassign" && !b.assignee && !b.candidateGroup) ctx.addIssue({ code: "custom", path: ["assignee"], message: "Name the new assignee or group" });
    if (b.action === "reassign" && !b.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why you are reassigning them" });
  });
export const bulkResultSchema = z.object({
  data: z.array(z.object({ taskId: z.string(), ok: z.boolean(), code: z.string().optional(), detail: z.string().optional() })),
  summary: z.object({ ok: z.number().int(), failed: z.number().int() }),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;

const TASK_VIEWS = ["inbox", "mine", "group", "asked", "decided", "all"] as const;
const DUE_FILTERS = ["overdue", "today", "week"] as const;
const TASK_SORTS = ["due", "priority", "age"] as const;
/** A comma list of priorities in a query string ("HIGH,URGENT"). */
const priorityListSchema = z
  .string()
  .transform((s) => s.split(",").map((p) => p.trim().toUpperCase()).filter(Boolean))
  .pipe(z.array(taskPrioritySchema).max(4));
export const taskListQuerySchema = z.object({
  view: z.enum(TASK_VIEWS).default("inbox"),
  status: taskStatusSchema.optional(),
  priority: priorityListSchema.optional(),
  due: z.enum(DUE_FILTERS).optional(),
  /** Words to find in the title or the context (all must occur, case-insensitive). */
  q: z.string().trim().max(200).optional(),
  /** due: soonest first; priority: most urgent first; age: oldest first. Decided view: newest decision first. */
  sort: z.enum(TASK_SORTS).optional(),
  // Drill-down from the KPI dashboard (lib/kpi): tasks of a process (and step), decided with an
  // outcome, by a person, in a window of days (from inclusive, to exclusive), or past their due time.
  process: z.string().max(64).optional(),
  step: z.string().max(100).optional(),
  outcome: z.string().max(100).optional(),
  decidedBy: z.string().max(100).optional(),
  decidedFrom: isoDay().optional(),
  decidedTo: isoDay().optional(),
  breached: z.enum(["true"]).optional(),
  escalated: z.enum(["true"]).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type TaskListQuery = z.infer<typeof taskListQuerySchema>;

const refSchema = z.object({ id: z.string(), name: z.string() });
const groupRefSchema = z.object({ id: z.string(), key: z.string(), name: z.string() });

export const taskDtoSchema = z.object({
  id: z.string(),
  reference: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  context: z.record(z.string(), z.unknown()),
  status: taskStatusSchema,
  priority: taskPrioritySchema,
  assignee: refSchema.nullable(),
  candidateGroup: groupRefSchema.nullable(),
  requestedBy: refSchema.nullable(),
  claimedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  outcome: z.string().nullable(),
  decidedBy: refSchema.nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  version: z.number().int(),
  instanceId: z.string().nullable(),
  requiredSkills: z.array(z.string()),
  /** Out-of-office hand-over: the person the task was meant for (assignee is their delegate). */
  delegatedFrom: refSchema.nullable(),
  /** Four-eyes: approvals needed, and those given so far (votes of the task, oldest first). */
  approvalsRequired: z.number().int(),
  approvals: z.array(z.object({ approver: refSchema, outcome: z.string(), reason: z.string().nullable(), at: z.string() })),
  /** Custom outcomes the task declares besides approve and reject. */
  outcomes: z.array(outcomeDefinitionSchema),
  form: z.array(formFieldSchema).nullable(),
  /** Values submitted with the final decision. */
  formValues: z.record(z.string(), z.unknown()).nullable(),
  /** Set while the task waits for information: who was asked, by whom, since when. */
  infoRequest: z
    .object({ askedOf: refSchema.nullable(), askedBy: refSchema.nullable(), askedAt: z.string().nullable() })
    .nullable(),
  /** A decision inside its undo window: until when, and whether the caller may undo it. */
  hold: z.object({ until: z.string(), mine: z.boolean() }).nullable(),
  /** Deadline and escalation state: running, paused (waiting for information), overdue, escalated (level N). */
  sla: slaDtoSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** What the caller may do now, and if not, why (for a read-only view). */
  can: z.object({
    claim: z.boolean(),
    unclaim: z.boolean(),
    decide: z.boolean(),
    /** Ask someone a question; the task waits in INFO_REQUESTED until they answer. */
    requestInfo: z.boolean(),
    /** Answer the open question (the person asked, an admin or a machine). */
    answer: z.boolean(),
    /** Undo your own decision while its undo window is open. */
    undo: z.boolean(),
    readOnlyReason: z.string().nullable(),
  }),
});
export type TaskDto = z.infer<typeof taskDtoSchema>;

export const taskPageSchema = z.object({ data: z.array(taskDtoSchema), nextCursor: z.string().nullable() });
export type TaskPage = z.infer<typeof taskPageSchema>;

/** Links a task to the process step that created it (set by the engine, never by the REST API). */
export const taskProcessLinkSchema = z
  .object({
    instanceId: z.string().min(1),
    stepRunId: z.string().min(1),
    /** The instance's starter, the process task's requester: a person the engine already knows (not looked up again). */
    requesterId: z.string().min(1).nullable().optional(),
    /** The step keeps out whoever decided an earlier step of the instance ("nobody approves two steps of the same case"). */
    excludeEarlierDeciders: z.boolean().optional(),
  })
  .strict();
export type TaskProcessLink = z.infer<typeof taskProcessLinkSchema>;
