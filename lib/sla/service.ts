import { db, sql, transaction, type Prisma, type Tx } from "../db";
import { AppError, fromZodError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { QUEUES } from "../queues";
import { defaultCalendar, workingDaysOf, type Calendar, type Interval } from "./calendar";
import { addDuration, buildPlan, escalationJobId, levelDueAt, parsePlan, type SlaClock } from "./plan";
import {
  calendarInputSchema,
  hoursToMinutes,
  minutesToHours,
  type CalendarDto,
  type EscalationDto,
  type EscalationPlan,
  type EscalationPolicy,
  type SlaDto,
} from "./schemas";

// Deadlines and escalation around a task's life: the plan at creation, the SLA pause while a
// question waits for its answer, business calendars, and what a task shows of it (ADR 009).

/** A group's calendar (its own row, else Monday-Friday 09:00-17:00 in the group's time zone). */
async function calendarOf(tx: Tx, groupId: string | null): Promise<Calendar> {
  if (!groupId) return defaultCalendar();
  const [group] = await tx.query<{ groupTimeZone: string; timeZone: string | null; hours: Interval[][] | null; holidays: string[] | null }>(
    sql`SELECT g."timeZone" AS "groupTimeZone", c."timeZone", c."hours", c."holidays"
          FROM "Group" g LEFT JOIN "BusinessCalendar" c ON c."groupId" = g."id" WHERE g."id" = ${groupId}`,
  );
  if (!group) return defaultCalendar();
  return group.timeZone !== null && group.hours
    ? { timeZone: group.timeZone, hours: group.hours, holidays: group.holidays ?? [] }
    : defaultCalendar(group.groupTimeZone);
}

interface SlaAtCreation {
  dueAt: Date | null;
  escalationPolicy: EscalationPlan | null;
  nextEscalationAt: Date | null;
}

/**
 * The due time and escalation plan of a new task, inside its creating transaction. `dueIn` and
 * every level's `after` count from `now`, in working time of the calendar when the policy says
 * businessHours. Targets the policy names are checked here, so a typo is a 422, not a silent
 * no-op hours later.
 */
export async function slaAtCreation(
  tx: Tx,
  input: { now: Date; dueAt: Date | null; dueIn?: string; businessHours?: boolean; escalation?: EscalationPolicy; candidateGroupId: string | null; outcomes: string[] },
): Promise<SlaAtCreation> {
  const policy = input.escalation;
  const businessHours = policy?.businessHours ?? input.businessHours ?? false;
  let calendarGroupId = input.candidateGroupId;
  const groupIdOf = async (key: string) => (await tx.query<{ id: string }>(sql`SELECT "id" FROM "Group" WHERE "key" = ${key}`))[0]?.id ?? null;
  if (policy?.calendar) {
    const id = await groupIdOf(policy.calendar);
    if (!id) throw new AppError("VALIDATION_FAILED", `No group with key "${policy.calendar}" for the calendar`, { fieldErrors: [{ path: "escalation.calendar", message: "unknown group" }] });
    calendarGroupId = id;
  }
  const needsCalendar = businessHours && (input.dueIn !== undefined || policy !== undefined);
  const clock: SlaClock = { businessHours, calendar: needsCalendar ? await calendarOf(tx, calendarGroupId) : defaultCalendar() };
  const dueAt = input.dueAt ?? (input.dueIn ? addDuration(input.now, input.dueIn, clock) : null);
  if (!policy) return { dueAt, escalationPolicy: null, nextEscalationAt: null };

  for (const [i, level] of policy.levels.entries()) {
    const path = `escalation.levels.${i}`;
    if (level.action === "reassign") {
      const where = level.to.includes("@") ? sql`"email" = ${level.to.toLowerCase()}` : sql`"id" = ${level.to}`;
      const [user] = await tx.query<{ active: boolean }>(sql`SELECT "active" FROM "User" WHERE ${where} LIMIT 1`);
      if (!user?.active) throw new AppError("VALIDATION_FAILED", `No active user "${level.to}" to reassign to`, { fieldErrors: [{ path: `${path}.to`, message: "unknown user" }] });
    }
    if (level.action === "group" && !(await groupIdOf(level.group))) {
      throw new AppError("VALIDATION_FAILED", `No group with key "${level.group}"`, { fieldErrors: [{ path: `${path}.group`, message: "unknown group" }] });
    }
    if (level.action === "auto_decide" && !input.outcomes.includes(level.outcome)) {
      throw new AppError("VALIDATION_FAILED", `Outcome "${level.outcome}" is not one this task offers (${input.outcomes.join(", ")})`, {
        fieldErrors: [{ path: `${path}.outcome`, message: `one of: ${input.outcomes.join(", ")}` }],
      });
    }
  }
  const plan = buildPlan(policy, input.now, clock, calendarGroupId);
  return { dueAt, escalationPolicy: plan, nextEscalationAt: levelDueAt(plan, 0, 0) };
}

/** The timer of the task's next level, through the outbox (committed with the change that implies it). */
export function armEscalationTimer(tx: Tx, taskId: string, level: number, at: Date): void {
  tx.enqueue({
    queue: QUEUES.escalations,
    name: "escalate",
    jobId: escalationJobId(taskId, level, at),
    payload: { taskId, level },
    runAt: at,
  });
}

/** Fields that stop the SLA clock when a task starts waiting for information. */
export function pauseSla(now: Date): { slaPausedAt: Date } {
  return { slaPausedAt: now };
}

/**
 * Fields that restart the clock when the answer arrives: the due time and the next level move
 * by the paused time; the caller arms the returned timer in its transaction.
 */
export function resumeSla(
  task: { slaPausedAt: Date | null; slaPausedMs: bigint; dueAt: Date | null; escalationPolicy: Prisma.JsonValue; escalationLevel: number },
  now: Date,
): { data: { slaPausedAt: null; slaPausedMs?: bigint; dueAt?: Date | null; nextEscalationAt?: Date | null }; timer: { level: number; at: Date } | null; pausedMs: number } {
  if (!task.slaPausedAt) return { data: { slaPausedAt: null }, timer: null, pausedMs: 0 };
  const paused = Math.max(0, now.getTime() - task.slaPausedAt.getTime());
  const totalPaused = Number(task.slaPausedMs) + paused;
  const plan = parsePlan(task.escalationPolicy);
  const next = plan ? levelDueAt(plan, task.escalationLevel, totalPaused) : null;
  return {
    data: {
      slaPausedAt: null,
      slaPausedMs: BigInt(totalPaused),
      dueAt: task.dueAt ? new Date(task.dueAt.getTime() + paused) : null,
      ...(plan ? { nextEscalationAt: next } : {}),
    },
    timer: next ? { level: task.escalationLevel + 1, at: next } : null,
    pausedMs: paused,
  };
}

// ── what a task shows ─────────────────────────────────────────────────────────────────────────

interface SlaFields {
  status: string;
  dueAt: Date | null;
  escalationPolicy: Prisma.JsonValue;
  escalationLevel: number;
  nextEscalationAt: Date | null;
  escalatedAt: Date | null;
  slaPausedAt: Date | null;
  slaPausedMs: bigint;
}

export function slaOf(t: SlaFields, now = new Date()): SlaDto {
  const plan = parsePlan(t.escalationPolicy);
  const levels = plan?.levels.length ?? 0;
  const nextDef = plan?.levels[t.escalationLevel];
  const closed = t.status === "DECIDED" || t.status === "CANCELLED";
  const state: SlaDto["state"] = closed
    ? "closed"
    : t.slaPausedAt && (plan || t.dueAt)
      ? "paused"
      : t.escalatedAt
        ? "escalated"
        : t.dueAt && t.dueAt.getTime() < now.getTime()
          ? "overdue"
          : plan || t.dueAt
            ? "running"
            : "none";
  return {
    state,
    level: t.escalationLevel,
    lastAction: plan?.levels[t.escalationLevel - 1]?.action ?? null,
    levels,
    pausedSince: t.slaPausedAt?.toISOString() ?? null,
    pausedMs: Number(t.slaPausedMs),
    businessHours: plan?.businessHours ?? false,
    next: nextDef && !closed ? { level: t.escalationLevel + 1, action: nextDef.action, at: t.slaPausedAt ? null : (t.nextEscalationAt?.toISOString() ?? null) } : null,
    escalatedAt: t.escalatedAt?.toISOString() ?? null,
  };
}

export async function escalationHistory(taskId: string): Promise<EscalationDto[]> {
  const rows = await db().taskEscalation.findMany({ where: { taskId }, orderBy: { level: "asc" } });
  const userIds = [...new Set(rows.map((r) => r.toAssigneeId).filter((u): u is string => !!u))];
  const groupIds = [...new Set(rows.map((r) => r.toGroupId).filter((g): g is string => !!g))];
  const [users, groups] = await Promise.all([
    userIds.length ? db().user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [],
    groupIds.length ? db().group.findMany({ where: { id: { in: groupIds } }, select: { id: true, key: true, name: true } }) : [],
  ]);
  return rows.map((r) => ({
    level: r.level,
    action: r.action as EscalationDto["action"],
    scheduledAt: r.scheduledAt.toISOString(),
    firedAt: r.firedAt.toISOString(),
    latenessMs: r.latenessMs,
    firedBy: r.firedBy === "sweep" ? "sweep" : "timer",
    toAssignee: users.find((u) => u.id === r.toAssigneeId) ?? null,
    toGroup: groups.find((g) => g.id === r.toGroupId) ?? null,
    outcome: r.outcome,
    note: r.note,
  }));
}

// ── business calendars (admin API) ─────────────────────────────────────────────────────────────

async function groupByKey(key: string) {
  const group = await db().group.findUnique({ where: { key }, select: { id: true, key: true, name: true, timeZone: true, calendar: true } });
  if (!group) throw new AppError("NOT_FOUND", `No group with key "${key}".`);
  return group;
}

function toCalendarDto(group: Awaited<ReturnType<typeof groupByKey>>): CalendarDto {
  const c = group.calendar;
  const cal: Calendar = c ? { timeZone: c.timeZone, hours: c.hours as unknown as Interval[][], holidays: c.holidays } : defaultCalendar(group.timeZone);
  return {
    group: { id: group.id, key: group.key, name: group.name },
    timeZone: cal.timeZone,
    hours: minutesToHours(cal.hours),
    workingDays: workingDaysOf(cal.hours),
    holidays: cal.holidays,
    custom: c !== null,
    updatedAt: c?.updatedAt.toISOString() ?? null,
  };
}

/** What the audit keeps of a calendar: the time zone, each day's hours and the holidays. */
function calendarAudit(dto: Pick<CalendarDto, "timeZone" | "hours" | "holidays">) {
  const hours = Object.fromEntries(Object.entries(dto.hours).map(([day, intervals]) => [day, intervals.map((i) => `${i.start}-${i.end}`)]));
  return { timeZone: dto.timeZone, hours, holidays: dto.holidays };
}

export async function getCalendar(actor: Actor, key: string): Promise<CalendarDto> {
  requirePermission(actor, "tasks:read");
  return toCalendarDto(await groupByKey(key));
}

export async function listCalendars(actor: Actor): Promise<{ data: CalendarDto[] }> {
  requirePermission(actor, "tasks:read");
  const groups = await db().group.findMany({ orderBy: { name: "asc" }, select: { id: true, key: true, name: true, timeZone: true, calendar: true } });
  return { data: groups.map(toCalendarDto) };
}

/**
 * Sets a group's working time (admins: processes:manage): hours per weekday, or the shorthand of
 * one range on chosen weekdays. Applies to tasks created from now on; audited with before/after.
 */
export async function setCalendar(actor: Actor, key: string, input: unknown): Promise<CalendarDto> {
  requirePermission(actor, "processes:manage");
  const parsed = calendarInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, "Calendar");
  const data = parsed.data;
  const group = await groupByKey(key);
  const before = toCalendarDto(group);
  const hours = hoursToMinutes(data);
  const holidays = [...new Set(data.holidays)].sort();
  await transaction(async (tx) => {
    await tx.write(sql`INSERT INTO "BusinessCalendar" ("groupId", "timeZone", "hours", "holidays", "updatedAt")
      VALUES (${group.id}, ${data.timeZone}, ${JSON.stringify(hours)}::jsonb, ${holidays}::text[], (now() AT TIME ZONE 'UTC'))
      ON CONFLICT ("groupId") DO UPDATE SET "timeZone" = EXCLUDED."timeZone", "hours" = EXCLUDED."hours",
        "holidays" = EXCLUDED."holidays", "updatedAt" = EXCLUDED."updatedAt"`);
    tx.audit(actor, {
      action: "calendar.updated",
      subjectType: "group",
      subjectId: group.id,
      before: { ...calendarAudit(before), custom: before.custom },
      after: calendarAudit({ timeZone: data.timeZone, hours: minutesToHours(hours), holidays }),
    });
  }, { batched: true });
  return toCalendarDto(await groupByKey(key));
}
