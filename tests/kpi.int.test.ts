// KPIs from a seeded history with known answers (cycle time, rework, SLA breach, error rate,
// first action, escalation, decisions), the incremental refresh, the drill-down filters behind
// the dashboard's numbers, and the A/B version split over 1,000 starts.
import { beforeAll, describe, expect, it } from "vitest";
import { refreshKpiRollups } from "@/lib/kpi/rollup";
import { kpiDashboard } from "@/lib/kpi/service";
import { bucketLowerMs, bucketOf, bucketUpperMs } from "@/lib/kpi/histogram";
import { publishDefinition, startableVersion } from "@/lib/processes/service";
import { setVersionSplit } from "@/lib/processes/split";
import { listInstances, startInstance } from "@/lib/engine";
import { insertHistory } from "@/prisma/kpi-history";
import { appError, db, makeTeam, uid, type Team } from "./helpers";
import { transaction } from "@/lib/db";

const MIN = 60_000;
const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

const doc = (key: string) => ({
  key,
  name: `KPI test ${key}`,
  steps: [
    { id: "check", kind: "http", method: "POST", url: "http://127.0.0.1:9/check", next: "approve" },
    { id: "approve", kind: "human", title: "Approve", candidateGroup: "nobody", next: { approve: "done", reject: "check" } },
    { id: "done", kind: "end" },
  ],
});

