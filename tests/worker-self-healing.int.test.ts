// The worker's periodic work after Redis loses its keys (ADR 019), with real worker processes on
// a private Redis (FLUSHDB and CLIENT KILL must never reach the shared one). Each loop — audit
// sealing, outbox sweep, engine recovery, held-decision commits, KPI refresh — comes back within
// its interval plus WORKER_LOOP_GRACE_MS, with the effect it exists for; /health answers 503
// naming a loop while it is stale and 200 again once it runs.
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Team } from "./helpers";
import { freePort, killWorkerProcesses, startPrivateRedis, startWorkerProcess, stopWorkerProcess } from "./worker-process";

// Before anything reads the env: this file's processes talk to its own Redis; short undo window.
const privateRedis = await startPrivateRedis();
process.env.REDIS_URL = privateRedis.url;
process.env.UNDO_WINDOW_SECONDS = "2";

const { db, groupTask, makeTeam, uid } = await import("./helpers");
const { createRedis, redisKey } = await import("@/lib/redis");
const { queue, QUEUES } = await import("@/lib/queues");
const { publishDefinition } = await import("@/lib/processes/service");
const { startInstance, getInstance } = await import("@/lib/engine");
const { decideTask } = await import("@/lib/tasks");

const PROMTOOL = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((p) => existsSync(p));
// The admin connection survives CLIENT KILL (SKIPME) and is the only one that flushes.
const admin = createRedis();
let team: Team;

beforeAll(async () => {
  team = await makeTeam();
});
afterAll(async () => {
  killWorkerProcesses();
  await admin.quit();
  await privateRedis.stop();
});

type Health = { status: string; database: string; redis: string; workersRunning: boolean; staleLoops: string[]; loops: Record<string, { everyMs: number; lastRunAt: string | null; stale: boolean }> };

async function health(port: number): Promise<{ code: number; body: Health }> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return { code: res.status, body: (await res.json()) as Health };
}

/**
 * Polls until `fn` returns something truthy, failing after `withinMs`. Unlike helpers' waitFor it
 * never dispatches the outbox itself: here only the worker's loops may do the work.
 */
