import { query, sql } from "../db";
import { deliverNotificationsDetailed, type NotificationDraft } from "./deliver";

// The daily digest (issue #22): people who chose it (kind "digest.daily", e-mail) get, once a day
// from DIGEST_HOUR in their own time zone, one e-mail listing the notifications they have not read
// yet — none when there are none. The worker's sweep (workers/schedules.ts) runs every quarter of
// an hour; the digest is an ordinary notification (e-mail only) whose dedupe key is the person's
// local date, so however often the sweep runs, or if the worker was down at 07:00, each person
// gets at most one a day, through the same delivery, preference check and SMTP path as any other.

export const DIGEST_KIND = "digest.daily";
/** Local hour from which the day's digest goes out. */
export const DIGEST_HOUR = 7;
/** Lines listed in one e-mail; the rest are counted. */
const LISTED = 20;

interface Subscriber {
  userId: string;
  timeZone: string;
}

/** The person's local date and hour at `now` ("2026-12-07", 7); UTC when the zone is unknown. */
export function localDayAndHour(now: Date, timeZone: string): { day: string; hour: number } {
  const fmt = (zone: string) =>
    new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" }).formatToParts(now);
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = fmt(timeZone);
  } catch {
    parts = fmt("UTC");
  }
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { day: `${get("year")}-${get("month")}-${get("day")}`, hour: Number(get("hour")) };
}

/** Pure: the digest's title and body for these unread notifications (newest first). */
export function digestContent(unread: { title: string }[]): { title: string; body: string } {
  const n = unread.length;
  const lines = unread.slice(0, LISTED).map((u) => `• ${u.title}`);
  if (n > LISTED) lines.push(`… and ${n - LISTED} more`);
  return { title: `${n} unread ${n === 1 ? "notification" : "notifications"} in Baton`, body: lines.join("\n") };
}

/**
 * Sends the day's digest to everyone who chose it and is past DIGEST_HOUR locally, with unread
 * notifications since their previous digest (at most the last day). Returns how many went out.
 */
export async function sendDailyDigests(now = new Date()): Promise<number> {
  const subscribers = await query<Subscriber>(sql`
    SELECT u."id" AS "userId", u."timeZone" FROM "NotificationPreference" p JOIN "User" u ON u."id" = p."userId"
     WHERE p."kind" = ${DIGEST_KIND} AND p."channel" = 'EMAIL' AND p."enabled" AND u."active"`);
  const due = subscribers.map((s) => ({ ...s, ...localDayAndHour(now, s.timeZone) })).filter((s) => s.hour >= DIGEST_HOUR);
  if (due.length === 0) return 0;
  const dayAgo = new Date(now.getTime() - 86_400_000);
  // Unread bell notifications since the person's previous digest (or a day), newest first; the
  // digest's own key is skipped when today's was sent already.
  const unread = await query<{ userId: string; title: string }>(sql`
    SELECT n."userId", n."title" FROM "Notification" n
     WHERE n."userId" = ANY(${due.map((d) => d.userId)}::text[]) AND n."inApp" AND n."readAt" IS NULL AND n."kind" <> ${DIGEST_KIND}
       AND n."createdAt" > GREATEST(${dayAgo.toISOString()}::timestamptz AT TIME ZONE 'UTC',
             COALESCE((SELECT max(d."createdAt") FROM "Notification" d WHERE d."userId" = n."userId" AND d."kind" = ${DIGEST_KIND}), '-infinity'::timestamp))
     ORDER BY n."createdAt" DESC`);
  const byUser = new Map<string, { title: string }[]>();
  for (const u of unread) byUser.set(u.userId, [...(byUser.get(u.userId) ?? []), u]);
  const drafts: NotificationDraft[] = [];
  for (const d of due) {
    const list = byUser.get(d.userId);
    if (!list?.length) continue;
    drafts.push({ userId: d.userId, kind: DIGEST_KIND, dedupeKey: `digest:${d.userId}:${d.day}`, ...digestContent(list) });
  }
  return (await deliverNotificationsDetailed(drafts)).length;
}
