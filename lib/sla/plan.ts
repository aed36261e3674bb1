import { parseDurationMs } from "../duration";
import { addWorkingDuration, type Calendar } from "./calendar";
import { escalationPlanSchema, type EscalationPlan, type EscalationPolicy } from "./schemas";

// From a declared policy to the plan stored on a task, and from the plan to the instant each
// level fires. Pure, so unit tests pin the arithmetic.

const PARTS_RE = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export interface SlaClock {
  businessHours: boolean;
  calendar: Calendar;
}

/** The instant `duration` after `start`: wall-clock, or working time on the calendar. */
export function addDuration(start: Date, duration: string, clock: SlaClock): Date {
  const ms = parseDurationMs(duration);
  if (ms === null) throw new Error(`not an ISO 8601 duration: ${duration}`);
  if (!clock.businessHours) return new Date(start.getTime() + ms);
  const m = PARTS_RE.exec(duration)!;
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  const timeMs = ((h! * 60 + min!) * 60 + s!) * 1000;
  return addWorkingDuration(start, { weeks: w!, days: d!, ms: timeMs }, clock.calendar);
}

export function buildPlan(policy: EscalationPolicy, start: Date, clock: SlaClock, calendarGroupId: string | null): EscalationPlan {
  return {
    businessHours: policy.businessHours,
    calendarGroupId,
    levels: policy.levels.map((l) => ({ ...l, at: addDuration(start, l.after, clock).toISOString() })),
  };
}

export function parsePlan(raw: unknown): EscalationPlan | null {
  if (raw === null || raw === undefined) return null;
  const r = escalationPlanSchema.safeParse(raw);
  return r.success ? r.data : null;
}

/** When level `index` (0-based) fires: its planned instant shifted by the time the SLA was paused. */
export function levelDueAt(plan: EscalationPlan, index: number, pausedMs: number): Date | null {
  const level = plan.levels[index];
  return level ? new Date(Date.parse(level.at) + pausedMs) : null;
}

/** Job id of the timer for a level: deterministic, so scheduling it twice is harmless; the instant is part of it, so a shifted level gets a new timer. BullMQ ids may not contain ":". */
export function escalationJobId(taskId: string, level: number, at: Date): string {
  return `escalate.${taskId}.${level}.${at.getTime()}`;
}
