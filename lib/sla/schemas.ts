import { z } from "zod";
import { parseDurationMs } from "../duration";

// Deadlines and escalation policies (ADR 009). One schema per shape: the REST body of
// POST /api/v1/tasks, a process's human step, the calendar admin API and the DTOs.

const durationSchema = z.string().refine((s) => parseDurationMs(s) !== null, "must be an ISO 8601 duration such as PT30M, PT8H or P2D");

export const ESCALATION_ACTIONS = ["remind", "reassign", "supervisor", "assignee_manager", "manager_of_manager", "group", "auto_decide", "fail"] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

/** What each action does, in words (UI, docs, audit notes). */
export const ESCALATION_ACTION_LABELS: Record<EscalationAction, string> = {
  remind: "Remind",
  reassign: "Reassign to backup",
  supervisor: "Escalate to supervisor",
  assignee_manager: "Escalate to the assignee's manager",
  manager_of_manager: "Escalate to the manager's manager",
  group: "Escalate to group",
  auto_decide: "Decide automatically",
  fail: "Fail the step",
};

const after = { after: durationSchema };
/**
 * One level: `after` is measured from the task's creation on the policy's clock (business hours
 * when `businessHours` is set); levels fire in order.
 */
const escalationLevelSchema = z.discriminatedUnion("action", [
  z.object({ ...after, action: z.literal("remind") }).strict(),
  /** The backup: a user id or e-mail. */
  z.object({ ...after, action: z.literal("reassign"), to: z.string().trim().min(1).max(254) }).strict(),
  /** The assignee's supervisor (else the candidate group's supervisor). */
  z.object({ ...after, action: z.literal("supervisor") }).strict(),
  /** The reporting line, resolved when the level fires: the assignee's manager, or that manager's manager. */
  z.object({ ...after, action: z.literal("assignee_manager") }).strict(),
  z.object({ ...after, action: z.literal("manager_of_manager") }).strict(),
  /** A named group's queue (key). */
  z.object({ ...after, action: z.literal("group"), group: z.string().trim().min(1).max(100) }).strict(),
  z
    .object({
      ...after,
      action: z.literal("auto_decide"),
      outcome: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, "an outcome id: approve, reject or one the task declares"),
      reason: z.string().trim().min(1, "state why it is decided automatically").max(2000),
    })
    .strict(),
  z.object({ ...after, action: z.literal("fail"), reason: z.string().trim().min(1).max(2000).optional() }).strict(),
]);

export const escalationPolicySchema = z
  .object({
    /** Count `due` and every `after` in working time of the calendar (default: wall-clock). */
    businessHours: z.boolean().default(false),
    /** Key of the group whose calendar applies (default: the task's candidate group). */
    calendar: z.string().trim().min(1).max(100).optional(),
    /** Empty: only the due time follows the calendar. */
    levels: z.array(escalationLevelSchema).max(10).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    let prev = -1;
    p.levels.forEach((l, i) => {
      const ms = parseDurationMs(l.after) ?? 0;
      if (ms < prev) ctx.addIssue({ code: "custom", path: ["levels", i, "after"], message: "levels must not come before the previous one" });
      prev = ms;
      const terminal = l.action === "auto_decide" || l.action === "fail";
      if (terminal && i < p.levels.length - 1) ctx.addIssue({ code: "custom", path: ["levels", i, "action"], message: `${l.action} ends the task: it must be the last level` });
    });
  });
export type EscalationPolicy = z.infer<typeof escalationPolicySchema>;

/** The plan stored on the task: the policy with each level's instant (before any SLA pause). */
export const escalationPlanSchema = z.object({
  businessHours: z.boolean(),
  calendarGroupId: z.string().nullable(),
  levels: z.array(z.intersection(escalationLevelSchema, z.object({ at: z.string() }))),
});
export type EscalationPlan = z.infer<typeof escalationPlanSchema>;

// ── business calendars ─────────────────────────────────────────────────────────────────────────

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be HH:MM, e.g. 09:00");
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const calendarInputSchema = z
  .object({
    timeZone: z.string().min(1).max(64).refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin"),
    /** ISO weekdays worked: 1 = Monday … 7 = Sunday. */
    workingDays: z.array(z.number().int().min(1).max(7)).min(1, "name at least one working day").max(7),
    start: hhmm,
    end: hhmm,
    /** Local dates not worked. */
    holidays: z.array(z.iso.date({ error: "must be a date YYYY-MM-DD" })).max(400).default([]),
  })
  .strict()
  .refine((c) => toMinute(c.start) < toMinute(c.end), { message: "end must be after start", path: ["end"] });

export type CalendarInput = z.input<typeof calendarInputSchema>;

export function toMinute(hm: string): number {
  const [h, m] = hm.split(":").map(Number);
  return h! * 60 + m!;
}
export function fromMinute(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
}

export const calendarDtoSchema = z.object({
  group: z.object({ id: z.string(), key: z.string(), name: z.string() }),
  timeZone: z.string(),
  workingDays: z.array(z.number().int()),
  start: z.string(),
  end: z.string(),
  holidays: z.array(z.string()),
  /** False while the group has no calendar of its own (the default is shown). */
  custom: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type CalendarDto = z.infer<typeof calendarDtoSchema>;

// ── what a task shows ─────────────────────────────────────────────────────────────────────────

const escalationDtoSchema = z.object({
  level: z.number().int(),
  action: z.enum(ESCALATION_ACTIONS),
  scheduledAt: z.string(),
  firedAt: z.string(),
  latenessMs: z.number().int(),
  firedBy: z.enum(["timer", "sweep"]),
  toAssignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  toGroup: z.object({ id: z.string(), key: z.string(), name: z.string() }).nullable(),
  outcome: z.string().nullable(),
  note: z.string(),
});
export type EscalationDto = z.infer<typeof escalationDtoSchema>;

/** The task's SLA state: its clock, the level reached and what comes next. */
export const slaDtoSchema = z.object({
  state: z.enum(["none", "running", "paused", "overdue", "escalated", "closed"]),
  /** Levels fired so far (0: none), and what the last one did. */
  level: z.number().int(),
  lastAction: z.enum(ESCALATION_ACTIONS).nullable(),
  levels: z.number().int(),
  pausedSince: z.string().nullable(),
  pausedMs: z.number().int(),
  businessHours: z.boolean(),
  next: z.object({ level: z.number().int(), action: z.enum(ESCALATION_ACTIONS), at: z.string().nullable() }).nullable(),
  escalatedAt: z.string().nullable(),
});
export type SlaDto = z.infer<typeof slaDtoSchema>;

export const taskEscalationsDtoSchema = z.object({ sla: slaDtoSchema, dueAt: z.string().nullable(), data: z.array(escalationDtoSchema) });
export type TaskEscalationsDto = z.infer<typeof taskEscalationsDtoSchema>;
