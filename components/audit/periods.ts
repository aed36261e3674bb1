import { addDays, endOfQuarter, format, startOfQuarter, subQuarters } from "date-fns";

/** This quarter, the last one and the one before, as From/To dates (yyyy-MM-dd, To inclusive). */
export function quarterPresets(now: Date): { label: string; from: string; to: string }[] {
  return [0, 1, 2].map((back) => {
    const start = startOfQuarter(subQuarters(now, back));
    const label = back === 0 ? "This quarter" : back === 1 ? `Last quarter (Q${Math.floor(start.getMonth() / 3) + 1} ${start.getFullYear()})` : `Q${Math.floor(start.getMonth() / 3) + 1} ${start.getFullYear()}`;
    return { label, from: format(start, "yyyy-MM-dd"), to: format(endOfQuarter(start), "yyyy-MM-dd") };
  });
}

/** A From/To pair of local days as API instants: `from` at its start, `to` inclusive of its day. */
export function periodQuery(from: string, to: string): Record<string, string> {
  const q: Record<string, string> = {};
  if (/^\d{4}-\d{2}-\d{2}$/.test(from)) q.from = new Date(`${from}T00:00:00`).toISOString();
  if (/^\d{4}-\d{2}-\d{2}$/.test(to)) q.to = addDays(new Date(`${to}T00:00:00`), 1).toISOString();
  return q;
}
