// ISO 8601 durations (`PT8H`, `P2D`): deadlines, escalation levels, retries and timeouts.

const DURATION_RE = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * ISO 8601 duration (`PT8H`, `P2D`, `PT0.5S`) in milliseconds; null when malformed. Years and
 * months are refused: their length depends on the calendar.
 */
export function parseDurationMs(s: string): number | null {
  const m = DURATION_RE.exec(s);
  if (!m || s === "P" || s.endsWith("T")) return null;
  const [, w, d, h, min, sec] = m.map((x) => (x === undefined ? 0 : Number(x)));
  const ms = (((w! * 7 + d!) * 24 + h!) * 60 + min!) * 60_000 + sec! * 1000;
  return Math.round(ms);
}
