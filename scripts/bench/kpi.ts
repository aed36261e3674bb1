// npm run bench:kpi — KPI dashboard latency on a large history: 1,000,000 finished instances and
// 5,000,000 step runs over a year (20 processes × 3 versions, 5 steps each, a human task on every
// fifth instance), seeded with SQL generate_series into the bench's own database; then the full
// rollup rebuild and an incremental refresh (timed), then the dashboard queries (timed).
import { cleanBenchRedis, dropBenchDatabase, percentile, prepareBenchDatabase, printTable, round } from "./lib";

const INSTANCES = Number(process.env.BENCH_KPI_INSTANCES ?? 1_000_000);
const STEPS_PER_INSTANCE = 5;
const DAYS = Number(process.env.BENCH_KPI_DAYS ?? 365);
const PROCESSES = 20;
const VERSIONS = 3;
const PEOPLE = 50;
const REQUESTS = Number(process.env.BENCH_KPI_REQUESTS ?? 200);

async function main() {
  const url = await prepareBenchDatabase("kpi");
  const { prismaClient: db, disconnectDb } = await import("../../lib/db");
  const { refreshKpiRollups } = await import("../../lib/kpi/rollup");
  const { kpiDashboard } = await import("../../lib/kpi/service");
  const { systemActor } = await import("../../prisma/factories");
  const actor = systemActor("bench");
  const sql = (s: string) => db().$executeRawUnsafe(s);
  try {
    // ── Seed ──────────────────────────────────────────────────────────────────────────────────
    const t0 = Date.now();
    const steps = `[{"id":"check","kind":"http"},{"id":"route","kind":"decision"},{"id":"approve","kind":"human"},{"id":"post","kind":"http"},{"id":"done","kind":"end"}]`;
    await sql(`INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt")
               SELECT 'u' || g, 'bench' || g || '@bench.test', 'Bench Person ' || g, 'x', now() FROM generate_series(1, ${PEOPLE}) g`);
    await sql(`INSERT INTO "ProcessDefinition" (id, key, version, name, document)
               SELECT 'd' || p || '_' || v, 'process-' || p, v, 'Process ' || p, jsonb_build_object('key', 'process-' || p, 'name', 'Process ' || p, 'steps', '${steps}'::jsonb)
                 FROM generate_series(1, ${PROCESSES}) p, generate_series(1, ${VERSIONS}) v`);
    // Instances: start spread over DAYS days, cycle 1 min .. ~2 days; 93 % completed, 5 % failed, 2 % cancelled.
    await sql(`INSERT INTO "ProcessInstance" (id, "definitionId", status, "startedAt", "endedAt", "updatedAt", "startedByName")
               SELECT 'i' || g, 'd' || (1 + g % ${PROCESSES}) || '_' || (1 + (g / 7) % ${VERSIONS}),
                      (CASE WHEN g % 100 < 93 THEN 'COMPLETED' WHEN g % 100 < 98 THEN 'FAILED' ELSE 'CANCELLED' END)::"InstanceStatus",
                      s, s + ((60 + (g::bigint * 7919) % 172800) || ' seconds')::interval, now(), 'bench'
                 FROM (SELECT g, now() - (((g::bigint * 31536000 / ${INSTANCES}) % (${DAYS} * 86400)) || ' seconds')::interval - interval '3 days' AS s
                         FROM generate_series(1, ${INSTANCES}) g) x`);
    // Five step runs an instance, each a fifth of its cycle; 3 % of automated runs failed.
    await sql(`INSERT INTO "StepRun" (id, "instanceId", "stepId", type, status, attempts, "startedAt", "endedAt", "updatedAt")
               SELECT 's' || i.n || '_' || k, i.id, (ARRAY['check','route','approve','post','done'])[k], (ARRAY['http','decision','human','http','end'])[k],
                      (CASE WHEN k IN (1, 4) AND (i.n + k) % 33 = 0 THEN 'FAILED' ELSE 'COMPLETED' END)::"StepRunStatus", CASE WHEN k = 3 OR k = 5 THEN 0 ELSE 1 END,
                      i."startedAt" + (i."endedAt" - i."startedAt") * (k - 1) / 5, i."startedAt" + (i."endedAt" - i."startedAt") * k / 5, now()
                 FROM (SELECT id, substr(id, 2)::int AS n, "startedAt", "endedAt" FROM "ProcessInstance") i, generate_series(1, ${STEPS_PER_INSTANCE}) k`);
    // A decided task on the human step of every fifth instance (due after a day; ~1 in 6 late).
    await sql(`INSERT INTO "Task" (id, title, status, outcome, "decidedById", "decidedAt", "claimedAt", "dueAt", "instanceId", "stepRunId", "createdAt", "updatedAt")
               SELECT 't' || i.n, 'Bench approval ' || i.n, 'DECIDED', CASE WHEN i.n % 9 = 0 THEN 'reject' ELSE 'approve' END, 'u' || (1 + i.n % ${PEOPLE}),
                      s."endedAt", s."startedAt" + (s."endedAt" - s."startedAt") / 3, s."startedAt" + interval '7 hours', i.id, s.id, s."startedAt", now()
                 FROM (SELECT id, substr(id, 2)::int AS n FROM "ProcessInstance" WHERE substr(id, 2)::int % 5 = 0) i
                 JOIN "StepRun" s ON s.id = 's' || i.n || '_3'`);
    await sql(`ANALYZE`);
    const seedS = (Date.now() - t0) / 1000;
    const [counts] = await db().$queryRawUnsafe<{ instances: bigint; runs: bigint; tasks: bigint }[]>(
      `SELECT (SELECT count(*) FROM "ProcessInstance") AS instances, (SELECT count(*) FROM "StepRun") AS runs, (SELECT count(*) FROM "Task") AS tasks`,
    );

    // ── Rollups ───────────────────────────────────────────────────────────────────────────────
    const rebuild = await refreshKpiRollups({ rebuild: true });
    const incremental = await refreshKpiRollups();
    const [rollupRows] = await db().$queryRawUnsafe<{ i: bigint; s: bigint; d: bigint }[]>(
      `SELECT (SELECT count(*) FROM "KpiInstanceDay") AS i, (SELECT count(*) FROM "KpiStepDay") AS s, (SELECT count(*) FROM "KpiDecisionDay") AS d`,
    );

    // ── Dashboard latency ─────────────────────────────────────────────────────────────────────
    const today = new Date().toISOString().slice(0, 10);
    const daysBack = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const time = async (query: Record<string, string>, n: number) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        // What the API does after authentication: the query, and the JSON it sends.
        JSON.stringify(await kpiDashboard(actor, query));
        ms.push(performance.now() - t);
      }
      return ms.sort((a, b) => a - b);
    };
    await time({ from: daysBack(29), to: today }, 5); // warm-up
    const main30 = await time({ from: daysBack(29), to: today }, REQUESTS);
    const d7 = await time({ from: daysBack(6), to: today }, 50);
    const d90 = await time({ from: daysBack(89), to: today }, 50);
    const one = await time({ from: daysBack(29), to: today, process: "process-7" }, 50);
    const row = (name: string, ms: number[]): [string, string] => [name, `p50 ${round(percentile(ms, 50))} ms · p95 ${round(percentile(ms, 95))} ms · p99 ${round(percentile(ms, 99))} ms (${ms.length} requests)`];

    printTable("KPI dashboard benchmark", [
      ["finished instances", Number(counts!.instances).toLocaleString("en")],
      ["step runs", Number(counts!.runs).toLocaleString("en")],
      ["tasks", Number(counts!.tasks).toLocaleString("en")],
      ["history", `${DAYS} days, ${PROCESSES} processes × ${VERSIONS} versions`],
      ["seed (SQL generate_series)", `${round(seedS)} s`],
      ["rollup rebuild (all days)", `${round(rebuild.ms / 1000)} s for ${rebuild.days} days`],
      ["incremental refresh (since last run)", `${rebuild.ms ? round(incremental.ms) : 0} ms for ${incremental.days} day(s)`],
      ["rollup rows (instance / step / decision)", `${rollupRows!.i} / ${rollupRows!.s} / ${rollupRows!.d}`],
      row("dashboard, 30 days, all processes", main30),
      row("dashboard, 7 days, all processes", d7),
      row("dashboard, 90 days, all processes", d90),
      row("dashboard, 30 days, one process", one),
      ["target", "p95 < 300 ms for 30 days, all processes"],
    ]);
    console.log(JSON.stringify({ bench: "kpi", dashboard_p95_ms: round(percentile(main30, 95)) }));
  } finally {
    await disconnectDb();
    await cleanBenchRedis();
    await dropBenchDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
