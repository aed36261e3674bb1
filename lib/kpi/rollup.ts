import { columnKinds, db, NOW, query, sql, transaction, ts, type Row, type Tx } from "../db";
import { logger } from "../logger";
import { bucketOf, bucketSql, emptyHistogram } from "./histogram";

// Incremental KPI rollups (docs/decisions/010-kpi-rollups.md). A refresh recomputes whole UTC
// days, from the day of the previous run's watermark (minus a safety margin for transactions
// that committed late) through today: it deletes those days' rollup rows and rebuilds them from
// the source tables, using indexes on startedAt / endedAt / decidedAt, in one transaction.
// Re-running is harmless (the same days get the same rows). A full rebuild (or a rebuild from a
// given day) covers history loaded by a migration, the seed or a benchmark.

const STATE = "kpis";
/** Work that commits late (long transactions, clock skew) still lands in a recomputed day. */
const SAFETY_MARGIN_MS = 60 * 60 * 1000;
const DAY_MS = 86_400_000;

interface RefreshResult {
  from: string;
  to: string;
  days: number;
  instanceRows: number;
  stepRows: number;
  decisionRows: number;
  ms: number;
}

const utcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/** Days recomputed per transaction: a rebuild of a year's history commits in bounded pieces. */
const CHUNK_DAYS = 7;