describe("KPIs over a seeded history", () => {
  let key: string;
  let d0: Date;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    key = `kpi-${uid()}`;
    const v = await publishDefinition(team.as.admin, doc(key));
    // Ten days ago, 08:00 UTC: every instance starts and ends that day.
    const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
    d0 = new Date(today.getTime() - 10 * DAY + 8 * 60 * MIN);
    const { alice, bob } = team.users;
    const check = (start: number, end: number, status: "COMPLETED" | "FAILED" = "COMPLETED", attempts = 1) => ({ stepId: "check", type: "http", startMin: start, endMin: end, firstAttemptMin: start + 1, status, attempts });
    const done = (at: number) => ({ stepId: "done", type: "end", startMin: at, endMin: at });
    const base = { definitionId: v.id, startedAt: d0 };
    // I1: 60 min; first action (claim) after 15 min; decided after its due time → breached.
    ids.i1 = (await insertHistory(db(), { ...base, status: "COMPLETED", endMin: 60, steps: [check(0, 5), { stepId: "approve", type: "human", startMin: 5, endMin: 60, task: { createdMin: 5, claimedMin: 20, dueMin: 35, decidedMin: 60, outcome: "approve", decidedById: alice.id } }, done(60)] })).instanceId;
    // I2: 120 min; rejected, looped back to check (rework), approved the second time; no breach.
    ids.i2 = (
      await insertHistory(db(), {
        ...base,
        status: "COMPLETED",
        endMin: 120,
        steps: [
          check(0, 5),
          { stepId: "approve", type: "human", startMin: 5, endMin: 30, task: { createdMin: 5, dueMin: 65, decidedMin: 30, outcome: "reject", decidedById: bob.id } },
          check(30, 35),
          { stepId: "approve", type: "human", startMin: 35, endMin: 120, task: { createdMin: 35, dueMin: 215, decidedMin: 120, outcome: "approve", decidedById: alice.id } },
          done(120),
        ],
      })
    ).instanceId;
    // I3: 180 min; information was requested on its task (rework); no due time.
    ids.i3 = (
      await insertHistory(db(), {
        ...base,
        status: "COMPLETED",
        endMin: 180,
        steps: [check(0, 5), { stepId: "approve", type: "human", startMin: 5, endMin: 180, task: { createdMin: 5, decidedMin: 180, outcome: "approve", decidedById: bob.id, question: { authorId: alice.id, authorName: alice.name, atMin: 60, body: "Which PO?" } } }, done(180)],
      })
    ).instanceId;
    // I4: the automated check failed after 3 attempts (a retry is not rework).
    ids.i4 = (await insertHistory(db(), { ...base, status: "FAILED", endMin: 10, steps: [check(0, 10, "FAILED", 3)] })).instanceId;
    // I5: 240 min; breached; its task was escalated.
    ids.i5 = (await insertHistory(db(), { ...base, status: "COMPLETED", endMin: 240, steps: [check(0, 5), { stepId: "approve", type: "human", startMin: 5, endMin: 240, task: { createdMin: 5, dueMin: 65, decidedMin: 240, outcome: "approve", decidedById: alice.id, escalatedMin: 70 } }, done(240)] })).instanceId;
    await refreshKpiRollups({ since: d0 });
  });

  const dashboard = () => kpiDashboard(team.as.supervisor, { process: key, from: day(new Date(d0.getTime() - DAY)), to: day(new Date(d0.getTime() + DAY)) });

  it("counts, cycle time, rework, SLA breach, automated errors, escalation and decisions", async () => {
    const dash = await dashboard();
    expect(dash.processes).toHaveLength(1);
    const k = dash.processes[0]!.kpis;
    expect(k).toMatchObject({ started: 5, completed: 4, failed: 1, cancelled: 0, decisions: 5 });
    // Cycle time of completed instances: 60, 120, 180, 240 min → mean 150 min exactly.
    expect(k.cycleTime.count).toBe(4);
    expect(k.cycleTime.meanMs).toBe(150 * MIN);
    // p50 is read off the histogram: inside the bucket holding 120 min.
    const b = bucketOf(120 * MIN);
    expect(k.cycleTime.p50Ms).toBeGreaterThanOrEqual(bucketLowerMs(b));
    expect(k.cycleTime.p50Ms).toBeLessThanOrEqual(bucketUpperMs(b));
    expect(k.cycleTime.p99Ms).toBeGreaterThanOrEqual(bucketLowerMs(bucketOf(240 * MIN)));
    // Rework: I2 looped back to a completed step, I3 had information requested → 2 of 5 ended.
    expect(k.rework).toEqual({ total: 5, count: 2, rate: 0.4 });
    // SLA: 4 tasks had a due time, I1's and I5's were decided late.
    expect(k.slaBreach).toEqual({ total: 4, count: 2, rate: 0.5 });
    // Automated steps: 6 runs of check, one failed (the end step is not automated work).
    expect(k.automatedErrors.total).toBe(6);
    expect(k.automatedErrors.count).toBe(1);
    expect(k.escalation).toEqual({ total: 5, count: 1, rate: 0.2 });
    // First action: 15, 25, 85, 175, 235 min after each task was created.
    expect(k.firstAction.count).toBe(5);
    expect(k.firstAction.meanMs).toBe(107 * MIN);
    expect(k.throughputPerDay).toBeCloseTo(4 / 3);

    const steps = Object.fromEntries(dash.processes[0]!.steps.map((s) => [s.stepId, s]));
    expect(steps.check).toMatchObject({ runs: 6, failed: 1, attempts: 8 });
    expect(steps.check!.errorRate).toBeCloseTo(1 / 6);
    expect(steps.check!.duration.meanMs).toBeCloseTo((35 * MIN) / 6);
    // Handoff of check: one minute from the previous step's end to the first attempt, each time.
    expect(steps.check!.handoff).toMatchObject({ count: 6, meanMs: MIN });
    expect(steps.approve).toMatchObject({ runs: 5, tasks: 5, infoRequested: 1, errorRate: null });
    expect(dash.processes[0]!.bottleneck).toMatchObject({ stepId: "approve", stepType: "human" });
    expect(dash.processes[0]!.bottleneck!.text).toContain('"approve"');

    expect(dash.decisions.byOutcome).toEqual([
      { outcome: "approve", count: 4 },
      { outcome: "reject", count: 1 },
    ]);
    const alice = dash.decisions.byPerson.find((p) => p.deciderId === team.users.alice.id);
    expect(alice).toMatchObject({ total: 3, byOutcome: { approve: 3 } });
    expect(dash.decisions.byPerson.find((p) => p.deciderId === team.users.bob.id)).toMatchObject({ total: 2, byOutcome: { approve: 1, reject: 1 } });

    const point = dash.series.find((p) => p.day === day(d0))!;
    expect(point).toMatchObject({ started: 5, completed: 4, failed: 1, slaBreachRate: 0.5 });
  });

  it("a refresh is repeatable, and the incremental run picks up what finished since", async () => {
    await refreshKpiRollups({ since: d0 });
    expect((await dashboard()).processes[0]!.kpis.completed).toBe(4);
    const v = await db().processDefinition.findFirstOrThrow({ where: { key } });
    const now = new Date();
    const startedAt = new Date(now.getTime() - 30 * MIN);
    await insertHistory(db(), { definitionId: v.id, startedAt, status: "COMPLETED", endMin: 20, steps: [{ stepId: "check", type: "http", startMin: 0, endMin: 20 }] });
    await refreshKpiRollups();
    // From the day it started (just before midnight, the day before) to today.
    const todayDash = await kpiDashboard(team.as.auditor, { process: key, from: day(startedAt), to: day(now) });
    expect(todayDash.processes[0]!.kpis).toMatchObject({ started: 1, completed: 1 });
    expect(todayDash.processes[0]!.kpis.cycleTime.meanMs).toBe(20 * MIN);
  });

  it("drill-down lists exactly the instances behind a number", async () => {
    const window = { process: key, endedFrom: day(d0), endedTo: day(new Date(d0.getTime() + DAY)) };
    const ids_ = async (q: Record<string, string>) => (await listInstances(team.as.supervisor, q)).data.map((i) => i.id).sort();
    expect(await ids_({ ...window, rework: "true" })).toEqual([ids.i2, ids.i3].sort());
    expect(await ids_({ ...window, status: "FAILED" })).toEqual([ids.i4]);
    expect(await ids_({ ...window, status: "COMPLETED" })).toEqual([ids.i1, ids.i2, ids.i3, ids.i5].sort());
    expect(await ids_({ ...window, step: "check", stepStatus: "FAILED" })).toEqual([ids.i4]);
  });

  it("is for admins, supervisors and auditors; bad periods are 422", async () => {
    expect((await appError(kpiDashboard(team.as.alice, {}))).code).toBe("FORBIDDEN");
    expect((await appError(kpiDashboard(team.as.admin, { from: "2026-02-01", to: "2026-01-01" }))).code).toBe("VALIDATION_FAILED");
    expect((await appError(kpiDashboard(team.as.admin, { from: "2020-01-01", to: "2026-01-01" }))).code).toBe("VALIDATION_FAILED");
    expect((await appError(kpiDashboard(team.as.admin, { version: "2" }))).code).toBe("VALIDATION_FAILED");
    expect((await appError(kpiDashboard(team.as.admin, { from: "yesterday" }))).code).toBe("VALIDATION_FAILED");
  });
});

