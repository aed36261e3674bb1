import { empty, join, raw, sql, ts, type Sql } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import type { UserScope } from "../identity/repository";
import { scopeOf } from "../identity/scope";
import { capabilities, visibilitySql } from "./access";
import { iso, toTaskDto } from "./dto";
import { isPriority, priorityKeysetSql, taskFilterSql, taskSortField } from "./filters";
import { findTasksPage } from "./repository";
import { taskListQuerySchema, type TaskListQuery, type TaskPage } from "./schemas";

// The inbox and every other task list: a view, filters, a sort and keyset pagination.

interface Cursor {
  k: string | null;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Cursor;
    if (typeof c.id !== "string" || (c.k !== null && typeof c.k !== "string") || (c.k && Number.isNaN(Date.parse(c.k)) && !isPriority(c.k))) throw new Error();
    return c;
  } catch {
    throw new AppError("VALIDATION_FAILED", "cursor is invalid: pass the nextCursor of a previous page", {
      fieldErrors: [{ path: "cursor", message: "invalid" }],
    });
  }
}

/**
 * Keyset pagination over (sortField, id). Open work sorts by due date, soonest first, tasks
 * without a due date last; decided work by decision time, newest first.
 */
function keysetSql(field: "dueAt" | "decidedAt" | "createdAt", dir: "asc" | "desc", cursor: Cursor | null): Sql | null {
  if (!cursor) return null;
  const col = raw(`t."${field}"`);
  if (cursor.k === null) return sql`(${col} IS NULL AND t."id" > ${cursor.id})`;
  const k = ts(cursor.k);
  const beyond = dir === "asc" ? sql`${col} > ${k}` : sql`${col} < ${k}`;
  return sql`(${beyond} OR (${col} = ${k} AND t."id" > ${cursor.id}) OR ${col} IS NULL)`;
}

const anyOf = (ids: string[]) => sql`ANY(${ids}::text[])`;

/**
 * A list view as one or more branches, each an indexable condition: the inbox is the union of
 * "assigned to me", "my groups' queue" and "asked of me", and runs as three index scans merged
 * (one OR across them makes PostgreSQL read and sort every open task of the group).
 */
function viewBranches(view: TaskListQuery["view"], actor: Actor, scope: UserScope): (Sql | null)[] {
  const me = actor.id ?? "";
  const mine = sql`t."assigneeId" = ${me} AND t."status" IN ('OPEN', 'INFO_REQUESTED')`;
  // A four-eyes task you approved waits for someone else: it leaves your queue. One branch a
  // group (up to 20), so each reads the partial index Task_group_queue_idx in due order.
  const queueOf = (groups: Sql) =>
    sql`t."assigneeId" IS NULL AND t."status" = 'OPEN' AND t."candidateGroupId" ${groups}
    AND NOT EXISTS (SELECT 1 FROM "TaskApproval" ap WHERE ap."taskId" = t."id" AND ap."approverId" = ${me})`;
  const groupQueue =
    scope.groupIds.length > 0 && scope.groupIds.length <= 20 ? scope.groupIds.map((g) => queueOf(sql`= ${g}`)) : [queueOf(sql`= ${anyOf(scope.groupIds)}`)];
  const askedOfMe = sql`t."infoRequestedOfId" = ${me} AND t."status" = 'INFO_REQUESTED'`;
  switch (view) {
    case "mine":
      return [mine];
    case "group":
      return groupQueue;
    case "asked":
      return [askedOfMe];
    case "inbox":
      return [mine, ...groupQueue, askedOfMe];
    case "decided":
      return [sql`t."decidedById" = ${me} AND t."status" = 'DECIDED'`];
    case "all":
      return [visibilitySql(actor, scope)];
  }
}

export async function listTasks(actor: Actor, rawQuery: unknown): Promise<TaskPage> {
  requirePermission(actor, "tasks:read");
  const q = parse(taskListQuerySchema, rawQuery, "Query");
  const scope = await scopeOf(actor);
  const cursor = q.cursor ? decodeCursor(q.cursor) : null;
  const { field, dir } = taskSortField(q);
  const after = field === "priority" ? priorityKeysetSql(cursor) : keysetSql(field, dir, cursor);
  const filters = [...taskFilterSql(q, { now: new Date(), timeZone: actor.timeZone }), ...(after ? [after] : [])];
  const col = raw(`"${field}"`);
  const order = (alias: string) =>
    raw(`${alias}${field === "priority" || field === "createdAt" ? `"${field}" ${dir.toUpperCase()}` : `"${field}" ${dir.toUpperCase()} NULLS LAST`}, ${alias}"id" ASC`);
  const take = q.limit + 1;
  const branchSql = viewBranches(q.view, actor, scope).map((b) => {
    const conds = [...(b ? [b] : []), ...filters];
    const where = conds.length ? sql`WHERE ${join(conds, " AND ")}` : empty;
    return sql`(SELECT t."id", t.${col} FROM "Task" t ${where} ORDER BY ${order("t.")} LIMIT ${take})`;
  });
  // The page's ids and their rows in one statement (one round trip, not two).
  const ids =
    branchSql.length === 1 ? sql`SELECT x."id" FROM ${branchSql[0]!} x` : sql`SELECT x."id" FROM (${join(branchSql, " UNION ")}) x ORDER BY ${order("x.")} LIMIT ${take}`;
  const rows = await findTasksPage(ids, order("t."));
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((t) => toTaskDto(t, capabilities(actor, scope, t))),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ k: field === "priority" ? last.priority : iso(last[field]), id: last.id }) : null,
  };
}