/** Recomputes the days touched since the last refresh (all history with `rebuild`, or from `since`). */
export async function refreshKpiRollups(opts: { rebuild?: boolean; since?: Date; now?: Date } = {}): Promise<RefreshResult> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const state = await db().kpiRollupState.findUnique({ where: { name: STATE } });
  let from: Date;
  if (opts.since) from = utcDay(opts.since);
  else if (opts.rebuild || !state) from = await earliestDay(now);
  else from = utcDay(new Date(state.watermark.getTime() - SAFETY_MARGIN_MS));
  const to = new Date(utcDay(now).getTime() + DAY_MS);
  const counts = { instanceRows: 0, stepRows: 0, decisionRows: 0 };
  for (let lo = from.getTime(); lo < to.getTime(); lo += CHUNK_DAYS * DAY_MS) {
    const hi = Math.min(to.getTime(), lo + CHUNK_DAYS * DAY_MS);
    const c = await transaction(async (tx) => {
      // One refresh of a day range at a time (the worker, the seed and a bench may all ask);
      // the same days recomputed twice give the same rows.
      await tx.query(sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended('kpi-rollup-refresh', 0))`);
      return recomputeDays(tx, new Date(lo), new Date(hi));
    });
    counts.instanceRows += c.instanceRows;
    counts.stepRows += c.stepRows;
    counts.decisionRows += c.decisionRows;
  }
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  const ms = Date.now() - started;
  // The watermark only moves forward (a `since` refresh of old days must not move it back).
  const watermark = state && state.watermark > now ? state.watermark : now;
  await query(sql`
    INSERT INTO "KpiRollupState" ("name", "watermark", "lastRunAt", "lastDurationMs", "daysRefreshed")
    VALUES (${STATE}, ${ts(watermark)}, ${NOW}, ${ms}::int, ${days}::int)
    ON CONFLICT ("name") DO UPDATE SET "watermark" = EXCLUDED."watermark", "lastRunAt" = EXCLUDED."lastRunAt",
      "lastDurationMs" = EXCLUDED."lastDurationMs", "daysRefreshed" = EXCLUDED."daysRefreshed"`);
  const result = { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10), days, ...counts, ms };
  logger.debug(result, "kpi rollups refreshed");
  return result;
}

/**
 * When the rollups were last refreshed (shown on the dashboard), or null if never; read with the
 * reader of the figures it dates (the replica's, when the dashboard reads there).
 */
export async function rollupState(read: { db: () => Pick<ReturnType<typeof db>, "kpiRollupState"> } = { db }): Promise<{ lastRunAt: string; watermark: string; lastDurationMs: number } | null> {
  const s = await read.db().kpiRollupState.findUnique({ where: { name: STATE } });
  return s ? { lastRunAt: s.lastRunAt.toISOString(), watermark: s.watermark.toISOString(), lastDurationMs: s.lastDurationMs } : null;
}

async function earliestDay(now: Date): Promise<Date> {
  const rows = await query<{ first: Date | null }>(sql`SELECT min("startedAt") AS first FROM "ProcessInstance"`);
  return utcDay(rows[0]?.first ?? now);
}

type Hist = number[];
const hist = (): Hist => emptyHistogram();
const n = (v: unknown) => Number(v ?? 0);

/** One KpiInstanceDay row (the dashboard reads the same shape back). */
export interface InstanceAgg {
  definitionId: string;
  processKey: string;
  version: number;
  day: string;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
  reworked: number;
  cycleCount: number;
  cycleSumMs: number;
  cycleHist: Hist;
}

/** One KpiStepDay row. */
export interface StepAgg {
  definitionId: string;
  processKey: string;
  version: number;
  stepId: string;
  stepType: string;
  day: string;
  runs: number;
  failed: number;
  attempts: number;
  durationSumMs: number;
  durationHist: Hist;
  handoffCount: number;
  handoffSumMs: number;
  handoffHist: Hist;
  tasks: number;
  firstActionCount: number;
  firstActionSumMs: number;
  firstActionHist: Hist;
  slaTasks: number;
  slaBreached: number;
  escalated: number;
  infoRequested: number;
}

/** The audit actions that count as a person acting on a task (time to first action). */
const FIRST_ACTION_ACTIONS = ["task.claimed", "task.approval_recorded", "task.approved", "task.rejected", "task.decided", "task.info_requested", "task.commented"];

async function recomputeDays(tx: Tx, from: Date, to: Date) {
  await tx.write(sql`DELETE FROM "KpiInstanceDay" WHERE "day" >= ${from}::date AND "day" < ${to}::date`);
  await tx.write(sql`DELETE FROM "KpiStepDay" WHERE "day" >= ${from}::date AND "day" < ${to}::date`);
  await tx.write(sql`DELETE FROM "KpiDecisionDay" WHERE "day" >= ${from}::date AND "day" < ${to}::date`);

  // ── Instances: started per day, and ended per day with cycle time and rework ──────────────
  const instances = new Map<string, InstanceAgg>();
  const inst = (definitionId: string, processKey: string, version: number, day: string) => {
    const k = `${definitionId}|${day}`;
    let a = instances.get(k);
    if (!a) {
      a = { definitionId, processKey, version, day, started: 0, completed: 0, failed: 0, cancelled: 0, reworked: 0, cycleCount: 0, cycleSumMs: 0, cycleHist: hist() };
      instances.set(k, a);
    }
    return a;
  };
  const startedRows = await tx.query<{ definitionId: string; key: string; version: number; day: string; n: bigint }>(`SELECT i."definitionId", d.key, d.version, to_char(i."startedAt", 'YYYY-MM-DD') AS day, count(*) AS n
       FROM "ProcessInstance" i JOIN "ProcessDefinition" d ON d.id = i."definitionId"
      WHERE i."startedAt" >= $1 AND i."startedAt" < $2
      GROUP BY 1, 2, 3, 4`, [from, to]);
  for (const r of startedRows) inst(r.definitionId, r.key, r.version, r.day).started += n(r.n);

  const cycleMs = `EXTRACT(EPOCH FROM (i."endedAt" - i."startedAt")) * 1000`;
  const endedRows = await tx.query<{ definitionId: string; key: string; version: number; day: string; status: string; reworked: boolean; bucket: number; n: bigint; sum_ms: number }>(`SELECT i."definitionId", d.key, d.version, to_char(i."endedAt", 'YYYY-MM-DD') AS day, i.status::text AS status,
            (EXISTS (SELECT 1 FROM "StepRun" s WHERE s."instanceId" = i.id AND s.status = 'COMPLETED'
                      GROUP BY s."stepId" HAVING count(*) > 1)
             OR EXISTS (SELECT 1 FROM "Task" t JOIN "Comment" c ON c."taskId" = t.id AND c.kind = 'QUESTION'
                         WHERE t."instanceId" = i.id)) AS reworked,
            ${bucketSql(cycleMs)} AS bucket, count(*) AS n, COALESCE(sum(${cycleMs}), 0)::float8 AS sum_ms
       FROM "ProcessInstance" i JOIN "ProcessDefinition" d ON d.id = i."definitionId"
      WHERE i."endedAt" >= $1 AND i."endedAt" < $2 AND i.status IN ('COMPLETED', 'FAILED', 'CANCELLED')
      GROUP BY 1, 2, 3, 4, 5, 6, 7`, [from, to]);
  for (const r of endedRows) {
    const a = inst(r.definitionId, r.key, r.version, r.day);
    const c = n(r.n);
    if (r.status === "COMPLETED") {
      a.completed += c;
      a.cycleCount += c;
      a.cycleSumMs += n(r.sum_ms);
      a.cycleHist[r.bucket]! += c;
    } else if (r.status === "FAILED") a.failed += c;
    else a.cancelled += c;
    if (r.reworked) a.reworked += c;
  }

  // ── Steps: runs that ended per day; handoff; human tasks of those runs ────────────────────
  const steps = new Map<string, StepAgg>();
  const step = (r: { definitionId: string; key: string; version: number; stepId: string; type: string; day: string }) => {
    const k = `${r.definitionId}|${r.stepId}|${r.day}`;
    let a = steps.get(k);
    if (!a) {
      a = {
        definitionId: r.definitionId,
        processKey: r.key,
        version: r.version,
        stepId: r.stepId,
        stepType: r.type,
        day: r.day,
        runs: 0,
        failed: 0,
        attempts: 0,
        durationSumMs: 0,
        durationHist: hist(),
        handoffCount: 0,
        handoffSumMs: 0,
        handoffHist: hist(),
        tasks: 0,
        firstActionCount: 0,
        firstActionSumMs: 0,
        firstActionHist: hist(),
        slaTasks: 0,
        slaBreached: 0,
        escalated: 0,
        infoRequested: 0,
      };
      steps.set(k, a);
    }
    return a;
  };
  type Base = { definitionId: string; key: string; version: number; stepId: string; type: string; day: string };
  const runsCte = `
    WITH runs AS (
      SELECT s.id, s."instanceId", s."stepId", s.type, s.status, s.attempts, s."startedAt", s."endedAt",
             i."definitionId", d.key, d.version, to_char(s."endedAt", 'YYYY-MM-DD') AS day,
             COALESCE((SELECT p."endedAt" FROM "StepRun" p
                        WHERE p."instanceId" = s."instanceId" AND (p."startedAt", p.id) < (s."startedAt", s.id)
                        ORDER BY p."startedAt" DESC, p.id DESC LIMIT 1), i."startedAt") AS prev_end,
             COALESCE(CASE WHEN jsonb_typeof(s."attemptLog") = 'array' AND jsonb_array_length(s."attemptLog") > 0
                           THEN (s."attemptLog"->0->>'startedAt')::timestamptz AT TIME ZONE 'UTC' END,
                      s."startedAt") AS work_start
        FROM "StepRun" s
        JOIN "ProcessInstance" i ON i.id = s."instanceId"
        JOIN "ProcessDefinition" d ON d.id = i."definitionId"
       WHERE s."endedAt" >= $1 AND s."endedAt" < $2 AND s.status IN ('COMPLETED', 'FAILED', 'SKIPPED')
    )`;
  const durMs = `EXTRACT(EPOCH FROM (r."endedAt" - r."startedAt")) * 1000`;
  const runRows = await tx.query<(Base & { failed: bigint; attempts: bigint; bucket: number; n: bigint; sum_ms: number })>(`${runsCte}
     SELECT r."definitionId", r.key, r.version, r."stepId", r.type, r.day, ${bucketSql(durMs)} AS bucket,
            count(*) AS n, count(*) FILTER (WHERE r.status = 'FAILED') AS failed, COALESCE(sum(r.attempts), 0) AS attempts,
            COALESCE(sum(${durMs}), 0)::float8 AS sum_ms
       FROM runs r GROUP BY 1, 2, 3, 4, 5, 6, 7`, [from, to]);
  for (const r of runRows) {
    const a = step(r);
    const c = n(r.n);
    a.runs += c;
    a.failed += n(r.failed);
    a.attempts += n(r.attempts);
    a.durationSumMs += n(r.sum_ms);
    a.durationHist[r.bucket]! += c;
  }

  // Automated steps: handoff = previous step's end (or the instance's start) → first attempt.
  const handoffMs = `GREATEST(0, EXTRACT(EPOCH FROM (r.work_start - r.prev_end)) * 1000)`;
  const autoRows = await tx.query<(Base & { bucket: number; n: bigint; sum_ms: number })>(`${runsCte}
     SELECT r."definitionId", r.key, r.version, r."stepId", r.type, r.day, ${bucketSql(handoffMs)} AS bucket,
            count(*) AS n, COALESCE(sum(${handoffMs}), 0)::float8 AS sum_ms
       FROM runs r WHERE r.type <> 'human' GROUP BY 1, 2, 3, 4, 5, 6, 7`, [from, to]);
  for (const r of autoRows) {
    const a = step(r);
    a.handoffCount += n(r.n);
    a.handoffSumMs += n(r.sum_ms);
    a.handoffHist[r.bucket]! += n(r.n);
  }

  // Human steps: the run's tasks. First action = the earliest of a person's claim, vote,
  // decision, question or comment (audit), else the task's own claimedAt / decidedAt.
  const actions = FIRST_ACTION_ACTIONS.map((a) => `'${a}'`).join(", ");
  const taskRows = await tx.query<(Base & { prev_end: Date; created_at: Date; first_action: Date | null; due_at: Date | null; ended_at: Date; escalated: boolean; info_requested: boolean })>(`${runsCte}
     SELECT r."definitionId", r.key, r.version, r."stepId", r.type, r.day, r.prev_end,
            t."createdAt" AS created_at, t."dueAt" AS due_at, COALESCE(t."decidedAt", r."endedAt") AS ended_at,
            LEAST(t."claimedAt", CASE WHEN t."decidedById" IS NOT NULL THEN t."decidedAt" END, t."infoRequestedAt",
                  (SELECT min(a.at) FROM "AuditEntry" a WHERE a."taskId" = t.id AND a."actorType" IN ('USER', 'TOKEN')
                      AND a.action IN (${actions}))) AS first_action,
            (t."escalationLevel" > 0 OR t."escalatedAt" IS NOT NULL) AS escalated,
            EXISTS (SELECT 1 FROM "Comment" c WHERE c."taskId" = t.id AND c.kind = 'QUESTION') AS info_requested
       FROM runs r JOIN "Task" t ON t."instanceId" = r."instanceId" AND t."stepRunId" = r.id
      WHERE r.type = 'human'`, [from, to]);
  const hb = bucketOf;
  for (const r of taskRows) {
    const a = step(r);
    a.tasks++;
    if (r.first_action) {
      const fa = Math.max(0, r.first_action.getTime() - r.created_at.getTime());
      a.firstActionCount++;
      a.firstActionSumMs += fa;
      a.firstActionHist[hb(fa)]!++;
      // Handoff of a human step: previous step's end → the first person acting on its task.
      const ho = Math.max(0, r.first_action.getTime() - r.prev_end.getTime());
      a.handoffCount++;
      a.handoffSumMs += ho;
      a.handoffHist[hb(ho)]!++;
    }
    if (r.due_at) {
      a.slaTasks++;
      if (r.ended_at.getTime() > r.due_at.getTime()) a.slaBreached++;
    }
    if (r.escalated) a.escalated++;
    if (r.info_requested) a.infoRequested++;
  }

  // ── Decisions of process tasks by day, outcome and person ────────────────────────────────
  const decisionRows = await tx.query<{ definitionId: string; key: string; version: number; stepId: string; day: string; outcome: string; decider_id: string; decider_name: string; n: bigint }>(`SELECT i."definitionId", d.key, d.version, s."stepId", to_char(t."decidedAt", 'YYYY-MM-DD') AS day,
            COALESCE(t.outcome, '') AS outcome, COALESCE(t."decidedById", '') AS decider_id,
            COALESCE(max(u.name), 'Baton (automatic)') AS decider_name, count(*) AS n
       FROM "Task" t
       JOIN "ProcessInstance" i ON i.id = t."instanceId"
       JOIN "ProcessDefinition" d ON d.id = i."definitionId"
       JOIN "StepRun" s ON s.id = t."stepRunId"
       LEFT JOIN "User" u ON u.id = t."decidedById"
      WHERE t.status = 'DECIDED' AND t."decidedAt" >= $1 AND t."decidedAt" < $2
      GROUP BY 1, 2, 3, 4, 5, 6, 7`, [from, to]);

  // ── Write ─────────────────────────────────────────────────────────────────────────────────
  const instanceList = [...instances.values()];
  const stepList = [...steps.values()];
  await insertJson(tx, "KpiInstanceDay", instanceList);
  await insertJson(tx, "KpiStepDay", stepList);
  const decisionList = decisionRows.map((r) => ({
    definitionId: r.definitionId,
    processKey: r.key,
    version: r.version,
    stepId: r.stepId,
    day: r.day,
    outcome: r.outcome,
    deciderId: r.decider_id,
    deciderName: r.decider_name,
    count: n(r.n),
  }));
  await insertJson(tx, "KpiDecisionDay", decisionList);
  return { instanceRows: instanceList.length, stepRows: stepList.length, decisionRows: decisionList.length };
}

/**
 * Bulk insert through one jsonb parameter per chunk: the rows' fields are the table's columns, each
 * read as its kind in the schema (sums rounded to whole milliseconds).
 */
async function insertJson<T extends "KpiInstanceDay" | "KpiStepDay" | "KpiDecisionDay">(tx: Tx, table: T, rows: { [K in keyof Row<T>]?: unknown }[]): Promise<void> {
  if (rows.length === 0) return;
  const kinds = columnKinds(table);
  const columns = Object.keys(rows[0]!).map((c) => {
    const kind = kinds[c];
    if (!kind) throw new Error(`"${table}" has no column "${c}"`);
    return [c, kind] as const;
  });
  const cols = columns.map(([c]) => `"${c}"`).join(", ");
  const defs = columns.map(([c, t]) => `"${c}" ${t === "bigint" ? "float8" : t}`).join(", ");
  const select = columns.map(([c, t]) => (t === "bigint" ? `round("${c}")::bigint` : `"${c}"`)).join(", ");
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = JSON.stringify(rows.slice(i, i + 2000));
    await tx.query(`INSERT INTO "${table}" (${cols}) SELECT ${select} FROM jsonb_to_recordset($1::jsonb) AS r(${defs})`, [chunk]);
  }
}
