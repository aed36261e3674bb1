import { join, query, sql, type Sql } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { decodeCursor, encodeCursor } from "./repository";
import { orgChartQuerySchema, type OrgChartNode, type OrgChartPage } from "./schemas";

// The org chart (issue #20): reporting lines (User.supervisorId, ADR 031) one level at a time, so
// a chart of 10,000 people is opened branch by branch, never rendered whole. A page of one
// manager's direct reports is one range of the ("supervisorId", "name", "id") index; each row's
// open load and number of reports are index lookups too (tests/org-scale.int.test.ts holds the plan).

interface NodeRow {
  id: string;
  name: string;
  email: string;
  role: OrgChartNode["role"];
  openLoad: number;
  reports: number;
  path: { id: string; name: string }[] | null;
}

/** The statement of one page: exported for the plan test. */
export function orgChartSql(q: { manager?: string; q?: string; limit: number }, after: { name: string; id: string } | null): Sql {
  const where: Sql[] = [sql`u."active"`, sql`u."kind" = 'PERSON'`];
  if (q.q) where.push(sql`(u."name" ILIKE ${`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} OR u."email" ILIKE ${`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})`);
  else if (q.manager) where.push(sql`u."supervisorId" = ${q.manager}`);
  else where.push(sql`u."supervisorId" IS NULL`);
  if (after) where.push(sql`(u."name", u."id") > (${after.name}, ${after.id})`);
  // A search shows where each match sits: their managers, top first (at most 50 steps up).
  const path = q.q
    ? sql`(SELECT json_agg(json_build_object('id', up."id", 'name', up."name") ORDER BY up."depth" DESC) FROM (
         WITH RECURSIVE chain("id", "name", "supervisorId", "depth") AS (
           SELECT m."id", m."name", m."supervisorId", 1 FROM "User" m WHERE m."id" = u."supervisorId"
           UNION ALL
           SELECT m."id", m."name", m."supervisorId", c."depth" + 1 FROM "User" m JOIN chain c ON m."id" = c."supervisorId" WHERE c."depth" < 50
         ) SELECT "id", "name", "depth" FROM chain) up)`
    : sql`NULL::json`;
  return sql`SELECT u."id", u."name", u."email", u."role"::text AS "role",
      (SELECT count(*)::int FROM "Task" t WHERE t."assigneeId" = u."id" AND t."status" IN ('OPEN', 'INFO_REQUESTED')) AS "openLoad",
      (SELECT count(*)::int FROM "User" r WHERE r."supervisorId" = u."id" AND r."active" AND r."kind" = 'PERSON') AS "reports",
      ${path} AS "path"
    FROM "User" u WHERE ${join(where, " AND ")} ORDER BY u."name", u."id" LIMIT ${q.limit + 1}`;
}

/** One level of the chart (a manager's direct reports, or the people at the top), or a search anywhere in it. */
export async function orgChart(actor: Actor, rawQuery: unknown): Promise<OrgChartPage> {
  requirePermission(actor, "users:read");
  const q = parse(orgChartQuerySchema, rawQuery ?? {}, "Query");
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  if (q.cursor && !after) throw new AppError("VALIDATION_FAILED", "The cursor is not one this list gave.", { fieldErrors: [{ path: "cursor", message: "invalid cursor" }] });
  const rows = await query<NodeRow>(orgChartSql(q, after));
  const page = rows.slice(0, q.limit).map((r) => ({ ...r, path: r.path ?? [] }));
  const last = page[page.length - 1];
  return { data: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}
