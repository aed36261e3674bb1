import { query, sql, type Prisma } from "../db";
import type { z } from "zod";
import type { instanceListQuerySchema } from "./schemas";

// The instance list's drill-down filters (the dashboard links every number to the instances
// behind it with these): time windows on start and end, a step's runs, and rework — defined
// exactly as the rollups define them (lib/kpi/rollup.ts).

type Query = z.infer<typeof instanceListQuerySchema>;
const at = (s: string) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s);
/** Rework drill-down lists at most this many instances (a page of the list shows 50). */
const REWORK_CAP = 5000;

export async function drillDownWhere(q: Query): Promise<Prisma.ProcessInstanceWhereInput> {
  const and: Prisma.ProcessInstanceWhereInput[] = [];
  if (q.startedFrom) and.push({ startedAt: { gte: at(q.startedFrom) } });
  if (q.startedTo) and.push({ startedAt: { lt: at(q.startedTo) } });
  if (q.step || q.stepStatus) {
    const endedAt = { ...(q.endedFrom ? { gte: at(q.endedFrom) } : {}), ...(q.endedTo ? { lt: at(q.endedTo) } : {}) };
    and.push({ stepRuns: { some: { ...(q.step ? { stepId: q.step } : {}), ...(q.stepStatus ? { status: q.stepStatus } : { status: { in: ["COMPLETED", "FAILED", "SKIPPED"] } }), ...(q.endedFrom || q.endedTo ? { endedAt } : {}) } } });
  } else {
    if (q.endedFrom) and.push({ endedAt: { gte: at(q.endedFrom) } });
    if (q.endedTo) and.push({ endedAt: { lt: at(q.endedTo) } });
  }
  if (q.rework) {
    const from = q.endedFrom ? at(q.endedFrom) : null;
    const to = q.endedTo ? at(q.endedTo) : null;
    const rows = await query<{ id: string }>(sql`
      SELECT i.id FROM "ProcessInstance" i JOIN "ProcessDefinition" d ON d.id = i."definitionId"
       WHERE i.status IN ('COMPLETED', 'FAILED', 'CANCELLED')
         AND (${from}::timestamp IS NULL OR i."endedAt" >= ${from}::timestamp)
         AND (${to}::timestamp IS NULL OR i."endedAt" < ${to}::timestamp)
         AND (${q.process ?? null}::text IS NULL OR d.key = ${q.process ?? null}::text)
         AND (EXISTS (SELECT 1 FROM "StepRun" s WHERE s."instanceId" = i.id AND s.status = 'COMPLETED' GROUP BY s."stepId" HAVING count(*) > 1)
              OR EXISTS (SELECT 1 FROM "Task" t JOIN "Comment" c ON c."taskId" = t.id AND c.kind = 'QUESTION' WHERE t."instanceId" = i.id))
       LIMIT ${REWORK_CAP}`);
    and.push({ id: { in: rows.map((r) => r.id) } });
  }
  return and.length ? { AND: and } : {};
}
