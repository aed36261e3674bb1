import { TZDate } from "@date-fns/tz";

// Working-time arithmetic over a business calendar (time zone, working days and hours,
// holidays). Pure: no database, so the unit tests pin every case (weekends, holidays, DST).

export interface Calendar {
  timeZone: string;
  /** ISO weekdays worked: 1 = Monday … 7 = Sunday. */
  workingDays: number[];
  /** Minutes after local midnight: [startMinute, endMinute). */
  startMinute: number;
  endMinute: number;
  /** Local dates (YYYY-MM-DD) not worked. */
  holidays: string[];
}

/** A group without a calendar of its own works Monday to Friday, 09:00-17:00, in its time zone. */
export function defaultCalendar(timeZone = "UTC"): Calendar {
  return { timeZone, workingDays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60, holidays: [] };
}

const MAX_DAYS = 3 * 366;

function localDay(t: number, tz: string) {
  const d = TZDate.tz(tz, t);
  const y = d.getFullYear();
  const m = d.getMonth();
  const day = d.getDate();
  const iso = `${y}-${String(m + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  const weekday = d.getDay() === 0 ? 7 : d.getDay();
  return { y, m, day, iso, weekday };
}

function at(tz: string, y: number, m: number, day: number, minute: number): number {
  return new TZDate(y, m, day, Math.floor(minute / 60), minute % 60, tz).getTime();
}

/** The working window of the local day containing `t`, or null when the day is not worked. */
function windowOf(t: number, cal: Calendar): { start: number; end: number; nextDay: number } {
  const { y, m, day, iso, weekday } = localDay(t, cal.timeZone);
  const nextDay = at(cal.timeZone, y, m, day + 1, 0);
  if (!cal.workingDays.includes(weekday) || cal.holidays.includes(iso)) return { start: nextDay, end: nextDay, nextDay };
  return { start: at(cal.timeZone, y, m, day, cal.startMinute), end: at(cal.timeZone, y, m, day, cal.endMinute), nextDay };
}

/** The instant `ms` of working time after `start` (a start outside working hours counts from the next opening). */
export function addWorkingTime(start: Date, ms: number, cal: Calendar): Date {
  let t = start.getTime();
  let remaining = Math.max(0, ms);
  for (let i = 0; i < MAX_DAYS; i++) {
    const w = windowOf(t, cal);
    if (t < w.start) t = w.start;
    if (t < w.end) {
      const available = w.end - t;
      if (remaining <= available) return new Date(t + remaining);
      remaining -= available;
    }
    // Guard against a day whose midnight does not advance (never expected, but never loop forever).
    t = Math.max(w.nextDay, t + 1);
  }
  throw new Error("The calendar has no working time in the next three years.");
}

/** Working time between two instants (for "how much of the SLA is left"). */
export function workingTimeBetween(from: Date, to: Date, cal: Calendar): number {
  let t = from.getTime();
  const end = to.getTime();
  let total = 0;
  for (let i = 0; i < MAX_DAYS && t < end; i++) {
    const w = windowOf(t, cal);
    const s = Math.max(t, w.start);
    const e = Math.min(end, w.end);
    if (e > s) total += e - s;
    t = Math.max(w.nextDay, t + 1);
  }
  return total;
}

/**
 * An ISO 8601 duration on the calendar's clock: days (and weeks) count working days, each as
 * long as the working window; hours, minutes and seconds count working time.
 */
export function durationToWorkingMs(parts: { weeks: number; days: number; ms: number }, cal: Calendar): number {
  const dayMs = (cal.endMinute - cal.startMinute) * 60_000;
  return (parts.weeks * cal.workingDays.length + parts.days) * dayMs + parts.ms;
}