describe("A/B version split", () => {
  it("sends about 10 % of 1,000 starts to version B", async () => {
    const key = `ab-${uid()}`;
    const simple = { key, name: "A/B", steps: [{ id: "done", kind: "end" }] };
    await publishDefinition(team.as.admin, simple);
    await publishDefinition(team.as.admin, simple);
    await setVersionSplit(team.as.admin, key, { versionA: 1, versionB: 2, percentB: 10 });
    // The version every start takes comes from startableVersion (manual starts and event starts
    // both call it): 1,000 picks through it, without the rest of a start, keep the test short.
    const picks: number[] = [];
    await transaction(async (tx) => {
      for (let i = 0; i < 1000; i++) picks.push((await startableVersion(tx, key))!.version);
    });
    const b = picks.filter((v) => v === 2).length;
    expect(picks.filter((v) => v === 1).length + b).toBe(1000);
    // Binomial(1000, 0.1): mean 100, sd 9.5; ±40 is more than 4 sd.
    expect(b).toBeGreaterThanOrEqual(60);
    expect(b).toBeLessThanOrEqual(140);
  }, 240_000);

  it("real starts under a 50/50 split land on both versions, and each instance records its own", async () => {
    const key = `ab-${uid()}`;
    const simple = { key, name: "A/B", steps: [{ id: "done", kind: "end" }] };
    await publishDefinition(team.as.admin, simple);
    await publishDefinition(team.as.admin, simple);
    await setVersionSplit(team.as.admin, key, { versionA: 1, versionB: 2, percentB: 50 });
    const started = [];
    for (let i = 0; i < 40; i += 10) started.push(...(await Promise.all(Array.from({ length: 10 }, () => startInstance(team.as.admin, key, {})))));
    const versions = new Set(started.map((s) => s.process.version));
    expect(versions).toEqual(new Set([1, 2]));
    const rows = await db().processInstance.findMany({ where: { id: { in: started.map((s) => s.id) } }, include: { definition: true } });
    for (const s of started) expect(rows.find((r) => r.id === s.id)!.definition.version).toBe(s.process.version);
  }, 90_000);

  it("refuses a split onto a deprecated or missing version", async () => {
    const key = `ab-${uid()}`;
    await publishDefinition(team.as.admin, { key, name: "A/B", steps: [{ id: "done", kind: "end" }] });
    expect((await appError(setVersionSplit(team.as.admin, key, { versionA: 1, versionB: 2, percentB: 50 }))).code).toBe("VALIDATION_FAILED");
    expect((await appError(setVersionSplit(team.as.admin, key, { versionA: 1, versionB: 1, percentB: 50 }))).code).toBe("VALIDATION_FAILED");
    expect((await appError(setVersionSplit(team.as.supervisor, key, { versionA: 1, versionB: 2, percentB: 50 }))).code).toBe("FORBIDDEN");
  });
});
