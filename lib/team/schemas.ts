import { z } from "zod";
import { isoDateTime } from "../fields";
import { taskPrioritySchema, taskStatusSchema } from "../tasks/schemas";

// The supervisor console: a team's people, load and queues (GET /api/v1/team), and members'
// out-of-office windows (PUT/DELETE /api/v1/team/members/{id}/out-of-office).

const personRef = z.object({ id: z.string(), name: z.string() });
const groupRef = z.object({ id: z.string(), key: z.string(), name: z.string() });

const teamTaskSchema = z.object({
  id: z.string(),
  reference: z.string(),
  title: z.string(),
  status: taskStatusSchema,
  priority: taskPrioritySchema,
  dueAt: z.string().nullable(),
  assignee: personRef.nullable(),
  candidateGroup: groupRef.nullable(),
  requestedBy: personRef.nullable(),
  version: z.number().int(),
  /** Escalation levels fired so far (0: none), and when it last moved to a new owner by escalation. */
  escalationLevel: z.number().int(),
  escalatedAt: z.string().nullable(),
  /** The task's plain context values (vendor, amount, currency): the row shows the party and the amount. */
  context: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type TeamTask = z.infer<typeof teamTaskSchema>;

const teamMemberSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  groups: z.array(groupRef),
  /** The person's out-of-office window, if one is set and not over. */
  outOfOffice: z.object({ from: z.string().nullable(), until: z.string().nullable(), activeNow: z.boolean() }).nullable(),
  delegate: personRef.extend({ email: z.string() }).nullable(),
  counts: z.object({ open: z.number().int(), overdue: z.number().int(), dueToday: z.number().int() }),
  /** Open work weighted by priority (URGENT 4, HIGH 2, NORMAL 1, LOW 0.5), as least-loaded routing counts it. */
  load: z.number(),
  /** Open tasks, most urgent due time first. */
  tasks: z.array(teamTaskSchema),
});
export type TeamMember = z.infer<typeof teamMemberSchema>;

const teamQueueSchema = z.object({
  group: groupRef,
  supervisor: personRef.nullable(),
  counts: z.object({ unassigned: z.number().int(), overdue: z.number().int(), dueToday: z.number().int() }),
  /** Unassigned open tasks waiting in the queue, oldest due time first (at most 50). */
  tasks: z.array(teamTaskSchema),
});

export const teamViewSchema = z.object({
  /** Whose teams: the supervisor, or null for an admin's view of every team. */
  supervisor: personRef.nullable(),
  timeZone: z.string(),
  /** When "today" ends in that time zone (due-today counts up to here). */
  todayEndsAt: z.string(),
  totals: z.object({ open: z.number().int(), overdue: z.number().int(), dueToday: z.number().int(), escalated: z.number().int(), unassigned: z.number().int() }),
  members: z.array(teamMemberSchema),
  /** Open tasks of the team (or escalated to the supervisor) that escalated, newest escalation first. */
  escalated: z.array(teamTaskSchema),
  queues: z.array(teamQueueSchema),
});
export type TeamView = z.infer<typeof teamViewSchema>;

export const teamQuerySchema = z.object({
  /** Admins: one supervisor's teams (id or e-mail) instead of every team. */
  supervisor: z.string().trim().max(254).optional(),
});

const outOfOfficeFields = {
  from: isoDateTime(),
  until: isoDateTime(),
  /** Who gets their direct work meanwhile (id or e-mail); null: nobody, tasks go to the queue. */
  delegate: z.string().trim().min(1).max(254).nullable(),
  reason: z.string().trim().max(500).optional(),
};

/** A window ends after it starts, and in the future. */
function windowChecks<T extends z.ZodType<{ from: string; until: string }>>(schema: T) {
  return schema
    .refine((v) => new Date(v.until) > new Date(v.from), { path: ["until"], message: "must be after the start" })
    .refine((v) => new Date(v.until) > new Date(), { path: ["until"], message: "must be in the future" });
}

export const outOfOfficeSchema = windowChecks(z.object(outOfOfficeFields).strict());

/** My own window (PUT /api/v1/me/out-of-office): optionally my current open work moves to the delegate now. */
export const myOutOfOfficeSchema = windowChecks(
  z
    .object({ ...outOfOfficeFields, moveOpenWork: z.boolean().default(false) })
    .strict()
    .refine((v) => !v.moveOpenWork || !!v.delegate, { path: ["delegate"], message: "choose who takes your work" }),
);
export type MyOutOfOfficeInput = z.infer<typeof myOutOfOfficeSchema>;

export const clearOutOfOfficeSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();

export const outOfOfficeDtoSchema = z.object({
  userId: z.string(),
  name: z.string(),
  outOfOffice: z.object({ from: z.string().nullable(), until: z.string().nullable(), activeNow: z.boolean() }).nullable(),
  delegate: personRef.extend({ email: z.string() }).nullable(),
});
export type OutOfOfficeDto = z.infer<typeof outOfOfficeDtoSchema>;

/** What setting my window did: the window, and the tasks that moved to my delegate. */
export const myOutOfOfficeDtoSchema = outOfOfficeDtoSchema.extend({ movedTasks: z.number().int() });
export type MyOutOfOfficeDto = z.infer<typeof myOutOfOfficeDtoSchema>;
