import { sql, ts, type Sql } from "../db";
import { TASK_PRIORITIES, type TaskListQuery, type TaskPriority } from "./schemas";
import { TZDate } from "@date-fns/tz";
import { addDays, addWeeks, startOfDay, startOfISOWeek } from "date-fns";

// Inbox filters and sorting on top of a view's WHERE clause.

/**
 * "Today" and "this week" (ISO week: it ends Monday 00:00) in the person's time zone — their
 * setting, UTC for machines. Day and week boundaries follow the zone's DST changes.
 */
export function dueWindow(due: NonNullable<TaskListQuery["due"]>, now: Date, timeZone = "UTC"): { dueAt: { gte?: Date; lt: Date } } {
  if (due === "overdue") return { dueAt: { lt: now } };
  const dayStart = startOfDay(new TZDate(now.getTime(), timeZone));
  if (due === "today") return { dueAt: { gte: new Date(dayStart.getTime()), lt: new Date(addDays(dayStart, 1).getTime()) } };
  return { dueAt: { gte: new Date(dayStart.getTime()), lt: new Date(addWeeks(startOfISOWeek(dayStart), 1).getTime()) } };
}

/** Search words: up to 8, each must occur in the title or the context (case-insensitive). */
function searchWords(q: string): string[] {
  return q
    .split(/\s+/)
    .map((w) => w.trim())
    .filter(Boolean)
    .slice(0, 8);
}

function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The extra WHERE (on `Task t`) for the status, priority, due and search filters and the KPI
 * dashboard's drill-down: process ("*": any process) / step, outcome, decider ("" = decided by
 * Baton itself), decision window, SLA breach (a task that ended after its due time), escalated.
 * Search is one ILIKE a word on the same expression as the trigram index (migration
 * inbox_search_trgm): `ILIKE ALL (array)` would not use the index, separate clauses do.
 */
export function taskFilterSql(q: TaskListQuery, opts: { now: Date; timeZone?: string }): Sql[] {
  const and: Sql[] = [];
  if (q.status) and.push(sql`t."status" = ${q.status}::"TaskStatus"`);
  if (q.priority?.length) and.push(sql`t."priority" = ANY(${q.priority}::"TaskPriority"[])`);
  if (q.due) {
    const w = dueWindow(q.due, opts.now, opts.timeZone).dueAt;
    if (w.gte) and.push(sql`t."dueAt" >= ${ts(w.gte)}`);
    and.push(sql`t."dueAt" < ${ts(w.lt)}`);
  }
  if (q.process === "*") and.push(sql`t."instanceId" IS NOT NULL`);
  else if (q.process) {
    and.push(sql`EXISTS (SELECT 1 FROM "ProcessInstance" i JOIN "ProcessDefinition" d ON d."id" = i."definitionId"
                                 WHERE i."id" = t."instanceId" AND d."key" = ${q.process})`);
  }
  if (q.step) and.push(sql`EXISTS (SELECT 1 FROM "StepRun" s WHERE s."id" = t."stepRunId" AND s."stepId" = ${q.step})`);
  if (q.outcome) and.push(sql`t."outcome" = ${q.outcome} AND t."status" = 'DECIDED'::"TaskStatus"`);
  if (q.decidedBy !== undefined) {
    and.push(
      q.decidedBy === "" || q.decidedBy === "none"
        ? sql`t."decidedById" IS NULL AND t."status" = 'DECIDED'::"TaskStatus"`
        : sql`t."decidedById" = ${q.decidedBy} AND t."status" = 'DECIDED'::"TaskStatus"`,
    );
  }
  if (q.decidedFrom) and.push(sql`t."decidedAt" >= ${ts(`${q.decidedFrom}T00:00:00Z`)}`);
  if (q.decidedTo) and.push(sql`t."decidedAt" < ${ts(`${q.decidedTo}T00:00:00Z`)}`);
  if (q.breached) {
    and.push(sql`t."dueAt" IS NOT NULL AND t."status" IN ('DECIDED', 'CANCELLED') AND COALESCE(t."decidedAt", t."updatedAt") > t."dueAt"`);
  }
  if (q.escalated) and.push(sql`(t."escalationLevel" > 0 OR t."escalatedAt" IS NOT NULL)`);
  for (const w of q.q ? searchWords(q.q) : []) and.push(sql`(t."title" || ' ' || t."context"::text) ILIKE ${likePattern(w)}`);
  return and;
}

type SortField = "dueAt" | "decidedAt" | "createdAt" | "priority";

/** The list's sort: its field and direction (decided work newest first unless asked otherwise). */
export function taskSortField(q: TaskListQuery): { field: SortField; dir: "asc" | "desc" } {
  switch (q.sort) {
    case "priority":
      return { field: "priority", dir: "desc" };
    case "age":
      return { field: "createdAt", dir: "asc" };
    case "due":
      return { field: "dueAt", dir: "asc" };
    default:
      return q.view === "decided" ? { field: "decidedAt", dir: "desc" } : { field: "dueAt", dir: "asc" };
  }
}

const PRIORITY_ORDER: readonly TaskPriority[] = TASK_PRIORITIES;

/** Keyset continuation for the priority sort (most urgent first, then id). */
export function priorityKeysetSql(cursor: { k: string | null; id: string } | null): Sql | null {
  if (!cursor || !cursor.k || !isPriority(cursor.k)) return null;
  const lower = PRIORITY_ORDER.slice(0, PRIORITY_ORDER.indexOf(cursor.k));
  return sql`(t."priority" = ANY(${lower}::"TaskPriority"[]) OR (t."priority" = ${cursor.k}::"TaskPriority" AND t."id" > ${cursor.id}))`;
}

export function isPriority(s: string): s is TaskPriority {
  return (PRIORITY_ORDER as string[]).includes(s);
}
