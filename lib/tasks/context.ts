import { query, sql } from "../db";
import { requirePermission, type Actor } from "../identity/actor";
import { contextLayoutSchema, valueAt, type ContextLayout } from "../processes/context-layout";
import { taskReference } from "../references";
import { loadForAction, visibilitySql } from "./access";
import type { CaseDto, RelatedTaskDto } from "./context-schemas";

// The case around a task (issue #21/#22, ADR 040): one read for the task page. Everything in it
// is limited to what the caller can already see — other tasks of the case and earlier requests of
// the same party only through the task visibility rule (`visibilitySql`).

interface TaskSummaryRow {
  id: string;
  number: number;
  title: string;
  status: string;
  outcome: string | null;
  reason: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  instanceId: string | null;
}

const toRelated = (r: TaskSummaryRow): RelatedTaskDto => ({
  id: r.id,
  reference: taskReference(r.number),
  title: r.title,
  status: r.status,
  outcome: r.outcome,
  reason: r.reason,
  decidedBy: r.decidedByName,
  decidedAt: r.decidedAt?.toISOString() ?? null,
});

const HISTORY_LIMIT = 10;

export async function getTaskCase(actor: Actor, taskId: string): Promise<CaseDto> {
  requirePermission(actor, "tasks:read");
  const { task, scope } = await loadForAction(actor, taskId);
  const context = (task.context ?? {}) as Record<string, unknown>;
  const visible = visibilitySql(actor, scope) ?? sql`TRUE`;
  const taskSummary = (where: ReturnType<typeof sql>) =>
    query<TaskSummaryRow>(sql`SELECT t."id", t."number", t."title", t."status"::text AS "status", t."outcome", t."reason", u."name" AS "decidedByName", t."decidedAt", t."instanceId"
      FROM "Task" t LEFT JOIN "User" u ON u."id" = t."decidedById" WHERE ${where} AND ${visible} ORDER BY t."createdAt", t."id" LIMIT 200`);

  if (!task.instanceId) return { layout: null, values: context, request: null, timeline: [], relatedTasks: [], comments: [], history: null };

  const [instance] = await query<{ id: string; businessKey: string | null; status: string; startedAt: Date; startedByName: string | null; variables: Record<string, unknown>; key: string; name: string; document: { contextLayout?: unknown } }>(
    sql`SELECT i."id", i."businessKey", i."status"::text AS "status", i."startedAt", i."startedByName", i."variables", d."key", d."name", d."document"
        FROM "ProcessInstance" i JOIN "ProcessDefinition" d ON d."id" = i."definitionId" WHERE i."id" = ${task.instanceId}`,
  );
  if (!instance) return { layout: null, values: context, request: null, timeline: [], relatedTasks: [], comments: [], history: null };
  // Published documents were validated; a layout that no longer parses (an older shape) is left out, not an error.
  const parsed = contextLayoutSchema.safeParse(instance.document?.contextLayout);
  const layout: ContextLayout | null = parsed.success ? parsed.data : null;
  const values = { ...(instance.variables ?? {}), ...context };

  const [timeline, related] = await Promise.all([
    query<{ stepId: string; status: string; startedAt: Date; endedAt: Date | null }>(
      sql`SELECT "stepId", "status"::text AS "status", "startedAt", "endedAt" FROM "StepRun" WHERE "instanceId" = ${instance.id} AND "compensationOf" IS NULL ORDER BY "startedAt", "id" LIMIT 100`,
    ),
    taskSummary(sql`t."instanceId" = ${instance.id} AND t."id" <> ${task.id}`),
  ]);
  const relatedIds = related.map((r) => r.id);
  const comments = relatedIds.length
    ? await query<{ taskId: string; number: number; author: string; body: string; kind: string; createdAt: Date }>(
        sql`SELECT c."taskId", t."number", COALESCE(u."name", c."authorName") AS "author", c."body", c."kind"::text AS "kind", c."createdAt"
            FROM "Comment" c JOIN "Task" t ON t."id" = c."taskId" LEFT JOIN "User" u ON u."id" = c."authorId"
            WHERE c."taskId" = ANY(${relatedIds}::text[]) ORDER BY c."createdAt" LIMIT 100`,
      )
    : [];

  let history: CaseDto["history"] = null;
  const partyValue = layout?.history ? valueAt(values, layout.history.path) : undefined;
  if (layout?.history && (typeof partyValue === "string" || typeof partyValue === "number")) {
    const path = layout.history.path.split(".");
    const earlier = await query<{ id: string; businessKey: string | null; status: string; startedAt: Date }>(
      sql`SELECT i."id", i."businessKey", i."status"::text AS "status", i."startedAt"
          FROM "ProcessInstance" i JOIN "ProcessDefinition" d ON d."id" = i."definitionId"
          WHERE d."key" = ${instance.key} AND i."id" <> ${instance.id} AND i."variables" #>> ${path}::text[] = ${String(partyValue)}
            AND EXISTS (SELECT 1 FROM "Task" t WHERE t."instanceId" = i."id" AND ${visible})
          ORDER BY i."startedAt" DESC LIMIT ${HISTORY_LIMIT}`,
    );
    const decisions = earlier.length ? await taskSummary(sql`t."instanceId" = ANY(${earlier.map((e) => e.id)}::text[])`) : [];
    history = {
      label: layout.history.label,
      value: String(partyValue),
      requests: earlier.map((e) => ({
        id: e.id,
        businessKey: e.businessKey,
        status: e.status,
        startedAt: e.startedAt.toISOString(),
        decisions: decisions.filter((d) => d.instanceId === e.id).map(toRelated),
      })),
    };
  }

  return {
    layout,
    values,
    request: { id: instance.id, process: instance.key, processName: instance.name, businessKey: instance.businessKey, status: instance.status, startedAt: instance.startedAt.toISOString(), startedBy: instance.startedByName },
    timeline: timeline.map((s) => ({ stepId: s.stepId, status: s.status, startedAt: s.startedAt.toISOString(), endedAt: s.endedAt?.toISOString() ?? null })),
    relatedTasks: related.map(toRelated),
    comments: comments.map((c) => ({ taskId: c.taskId, reference: taskReference(c.number), author: c.author, body: c.body, kind: c.kind, createdAt: c.createdAt.toISOString() })),
    history,
  };
}