async function within<T>(what: string, withinMs: number, fn: () => Promise<T | null | undefined | false>): Promise<T> {
  const until = Date.now() + withinMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const dispatched = (jobId: string) => within(`outbox row ${jobId} handed to Redis`, 10_000, async () => (await db().outboxMessage.findFirst({ where: { jobId } }))?.dispatchedAt);
const lastRuns = async (port: number) => Object.fromEntries(Object.entries((await health(port)).body.loops).map(([loop, s]) => [loop, s.lastRunAt ? Date.parse(s.lastRunAt) : 0]));

describe("a worker whose Redis was flushed", () => {
  // Short intervals, a check every second and a grace of a few seconds: each loop must be back
  // within its interval plus the grace of the flush (plus the delay its own work has, said below).
  const GRACE = 8000;
  const CHECK = 1000;
  const EVERY = { "seal-audit": 500, "dispatch-outbox": 500, "refresh-kpis": 2000, "recover-engine": 1000, "commit-held-decisions": 5000 };
  let port = 0;
  let worker: ChildProcess;

  beforeAll(async () => {
    port = await freePort();
    worker = await startWorkerProcess({
      WORKER_HEALTH_PORT: String(port),
      WORKER_SCHEDULE_CHECK_MS: String(CHECK),
      WORKER_LOOP_GRACE_MS: String(GRACE),
      AUDIT_SEAL_MS: String(EVERY["seal-audit"]),
      OUTBOX_SWEEP_MS: String(EVERY["dispatch-outbox"]),
      KPI_REFRESH_MS: String(EVERY["refresh-kpis"]),
      ENGINE_RECOVERY_MS: String(EVERY["recover-engine"]),
      ENGINE_STALE_GRACE_MS: "500",
      ESCALATION_SWEEP_MS: "1000",
    });
  }, 60_000);
  afterAll(async () => {
    if (worker) await stopWorkerProcess(worker);
  });

  it("runs every loop and reports each one's last run on /health", async () => {
    const report = await within("every loop to have run", 30_000, async () => {
      const h = await health(port);
      return h.code === 200 && Object.values(h.body.loops).every((l) => l.lastRunAt) && h.body;
    });
    expect(Object.keys(report.loops).sort()).toEqual(["commit-held-decisions", "dispatch-outbox", "prune-outbox", "prune-retention", "recover-engine", "refresh-kpis", "seal-audit", "send-digests", "sweep-escalations"]);
    expect(report).toMatchObject({ status: "ok", database: "ok", redis: "ok", workersRunning: true, staleLoops: [] });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('baton_worker_loop_stale{loop="seal-audit"} 0');
    expect(metrics).toMatch(/baton_worker_loop_last_run_timestamp_seconds\{loop="refresh-kpis"\} \d+/);
  }, 40_000);

  it.skipIf(!PROMTOOL)("serves the loops' series in a valid Prometheus text format", async () => {
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const result = spawnSync(PROMTOOL!, ["check", "metrics"], { input: body, encoding: "utf8" });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it("re-creates a scheduler whose next job Redis lost, and the loop runs at once", async () => {
    const maintenance = queue(QUEUES.maintenance);
    const scheduler = await maintenance.getJobScheduler("prune-outbox");
    // Hourly: its next job waits in the delayed set for the rest of the hour.
    const lost = `repeat:prune-outbox:${scheduler!.next}`;
    expect(await maintenance.getJob(lost)).toBeTruthy();
    const ranBefore = (await lastRuns(port))["prune-outbox"]!;
    await admin.zrem(redisKey(QUEUES.maintenance, "delayed"), lost);
    await admin.del(redisKey(QUEUES.maintenance, lost));

    await within("prune-outbox to run again", CHECK + GRACE, async () => (await lastRuns(port))["prune-outbox"]! > ranBefore);
    const next = await maintenance.getJobScheduler("prune-outbox");
    expect(await maintenance.getJob(`repeat:prune-outbox:${next!.next}`)).toBeTruthy();
  }, 20_000);

  it("after FLUSHDB each loop comes back within its interval plus the grace and does its work", async () => {
    // Work whose jobs sit in Redis when it is flushed: a wait step's timeout and a held decision.
    const key = `heal-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Wait, then give up",
      steps: [
        { id: "paid", kind: "wait", event: `com.example.paid.${uid()}`, correlationKey: "{{n}}", timeout: "PT3S", onTimeout: "chase", next: "done" },
        { id: "chase", kind: "set", assign: { chased: true }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const instance = await startInstance(team.as.admin, key, { variables: { n: uid() } });
    const waiting = await within("the wait step", 15_000, () => db().stepRun.findFirst({ where: { instanceId: instance.id, stepId: "paid", status: "WAITING" } }));
    await dispatched(`wait-timeout.${waiting.id}`);
    const heldTask = await groupTask(team);
    const decided = await decideTask(team.as.alice, heldTask.id, { outcome: "approve", hold: true });
    await dispatched(`commit-decision.${heldTask.id}.${decided.version}`);

    const flushedAt = Date.now();
    await admin.flushdb();

    // Work after the flush: a message its committer never handed over, new audit entries.
    const orphan = `heal-orphan-${uid()}`;
    await db().outboxMessage.create({ data: { queue: QUEUES.maintenance, jobName: "commit-held-decisions", jobId: orphan, payload: {} } });
    const plantedAt = Date.now();
    const newTask = await groupTask(team);
    const heldUntil = (await db().heldDecision.findUniqueOrThrow({ where: { taskId: heldTask.id } })).heldUntil.getTime();
    const timeoutAt = waiting.timeoutAt!.getTime();
    // How long from now until `from` plus the loop's interval plus the grace.
    const by = (from: number, loop: keyof typeof EVERY) => Math.max(0, from + EVERY[loop] + GRACE - Date.now());

    await Promise.all([
      within("new audit entries sealed", by(flushedAt, "seal-audit"), async () => (await db().auditEntry.count({ where: { taskId: newTask.id, chainIndex: null } })) === 0),
      // The sweep leaves messages younger than two seconds to their committer.
      within("the orphaned outbox row dispatched", by(plantedAt + 2000, "dispatch-outbox"), async () => (await db().outboxMessage.findFirstOrThrow({ where: { jobId: orphan } })).dispatchedAt),
      // Recovery takes a wait over once it is ENGINE_STALE_GRACE_MS past its timeout.
      within("the instance past its lost timeout", by(Math.max(flushedAt, timeoutAt + 500), "recover-engine"), async () => (await getInstance(team.as.admin, instance.id)).status === "COMPLETED"),
      // The held-decision sweep commits holds a second past their window.
      within("the held decision committed", by(Math.max(flushedAt, heldUntil + 1000), "commit-held-decisions"), async () => !(await db().heldDecision.findUnique({ where: { taskId: heldTask.id } }))),
      within("a KPI refresh started after the flush", by(flushedAt, "refresh-kpis"), async () => {
        const state = await db().kpiRollupState.findUniqueOrThrow({ where: { name: "kpis" } });
        return state.lastRunAt.getTime() - state.lastDurationMs > flushedAt;
      }),
    ]);
    expect((await getInstance(team.as.admin, instance.id)).variables).toMatchObject({ chased: true });

    // Every loop ran since the flush, none is stale, and the schedulers are back.
    await within("every loop to have run since the flush", GRACE, async () => Object.values(await lastRuns(port)).every((t) => t > flushedAt));
    expect(await health(port)).toMatchObject({ code: 200, body: { status: "ok", staleLoops: [] } });
    expect(await queue(QUEUES.engine).getJobScheduler("recover-engine")).toMatchObject({ every: EVERY["recover-engine"] });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/baton_worker_schedule_repairs_total\{schedule="seal-audit",reason="scheduler missing"\} [1-9]/);
  }, 60_000);
});

describe("a worker that finds its loops stale", () => {
  // No timer check within the test (an hour): only a reconnect can bring the schedulers back.
  let port = 0;
  let worker: ChildProcess;
  beforeAll(async () => {
    port = await freePort();
    worker = await startWorkerProcess({ WORKER_HEALTH_PORT: String(port), WORKER_SCHEDULE_CHECK_MS: "3600000", WORKER_LOOP_GRACE_MS: "1000", AUDIT_SEAL_MS: "500", OUTBOX_SWEEP_MS: "500" });
  }, 60_000);
  afterAll(async () => {
    if (worker) await stopWorkerProcess(worker);
  });

  it("answers 503 naming the stale loops, and 200 once a reconnect re-created their schedulers", async () => {
    await within("a healthy worker", 30_000, async () => (await health(port)).code === 200);
    await admin.flushdb();

    const stale = await within("/health to call seal-audit stale", 5000, async () => {
      const h = await health(port);
      return h.code === 503 && h.body.staleLoops.includes("seal-audit") && h.body;
    });
    // The existing fields stay; the dependencies are fine, the loops are not.
    expect(stale).toMatchObject({ status: "degraded", database: "ok", redis: "ok", workersRunning: true });
    expect(stale.staleLoops).toContain("dispatch-outbox");
    expect(stale.loops["seal-audit"]).toMatchObject({ everyMs: 500, stale: true });
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('baton_worker_loop_stale{loop="seal-audit"} 1');

    // Every client but this one is dropped; the worker reconnects and checks its schedulers.
    await admin.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
    const back = await within("/health to be 200 again", 10_000, async () => {
      const h = await health(port);
      return h.code === 200 && h.body;
    });
    expect(back.staleLoops).toEqual([]);
    expect(await queue(QUEUES.maintenance).getJobScheduler("seal-audit")).toMatchObject({ every: 500 });
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('baton_worker_loop_stale{loop="seal-audit"} 0');
  }, 60_000);
});
