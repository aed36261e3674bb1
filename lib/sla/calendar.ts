import { TZDate } from "@date-fns/tz";

// Working-time arithmetic over a business calendar (time zone, working hours per weekday,
// holidays; ADR 053). Pure: no database, so the unit tests pin every case (weekends, short days,
// lunch breaks, holidays, DST).

/** A working interval of a day: [startMinute, endMinute) after local midnight (24:00 is 1440). */
export type Interval = readonly [number, number];

export interface Calendar {
  timeZone: string;
  /** Working hours per ISO weekday, Monday first (index 0) to Sunday (6): intervals ascending and apart; [] is a day off. */
  hours: Interval[][];
  /** Local dates (YYYY-MM-DD) not worked. */
  holidays: string[];
}

/** The same hours on each of `days` (ISO weekdays, 1 = Monday): the shape of a single-range calendar. */
export function uniformHours(days: number[], startMinute: number, endMinute: number): Interval[][] {
  return Array.from({ length: 7 }, (_, i) => (days.includes(i + 1) ? [[startMinute, endMinute] as const] : []));
}

/** A group without a calendar of its own works Monday to Friday, 09:00-17:00, in its time zone. */
export function defaultCalendar(timeZone = "UTC"): Calendar {
  return { timeZone, hours: uniformHours([1, 2, 3, 4, 5], 9 * 60, 17 * 60), holidays: [] };
}

/** ISO weekdays (1 = Monday) with working hours. */
export function workingDaysOf(hours: Interval[][]): number[] {
  return hours.flatMap((day, i) => (day.some(([s, e]) => e > s) ? [i + 1] : []));
}

const MAX_DAYS = 3 * 366;
const NO_TIME = "The calendar has no working time in the next three years.";

interface Day {
  /** The day's working windows as instants, ascending. */
  windows: { start: number; end: number }[];
  /** The next local midnight. */
  nextDay: number;
}

function at(tz: string, y: number, m: number, day: number, minute: number): number {
  return new TZDate(y, m, day, Math.floor(minute / 60), minute % 60, tz).getTime();
}

/** The local day containing `t`: its working windows (none on a day off or holiday) and its end. */
function dayOf(t: number, cal: Calendar): Day {
  const d = TZDate.tz(cal.timeZone, t);
  const y = d.getFullYear();
  const m = d.getMonth();
  const day = d.getDate();
  const iso = `${y}-${String(m + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  const weekday = d.getDay() === 0 ? 7 : d.getDay();
  const nextDay = at(cal.timeZone, y, m, day + 1, 0);
  if (cal.holidays.includes(iso)) return { windows: [], nextDay };
  const windows = (cal.hours[weekday - 1] ?? [])
    .map(([s, e]) => ({ start: at(cal.timeZone, y, m, day, s), end: at(cal.timeZone, y, m, day, e) }))
    // A local time the DST change skips maps forward: an interval inside the gap has no length.
    .filter((w) => w.end > w.start);
  return { windows, nextDay };
}

/** The following local day (guarding against a midnight that does not advance: never expected, never loop forever). */
function after(t: number, day: Day): number {
  return Math.max(day.nextDay, t + 1);
}

/** The instant `ms` of working time after `start` (a start outside working hours counts from the next opening). */
export function addWorkingTime(start: Date, ms: number, cal: Calendar): Date {
  let t = start.getTime();
  let remaining = Math.max(0, ms);
  for (let i = 0; i < MAX_DAYS; i++) {
    const day = dayOf(t, cal);
    for (const w of day.windows) {
      const from = Math.max(t, w.start);
      if (from >= w.end) continue;
      const available = w.end - from;
      // Work that ends exactly at a closing time is due then, not at the next opening.
      if (remaining <= available) return new Date(from + remaining);
      remaining -= available;
    }
    t = after(t, day);
  }
  throw new Error(NO_TIME);
}

/** Working time between two instants (for "how much of the SLA is left"). */
export function workingTimeBetween(from: Date, to: Date, cal: Calendar): number {
  let t = from.getTime();
  const end = to.getTime();
  let total = 0;
  for (let i = 0; i < MAX_DAYS && t < end; i++) {
    const day = dayOf(t, cal);
    for (const w of day.windows) {
      const s = Math.max(t, w.start);
      const e = Math.min(end, w.end);
      if (e > s) total += e - s;
    }
    t = after(t, day);
  }
  return total;
}

/** Working time of a day's windows before `t`, and in all. */
function worked(day: Day, t: number): { before: number; total: number } {
  let before = 0;
  let total = 0;
  for (const w of day.windows) {
    total += w.end - w.start;
    if (t > w.start) before += Math.min(t, w.end) - w.start;
  }
  return { before, total };
}

/** The next local day with working time after the day containing `t`. */
function nextWorkingDay(t: number, cal: Calendar): { t: number; day: Day } {
  let cursor = after(t, dayOf(t, cal));
  for (let i = 0; i < MAX_DAYS; i++) {
    const day = dayOf(cursor, cal);
    if (day.windows.length) return { t: cursor, day };
    cursor = after(cursor, day);
  }
  throw new Error(NO_TIME);
}

/**
 * `days` whole working days after `start`: the same point of the working day that many working
 * days later (on a shorter day, its closing). A start outside working hours counts from the next
 * opening, and a start at an opening ends at the closing of the day before the one reached — so
 * one working day from Monday 09:00 is Monday's closing, as with hours.
 */
export function addWorkingDays(start: Date, days: number, cal: Calendar): Date {
  if (days <= 0) return start;
  const t0 = addWorkingTime(start, 0, cal).getTime();
  let cursor = { t: t0, day: dayOf(t0, cal) };
  const { before } = worked(cursor.day, t0);
  const steps = before === 0 ? days - 1 : days;
  for (let i = 0; i < steps; i++) cursor = nextWorkingDay(cursor.t, cal);
  const { total } = worked(cursor.day, cursor.day.windows[0]!.start);
  const position = before === 0 ? total : Math.min(before, total);
  const dayOpening = new Date(cursor.day.windows[0]!.start);
  return addWorkingTime(dayOpening, position, cal);
}

/** The average working day of the calendar's week (for fractions of a day or week). */
function averageDayMs(cal: Calendar): number {
  const days = workingDaysOf(cal.hours).length;
  if (!days) return 0;
  const minutes = cal.hours.flat().reduce((sum, [s, e]) => sum + Math.max(0, e - s), 0);
  return (minutes / days) * 60_000;
}

/**
 * An ISO 8601 duration on the calendar's clock: weeks and days count working days (a week is the
 * calendar's working days), hours, minutes and seconds count working time. A fraction of a day
 * counts as that fraction of the calendar's average working day.
 */
export function addWorkingDuration(start: Date, parts: { weeks: number; days: number; ms: number }, cal: Calendar): Date {
  const totalDays = parts.weeks * workingDaysOf(cal.hours).length + parts.days;
  const whole = Math.floor(totalDays);
  const rest = (totalDays - whole) * averageDayMs(cal) + parts.ms;
  const afterDays = addWorkingDays(start, whole, cal);
  return whole > 0 && rest === 0 ? afterDays : addWorkingTime(afterDays, rest, cal);
}
