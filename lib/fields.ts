import { z } from "zod";

// Field schemas shared by the domains' schemas.ts: what a value must be for the database to take
// it. A value that passes a schema must never fail in PostgreSQL (issue 19): an `Int` column is an
// int4, a `date`/`timestamp` holds real calendar days of years 1–9999, and text cannot hold NUL.
// Client-safe (zod only).

export const INT4_MIN = -2147483648;
export const INT4_MAX = 2147483647;

/** An integer an `Int` (int4) column holds. */
export const dbInt = () => z.number().int().min(INT4_MIN).max(INT4_MAX);

/** A query-string integer an `Int` column holds ("7" → 7). */
export const queryInt = () => z.coerce.number().int().min(INT4_MIN).max(INT4_MAX);

/** A row version (≥ 1), as If-Match or a body's `version` carries it. */
export const versionNumber = () => dbInt().min(1);

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})/;

/** `YYYY-MM-DD…` names a day that exists, in a year PostgreSQL's date takes as written (1–9999). */
export function isRealDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** A calendar day `YYYY-MM-DD` that exists (not 2026-13-45, not 0000-02-29). */
export const isoDay = (message = "must be a date YYYY-MM-DD") =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine(isRealDay, { message: `${message} that exists`, abort: true });

/** An ISO 8601 date-time with an offset, on a day that exists. */
export const isoDateTime = (message = "must be an ISO 8601 date-time") =>
  z.iso.datetime({ offset: true, error: message }).refine(isRealDay, { message: `${message} on a day that exists`, abort: true });

/** A day (`YYYY-MM-DD`) or a UTC time on it (`…T12:00:00Z`). */
export const isoDayOrTime = (message = "must be an ISO date (YYYY-MM-DD) or UTC time") =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?Z)?$/, message)
    .refine((s) => isRealDay(s) && (s.length === 10 || !Number.isNaN(Date.parse(s))), { message: `${message} that exists`, abort: true });

/** Text PostgreSQL can store: no NUL character. */
export const hasNoNul = (s: string) => !s.includes("\u0000");

/** A path or body id: 1–200 characters, no NUL. */
export const idString = () => z.string().min(1).max(200).refine(hasNoNul, { message: "must not contain NUL" });

/**
 * The first string inside a JSON value (keys included) that holds a NUL, as a field path; null
 * when there is none. PostgreSQL refuses NUL in text and in jsonb alike, so it is checked once on
 * every input (lib/http/input-guards.ts) rather than on each field.
 */
export function nulPath(value: unknown, path: (string | number)[] = []): string | null {
  if (typeof value === "string") return hasNoNul(value) ? null : path.join(".") || "(root)";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = nulPath(value[i], [...path, i]);
      if (p !== null) return p;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (!hasNoNul(k)) return [...path, k].join(".");
      const p = nulPath(v, [...path, k]);
      if (p !== null) return p;
    }
  }
  return null;
}
