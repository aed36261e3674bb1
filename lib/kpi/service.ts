import { join, onReplicaWithFreshness, sql, type HeavyReader } from "../db";
import { AppError, fromZodError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { countOf, emptyHistogram, mergeInto, percentiles } from "./histogram";
import { rollupState, type InstanceAgg, type StepAgg } from "./rollup";
import { kpiQuerySchema, type DurationKpi, type KpiDashboard, type KpiQuery, type ProcessKpis, type RateKpi, type SeriesPoint, type StepKpis } from "./schemas";
import { listVersionSplits } from "../processes/split";
import { formatDuration } from "./format";

// The KPI dashboard, read from the rollup tables only (lib/kpi/rollup.ts): a 30-day view reads
// one row per process version and day, one per step and day, and the decisions grouped in SQL.
// Definitions of every number: docs/decisions/010-kpi-rollups.md and README "Observability".

const DAY_MS = 86_400_000;
/** Step kinds that are not automated work: a person decides, an event is awaited, or the instance ends. */
const NOT_AUTOMATED = new Set(["human", "wait", "end"]);
/** Maximum period a dashboard covers (rollups are daily; a year is 365 rows per version). */
const MAX_DAYS = 366;

/** A histogram as SQL sums it: {bucket (1-based): count} for the non-empty buckets. */
type Sparse = Record<string, number>;
type SparseRow<R, K extends keyof R> = Omit<R, K> & { [P in K]: Sparse | null };

function dense(h: Sparse | null): number[] {
  const out = emptyHistogram();
  if (h) for (const [i, v] of Object.entries(h)) out[Number(i) - 1] = (out[Number(i) - 1] ?? 0) + v;
  return out;
}

// Rows as read back: bigint sums arrive as bigint, histograms may be empty arrays.
type InstanceRow = Omit<InstanceAgg, "cycleSumMs" | "cycleHist" | "day" | "definitionId"> & { cycleSumMs: bigint | number; cycleHist: number[] | null };
type StepRow = Omit<StepAgg, "day" | "definitionId" | "durationSumMs" | "durationHist" | "handoffSumMs" | "handoffHist" | "firstActionSumMs" | "firstActionHist"> & {
  durationSumMs: bigint | number;
  durationHist: number[] | null;
  handoffSumMs: bigint | number;
  handoffHist: number[] | null;
  firstActionSumMs: bigint | number;
  firstActionHist: number[] | null;
};

function resolvePeriod(q: Pick<KpiQuery, "from" | "to">, now = new Date()): { from: Date; to: Date; days: number } {
  const to = q.to ? new Date(`${q.to}T00:00:00Z`) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(to.getTime() - 29 * DAY_MS);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new AppError("VALIDATION_FAILED", "`from` and `to` must be valid dates.", { fieldErrors: [{ path: "from", message: "invalid date" }] });
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
  if (days < 1) throw new AppError("VALIDATION_FAILED", "`from` must not be after `to`.", { fieldErrors: [{ path: "from", message: "must not be after to" }] });
  if (days > MAX_DAYS) throw new AppError("VALIDATION_FAILED", `A period covers at most ${MAX_DAYS} days.`, { fieldErrors: [{ path: "from", message: `at most ${MAX_DAYS} days` }] });
  return { from, to, days };
}

function parseKpiQuery(raw: unknown): KpiQuery {
  const r = kpiQuerySchema.safeParse(raw);
  if (!r.success) throw fromZodError(r.error, "Query");
  if (r.data.version !== undefined && !r.data.process) {
    throw new AppError("VALIDATION_FAILED", "`version` needs `process`.", { fieldErrors: [{ path: "version", message: "needs process" }] });
  }
  return r.data;
}

function duration(count: number, sumMs: number, hist: number[]): DurationKpi {
  const p = countOf(hist) > 0 ? percentiles(hist) : { p50: null, p90: null, p99: null };
  return { count, meanMs: count > 0 ? sumMs / count : null, p50Ms: p.p50, p90Ms: p.p90, p99Ms: p.p99 };
}

const rate = (count: number, total: number): RateKpi => ({ total, count, rate: total > 0 ? count / total : null });

/** Count, sum and histogram of one duration KPI, merged over rows. */
class DurationAcc {
  count = 0;
  sum = 0;
  hist = emptyHistogram();
  add(count: number, sumMs: bigint | number, hist: number[] | null) {
    this.count += count;
    this.sum += Number(sumMs);
    mergeInto(this.hist, hist);
  }
  result(): DurationKpi {
    return duration(this.count, this.sum, this.hist);
  }
}

/** What processes and steps both count from step rows. */
class StepCounts {
  handoff = new DurationAcc();
  firstAction = new DurationAcc();
  slaTasks = 0;
  slaBreached = 0;
  tasks = 0;
  escalated = 0;
  addStep(r: StepRow) {
    this.handoff.add(r.handoffCount, r.handoffSumMs, r.handoffHist);
    this.firstAction.add(r.firstActionCount, r.firstActionSumMs, r.firstActionHist);
    this.slaTasks += r.slaTasks;
    this.slaBreached += r.slaBreached;
    this.tasks += r.tasks;
    this.escalated += r.escalated;
  }
}

/** Accumulates rollup rows into process-level KPIs. */
class ProcessAcc extends StepCounts {
  started = 0;
  completed = 0;
  failed = 0;
  cancelled = 0;
  reworked = 0;
  cycle = new DurationAcc();
  autoRuns = 0;
  autoFailed = 0;
  decisions = 0;

  addInstance(r: InstanceRow) {
    this.started += r.started;
    this.completed += r.completed;
    this.failed += r.failed;
    this.cancelled += r.cancelled;
    this.reworked += r.reworked;
    this.cycle.add(r.cycleCount, r.cycleSumMs, r.cycleHist);
  }

  override addStep(r: StepRow) {
    super.addStep(r);
    if (!NOT_AUTOMATED.has(r.stepType)) {
      this.autoRuns += r.runs;
      this.autoFailed += r.failed;
    }
  }

  result(days: number): ProcessKpis {
    const ended = this.completed + this.failed + this.cancelled;
    return {
      started: this.started,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      throughputPerDay: days > 0 ? this.completed / days : 0,
      cycleTime: this.cycle.result(),
      firstAction: this.firstAction.result(),
      handoff: this.handoff.result(),
      slaBreach: rate(this.slaBreached, this.slaTasks),
      automatedErrors: rate(this.autoFailed, this.autoRuns),
      rework: rate(this.reworked, ended),
      escalation: rate(this.escalated, this.tasks),
      decisions: this.decisions,
    };
  }
}

class StepAcc extends StepCounts {
  runs = 0;
  failed = 0;
  attempts = 0;
  duration = new DurationAcc();
  infoRequested = 0;
  constructor(
    readonly stepId: string,
    readonly stepType: string,
  ) {
    super();
  }

  override addStep(r: StepRow) {
    super.addStep(r);
    this.runs += r.runs;
    this.failed += r.failed;
    this.attempts += r.attempts;
    this.duration.add(r.runs, r.durationSumMs, r.durationHist);
    this.infoRequested += r.infoRequested;
  }

  result(): StepKpis {
    return {
      stepId: this.stepId,
      stepType: this.stepType,
      runs: this.runs,
      failed: this.failed,
      errorRate: NOT_AUTOMATED.has(this.stepType) || this.runs === 0 ? null : this.failed / this.runs,
      attempts: this.attempts,
      duration: this.duration.result(),
      handoff: this.handoff.result(),
      firstAction: this.firstAction.result(),
      tasks: this.tasks,
      slaBreach: rate(this.slaBreached, this.slaTasks),
      escalation: rate(this.escalated, this.tasks),
      infoRequested: this.infoRequested,
    };
  }
}

/** The step with the longest mean time from start to end (the end step is instantaneous). */
function findBottleneck(steps: StepKpis[], cycle: DurationKpi) {
  const candidates = steps.filter((s) => s.stepType !== "end" && s.duration.meanMs !== null && s.runs > 0);
  if (candidates.length === 0) return null;
  const top = candidates.reduce((a, b) => ((b.duration.meanMs ?? 0) > (a.duration.meanMs ?? 0) ? b : a));
  const meanMs = top.duration.meanMs ?? 0;
  // Share of all the time completed instances spent in the process that went into this step.
  const totalCycle = (cycle.meanMs ?? 0) * cycle.count;
  const share = totalCycle > 0 ? Math.min(1, (meanMs * top.runs) / totalCycle) : null;
  const kind = top.stepType === "human" ? "a person's decision" : top.stepType === "wait" ? "waiting for an event" : `an automated ${top.stepType} step`;
  const text =
    `"${top.stepId}" (${kind}) is the slowest step: ${formatDuration(meanMs)} on average` +
    (top.duration.p90Ms !== null ? `, p90 ${formatDuration(top.duration.p90Ms)}` : "") +
    (share !== null ? `; ${Math.round(share * 100)} % of all the time instances spent in this process went into it.` : ".") +
    (top.stepType === "human" && top.firstAction.meanMs !== null ? ` Its tasks wait ${formatDuration(top.firstAction.meanMs)} on average before anyone acts.` : "");
  return { stepId: top.stepId, stepType: top.stepType, meanMs, p90Ms: top.duration.p90Ms, shareOfCycle: share, text };
}

export async function kpiDashboard(actor: Actor, raw: unknown, now = new Date()): Promise<KpiDashboard> {
  requirePermission(actor, "metrics:read");
  const q = parseKpiQuery(raw);
  const period = resolvePeriod(q, now);
  // The rollups are the worker's, never the caller's own writes: they may come from the replica.
  // The version splits an admin just set stay on the primary (read-your-writes).
  const [{ value: rows, freshness }, splits] = await Promise.all([
    onReplicaWithFreshness("kpi dashboard", (read) => readRollups(read, q, period)),
    listVersionSplits(q.process ?? null),
  ]);
  return { ...assemble(rows, splits, period), freshness };
}

type Period = ReturnType<typeof resolvePeriod>;

async function readRollups(read: HeavyReader, q: KpiQuery, { from, to }: Period) {
  const query = read.query;
  const toExclusive = new Date(to.getTime() + DAY_MS);
  const key = q.process ?? null;
  const version = q.version ?? null;

  // Summed in PostgreSQL, histograms too (bucket by bucket, only non-empty buckets come back):
  // a 30-day view of 60 versions is ~11,000 rollup rows of up to three 80-bucket histograms each,
  // which cost more to ship and parse than to add up where they are.
  const period = sql`day >= ${from}::date AND day < ${toExclusive}::date
         AND (${key}::text IS NULL OR "processKey" = ${key}) AND (${version}::int IS NULL OR version = ${version}::int)`;
  const [instanceRows, instanceDays, stepRows, stepDays, decisionRows, names, state] = await Promise.all([
    query<SparseRow<InstanceRow, "cycleHist">>(sql`
      WITH r AS (SELECT * FROM "KpiInstanceDay" WHERE ${period}),
      g AS (SELECT "processKey", version, sum(started)::int AS started, sum(completed)::int AS completed, sum(failed)::int AS failed,
                   sum(cancelled)::int AS cancelled, sum(reworked)::int AS reworked, sum("cycleCount")::int AS "cycleCount", sum("cycleSumMs")::bigint AS "cycleSumMs"
              FROM r GROUP BY 1, 2),
      h AS (SELECT r."processKey", r.version, u.i, sum(u.v)::int AS v
              FROM r CROSS JOIN LATERAL unnest(r."cycleHist") WITH ORDINALITY u(v, i) WHERE u.v <> 0 GROUP BY 1, 2, 3),
      hh AS (SELECT "processKey", version, json_object_agg(i, v) AS hist FROM h GROUP BY 1, 2)
      SELECT g.*, hh.hist AS "cycleHist" FROM g LEFT JOIN hh ON hh."processKey" = g."processKey" AND hh.version = g.version`),
    query<{ day: string; started: number; completed: number; failed: number; cycleHist: Sparse | null }>(sql`
      WITH r AS (SELECT * FROM "KpiInstanceDay" WHERE ${period}),
      g AS (SELECT day, sum(started)::int AS started, sum(completed)::int AS completed, sum(failed)::int AS failed FROM r GROUP BY 1),
      h AS (SELECT r.day, u.i, sum(u.v)::int AS v FROM r CROSS JOIN LATERAL unnest(r."cycleHist") WITH ORDINALITY u(v, i) WHERE u.v <> 0 GROUP BY 1, 2),
      hh AS (SELECT day, json_object_agg(i, v) AS hist FROM h GROUP BY 1)
      SELECT to_char(g.day, 'YYYY-MM-DD') AS day, g.started, g.completed, g.failed, hh.hist AS "cycleHist" FROM g LEFT JOIN hh ON hh.day = g.day`),
    query<SparseRow<StepRow, "durationHist" | "handoffHist" | "firstActionHist">>(sql`
      WITH r AS (SELECT * FROM "KpiStepDay" WHERE ${period}),
      g AS (SELECT "processKey", version, "stepId", "stepType", sum(runs)::int AS runs, sum(failed)::int AS failed, sum(attempts)::int AS attempts,
                   sum("durationSumMs")::bigint AS "durationSumMs", sum("handoffCount")::int AS "handoffCount", sum("handoffSumMs")::bigint AS "handoffSumMs",
                   sum(tasks)::int AS tasks, sum("firstActionCount")::int AS "firstActionCount", sum("firstActionSumMs")::bigint AS "firstActionSumMs",
                   sum("slaTasks")::int AS "slaTasks", sum("slaBreached")::int AS "slaBreached", sum(escalated)::int AS escalated,
                   sum("infoRequested")::int AS "infoRequested"
              FROM r GROUP BY 1, 2, 3, 4),
      h AS (SELECT r."processKey", r.version, r."stepId", u.i, sum(u.d)::int AS d, sum(u.h)::int AS h, sum(u.f)::int AS f
              FROM r CROSS JOIN LATERAL unnest(r."durationHist", r."handoffHist", r."firstActionHist") WITH ORDINALITY u(d, h, f, i)
             WHERE COALESCE(u.d, 0) <> 0 OR COALESCE(u.h, 0) <> 0 OR COALESCE(u.f, 0) <> 0 GROUP BY 1, 2, 3, 4),
      hh AS (SELECT "processKey", version, "stepId", json_object_agg(i, d) FILTER (WHERE d <> 0) AS d, json_object_agg(i, h) FILTER (WHERE h <> 0) AS h,
                    json_object_agg(i, f) FILTER (WHERE f <> 0) AS f FROM h GROUP BY 1, 2, 3)
      SELECT g.*, hh.d AS "durationHist", hh.h AS "handoffHist", hh.f AS "firstActionHist"
        FROM g LEFT JOIN hh ON hh."processKey" = g."processKey" AND hh.version = g.version AND hh."stepId" = g."stepId"`),
    query<{ day: string; slaTasks: number; slaBreached: number; runs: number; failed: number }>(sql`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, sum("slaTasks")::int AS "slaTasks", sum("slaBreached")::int AS "slaBreached",
             (sum(runs) FILTER (WHERE "stepType" NOT IN (${join([...NOT_AUTOMATED])})))::int AS runs,
             (sum(failed) FILTER (WHERE "stepType" NOT IN (${join([...NOT_AUTOMATED])})))::int AS failed
        FROM "KpiStepDay" WHERE ${period} GROUP BY day`),
    query<{ processKey: string; version: number; outcome: string; deciderId: string; name: string; n: bigint }>(sql`
      SELECT "processKey", version, outcome, "deciderId", max("deciderName") AS name, sum(count) AS n
        FROM "KpiDecisionDay"
       WHERE day >= ${from}::date AND day < ${toExclusive}::date
         AND (${key}::text IS NULL OR "processKey" = ${key}) AND (${version}::int IS NULL OR version = ${version}::int)
       GROUP BY 1, 2, 3, 4`),
    query<{ key: string; name: string }>(sql`
      SELECT DISTINCT ON (key) key, name FROM "ProcessDefinition"
       WHERE (${key}::text IS NULL OR key = ${key}) ORDER BY key, version DESC`),
    rollupState(read),
  ]);
  return { instanceRows, instanceDays, stepRows, stepDays, decisionRows, names, state };
}

function assemble(
  { instanceRows, instanceDays, stepRows, stepDays, decisionRows, names, state }: Awaited<ReturnType<typeof readRollups>>,
  splits: Awaited<ReturnType<typeof listVersionSplits>>,
  { from, to, days }: Period,
): Omit<KpiDashboard, "freshness"> {
  const totals = new ProcessAcc();
  const byProcess = new Map<string, { acc: ProcessAcc; versions: Map<number, ProcessAcc>; steps: Map<string, StepAcc> }>();
  const proc = (k: string) => {
    let p = byProcess.get(k);
    if (!p) {
      p = { acc: new ProcessAcc(), versions: new Map(), steps: new Map() };
      byProcess.set(k, p);
    }
    return p;
  };
  const ver = (k: string, v: number) => {
    const p = proc(k);
    let a = p.versions.get(v);
    if (!a) {
      a = new ProcessAcc();
      p.versions.set(v, a);
    }
    return a;
  };

  // Daily series over the selection.
  const series = new Map<string, { started: number; completed: number; failed: number; hist: number[]; sla: number; breached: number; runs: number; runFailed: number }>();
  for (let t = from.getTime(); t <= to.getTime(); t += DAY_MS) {
    series.set(new Date(t).toISOString().slice(0, 10), { started: 0, completed: 0, failed: 0, hist: emptyHistogram(), sla: 0, breached: 0, runs: 0, runFailed: 0 });
  }

  for (const sparse of instanceRows) {
    const r = { ...sparse, cycleHist: dense(sparse.cycleHist) };
    totals.addInstance(r);
    proc(r.processKey).acc.addInstance(r);
    ver(r.processKey, r.version).addInstance(r);
  }
  for (const d of instanceDays) {
    const s = series.get(d.day);
    if (!s) continue;
    s.started += d.started;
    s.completed += d.completed;
    s.failed += d.failed;
    mergeInto(s.hist, dense(d.cycleHist));
  }
  for (const sparse of stepRows) {
    const r = { ...sparse, durationHist: dense(sparse.durationHist), handoffHist: dense(sparse.handoffHist), firstActionHist: dense(sparse.firstActionHist) };
    totals.addStep(r);
    const p = proc(r.processKey);
    p.acc.addStep(r);
    ver(r.processKey, r.version).addStep(r);
    let st = p.steps.get(r.stepId);
    if (!st) {
      st = new StepAcc(r.stepId, r.stepType);
      p.steps.set(r.stepId, st);
    }
    st.addStep(r);
  }
  for (const d of stepDays) {
    const s = series.get(d.day);
    if (!s) continue;
    s.sla += d.slaTasks;
    s.breached += d.slaBreached;
    s.runs += d.runs ?? 0;
    s.runFailed += d.failed ?? 0;
  }

  const outcomes = new Map<string, number>();
  const people = new Map<string, { deciderId: string; name: string; total: number; byOutcome: Record<string, number> }>();
  for (const r of decisionRows) {
    const c = Number(r.n);
    totals.decisions += c;
    proc(r.processKey).acc.decisions += c;
    ver(r.processKey, r.version).decisions += c;
    outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + c);
    const person = people.get(r.deciderId) ?? { deciderId: r.deciderId, name: r.name, total: 0, byOutcome: {} };
    person.total += c;
    person.byOutcome[r.outcome] = (person.byOutcome[r.outcome] ?? 0) + c;
    people.set(r.deciderId, person);
  }

  // Processes without history in the period are listed too (zeros), so the page says so.
  for (const n of names) proc(n.key);
  const nameOf = new Map(names.map((n) => [n.key, n.name]));
  const splitOf = new Map(splits.map((s) => [s.processKey, s]));

  const processes = [...byProcess.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, p]) => {
      const kpis = p.acc.result(days);
      const steps = [...p.steps.values()].map((s) => s.result()).sort((a, b) => (b.duration.meanMs ?? 0) - (a.duration.meanMs ?? 0));
      return {
        key: k,
        name: nameOf.get(k) ?? k,
        kpis,
        steps,
        bottleneck: findBottleneck(steps, kpis.cycleTime),
        versions: [...p.versions.entries()].sort(([a], [b]) => b - a).map(([v, a]) => ({ version: v, kpis: a.result(days) })),
        split: splitOf.get(k) ?? null,
      };
    });

  const seriesOut: SeriesPoint[] = [...series.entries()].map(([d, s]) => {
    const p = countOf(s.hist) > 0 ? percentiles(s.hist) : { p50: null, p90: null, p99: null };
    return {
      day: d,
      started: s.started,
      completed: s.completed,
      failed: s.failed,
      cycleP50Ms: p.p50,
      cycleP90Ms: p.p90,
      cycleP99Ms: p.p99,
      slaBreachRate: s.sla > 0 ? s.breached / s.sla : null,
      errorRate: s.runs > 0 ? s.runFailed / s.runs : null,
    };
  });

  return {
    period: { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10), days },
    refreshedAt: state?.lastRunAt ?? null,
    totals: totals.result(days),
    processes,
    series: seriesOut,
    decisions: {
      byOutcome: [...outcomes.entries()].map(([outcome, count]) => ({ outcome, count })).sort((a, b) => b.count - a.count),
      byPerson: [...people.values()].sort((a, b) => b.total - a.total).slice(0, 50),
    },
  };
}
