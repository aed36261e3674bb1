import { onReplicaWithFreshness, raw, sql, type HeavyReader } from "../db";
import { requirePermission, type Actor } from "../identity/actor";
import { AppError, fromZodError } from "../errors";
import { taskReference } from "../references";
import { sodQuerySchema, type SodReport } from "./schemas";

// The separation-of-duties report (issue #22, ADR 045): the decisions people made in a period,
// and every one that broke the rule — someone approved a request of their own, or decided two
// steps of one case. The decision paths refuse both (sodConflict), so the report is normally
// empty; it is the auditor's evidence of that, so it says what it scanned, and it reads the
// stored decisions themselves (TaskApproval: every person's vote, four-eyes included; and a
// task's decider where no vote row exists, e.g. decisions made before votes were kept), not the
// rule that should have prevented them.

type Decision = {
  taskId: string;
  number: number;
  title: string;
  personId: string;
  personName: string;
  outcome: string;
  at: string;
  requestedById: string | null;
  instanceId: string | null;
  startedById: string | null;
  businessKey: string | null;
  process: string | null;
};

const UTC_ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * Every person decision in [from, to), with its task and case: one statement, read once. A scan of
 * a period's decisions: on the read replica when there is one (ADR 049).
 */
function decisionsIn(read: HeavyReader, from: string | null, to: string | null) {
  const inPeriod = (col: string) => sql`(${from}::timestamptz IS NULL OR ${raw(col)} >= (${from}::timestamptz AT TIME ZONE 'UTC'))
    AND (${to}::timestamptz IS NULL OR ${raw(col)} < (${to}::timestamptz AT TIME ZONE 'UTC'))`;
  return read.query<Decision>(sql`
    WITH decisions AS (
      SELECT a."taskId", a."approverId" AS "personId", a."approverName" AS "personName", a.outcome, a."createdAt" AS at
        FROM "TaskApproval" a
       WHERE ${inPeriod(`a."createdAt"`)}
      UNION ALL
      SELECT t.id, t."decidedById", u.name, t.outcome, t."decidedAt"
        FROM "Task" t JOIN "User" u ON u.id = t."decidedById"
       WHERE t.status = 'DECIDED' AND ${inPeriod(`t."decidedAt"`)}
         AND NOT EXISTS (SELECT 1 FROM "TaskApproval" a WHERE a."taskId" = t.id AND a."approverId" = t."decidedById")
    )
    SELECT d."taskId", t.number, t.title, d."personId", d."personName", d.outcome,
           to_char(d.at, ${raw(UTC_ISO)}) AS at,
           t."requestedById", t."instanceId", i."startedById", i."businessKey", def.key AS process
      FROM decisions d
      JOIN "Task" t ON t.id = d."taskId"
      LEFT JOIN "ProcessInstance" i ON i.id = t."instanceId"
      LEFT JOIN "ProcessDefinition" def ON def.id = i."definitionId"
     ORDER BY d.at, d."taskId"`);
}

/** Auditors and admins (and machines with audit:read): the report spans every team. */
export async function separationOfDutiesReport(actor: Actor, rawQuery: unknown): Promise<SodReport> {
  requirePermission(actor, "audit:read");
  if (actor.type === "USER" && actor.role !== "ADMIN" && actor.role !== "AUDITOR") {
    throw new AppError("FORBIDDEN", "Only auditors and admins read the separation-of-duties report.");
  }
  const parsed = sodQuerySchema.safeParse(rawQuery);
  if (!parsed.success) throw fromZodError(parsed.error, "Query");
  const from = parsed.data.from ?? null;
  const to = parsed.data.to ?? null;
  if (from && to && new Date(from) >= new Date(to)) {
    throw new AppError("VALIDATION_FAILED", "`from` must be before `to`", { fieldErrors: [{ path: "from", message: "must be before to" }] });
  }
  const checkedAt = new Date().toISOString();
  const { value: rows, freshness } = await onReplicaWithFreshness("separation-of-duties report", (read) => decisionsIn(read, from, to));
  const task = (d: Decision) => ({ id: d.taskId, reference: taskReference(Number(d.number)), title: d.title });

  const selfApprovals: SodReport["selfApprovals"] = [];
  for (const d of rows) {
    if (d.outcome === "reject") continue;
    const requesterOf = d.personId === d.requestedById ? "task" : d.personId === d.startedById ? "case" : null;
    if (requesterOf) selfApprovals.push({ task: task(d), person: { id: d.personId, name: d.personName }, outcome: d.outcome, decidedAt: d.at, requesterOf });
  }

  const byCasePerson = new Map<string, Decision[]>();
  for (const d of rows) {
    if (!d.instanceId) continue;
    const key = `${d.instanceId}\u0000${d.personId}`;
    byCasePerson.set(key, [...(byCasePerson.get(key) ?? []), d]);
  }
  const repeatDeciders: SodReport["repeatDeciders"] = [];
  for (const list of byCasePerson.values()) {
    if (new Set(list.map((d) => d.taskId)).size < 2) continue;
    const d = list[0]!;
    repeatDeciders.push({
      case: { id: d.instanceId!, process: d.process ?? "", businessKey: d.businessKey },
      person: { id: d.personId, name: d.personName },
      decisions: list.map((x) => ({ task: task(x), outcome: x.outcome, decidedAt: x.at })),
    });
  }

  return {
    period: { from, to },
    checkedAt,
    freshness,
    scanned: {
      decisions: rows.length,
      tasks: new Set(rows.map((d) => d.taskId)).size,
      cases: new Set(rows.map((d) => d.instanceId).filter(Boolean)).size,
      withRequester: rows.filter((d) => d.requestedById || d.startedById).length,
    },
    selfApprovals,
    repeatDeciders,
  };
}
