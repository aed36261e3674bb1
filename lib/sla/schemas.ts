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

/** The weekdays of a calendar's hours, Monday first (the keys of the API and the form). */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WEEKDAY_LABELS: Record<Weekday, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

/** One working interval of a day, [start, end) in local time; 24:00 ends a day worked to midnight. */
export const workingIntervalSchema = z
  .object({ start: hhmm, end: hhmm })
  .strict()
  .refine((i) => toMinute(i.start) < toMinute(i.end), { message: "must end after it starts", path: ["end"] });

/** A day's intervals: any order on the way in, none overlapping; none is a day off. */
const dayHoursSchema = z
  .array(workingIntervalSchema)
  .max(6, "at most 6 intervals a day")
  .default([])
  .superRefine((intervals, ctx) => {
    const order = intervals.map((iv, index) => ({ index, s: toMinute(iv.start), e: toMinute(iv.end) })).sort((a, b) => a.s - b.s || a.e - b.e);
    // Against the interval reaching furthest so far: 08:00–17:00 also overlaps 11:00–12:00 after 09:00–10:00.
    let reach = order[0];
    for (const cur of order.slice(1)) {
      if (reach && cur.s < reach.e) ctx.addIssue({ code: "custom", path: [cur.index, "start"], message: `overlaps ${fromMinute(reach.s)}–${fromMinute(reach.e)}` });
      if (!reach || cur.e > reach.e) reach = cur;
    }
  });

/** Working hours per weekday; a day left out is a day off. */
export const weeklyHoursSchema = z
  .object(Object.fromEntries(WEEKDAYS.map((d) => [d, dayHoursSchema])) as Record<Weekday, typeof dayHoursSchema>)
  .strict()
  .refine((h) => WEEKDAYS.some((d) => (h[d] ?? []).length > 0), { message: "give at least one day working hours" });
export type WeeklyHours = z.infer<typeof weeklyHoursSchema>;

export const calendarInputSchema = z
  .object({
    timeZone: z.string().min(1).max(64).refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin"),
    /** Working hours per weekday, e.g. { "mon": [{ "start": "08:00", "end": "12:00" }, { "start": "13:00", "end": "17:00" }], "fri": [{ "start": "08:00", "end": "13:00" }] }. */
    hours: weeklyHoursSchema.optional(),
    /** Shorthand instead of `hours`: the same `start`–`end` on each of these ISO weekdays (1 = Monday … 7 = Sunday). */
    workingDays: z.array(z.number().int().min(1).max(7)).min(1, "name at least one working day").max(7).optional(),
    start: hhmm.optional(),
    end: hhmm.optional(),
    /** Local dates not worked. */
    holidays: z.array(z.iso.date({ error: "must be a date YYYY-MM-DD" })).max(400).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const shorthand = c.workingDays !== undefined || c.start !== undefined || c.end !== undefined;
    if (c.hours && shorthand) {
      ctx.addIssue({ code: "custom", path: ["hours"], message: "give either hours, or workingDays with start and end, not both" });
      return;
    }
    if (c.hours) return;
    if (!shorthand) return void ctx.addIssue({ code: "custom", path: ["hours"], message: "give the working hours of each day" });
    for (const k of ["workingDays", "start", "end"] as const) if (c[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "required with the shorthand" });
    if (c.start !== undefined && c.end !== undefined && toMinute(c.start) >= toMinute(c.end)) ctx.addIssue({ code: "custom", path: ["end"], message: "end must be after start" });
  });

export type CalendarInput = z.input<typeof calendarInputSchema>;

export function toMinute(hm: string): number {
  const [h, m] = hm.split(":").map(Number);
  return h! * 60 + m!;
}
export function fromMinute(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
}

/** Intervals as stored (minutes, Monday first), sorted, touching ones merged, from a validated input. */
export function hoursToMinutes(input: { hours?: WeeklyHours; workingDays?: number[]; start?: string; end?: string }): [number, number][][] {
  const days = WEEKDAYS.map((d, i) => {
    if (input.hours) return (input.hours[d] ?? []).map((iv) => [toMinute(iv.start), toMinute(iv.end)] as [number, number]);
    return input.workingDays?.includes(i + 1) ? [[toMinute(input.start!), toMinute(input.end!)] as [number, number]] : [];
  });
  return days.map((day) => {
    const merged: [number, number][] = [];
    for (const [s, e] of [...day].sort((a, b) => a[0] - b[0])) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    return merged;
  });
}

/** Stored minutes as the API's weekly hours (every weekday present, [] for a day off). */
export function minutesToHours(hours: readonly (readonly (readonly [number, number])[])[]): Required<WeeklyHours> {
  return Object.fromEntries(WEEKDAYS.map((d, i) => [d, (hours[i] ?? []).map(([s, e]) => ({ start: fromMinute(s), end: fromMinute(e) }))])) as Required<WeeklyHours>;
}

const intervalDtoSchema = z.object({ start: z.string(), end: z.string() });

export const calendarDtoSchema = z.object({
  group: z.object({ id: z.string(), key: z.string(), name: z.string() }),
  timeZone: z.string(),
  /** Every weekday, Monday first; [] is a day off. */
  hours: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(intervalDtoSchema)])) as Record<Weekday, z.ZodArray<typeof intervalDtoSchema>>),
  /** ISO weekdays with working hours (1 = Monday … 7 = Sunday). */
  workingDays: z.array(z.number().int()),
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
