// Several web and worker processes on one database and one Redis (issue #24, docs/operations.md):
// two API web processes (`server.ts --api-only`) and two workers, started as separate OS
// processes. A live stream on web A sees a decision made on web B, and each web process holds one
// Redis subscription however many streams it serves. Then a load — instances started and their
// tasks decided through both web processes, tasks escalating on timers — during which one worker
// and one web process are killed with SIGKILL. A client that loses its web process retries on the
// other with the same Idempotency-Key (what a load balancer in front of idempotent clients does).
// Afterwards every effect happened exactly once: one instance per start, one task per instance,
// each step run once, one decision, one completion, each escalation level once; the audit chain
// (sealed by whichever worker held the sealer's lock) verifies.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditVerify, ownDatabase } from "./databases";
import { callWithFailover, killWorkerProcesses, readStreamText, startApiWebProcess, startWorkerProcess, type WebProcess } from "./worker-process";

const own = await ownDatabase("scale");
const { db, makeTeam, tokenFor, uid } = await import("./helpers");
const { createTask } = await import("@/lib/tasks");
const { redis } = await import("@/lib/redis");
const { liveChannel } = await import("@/lib/live/publish");

const loops = {
  AUDIT_SEAL_MS: "300",
  OUTBOX_SWEEP_MS: "300",
  ESCALATION_SWEEP_MS: "500",
  ESCALATION_SWEEP_GRACE_MS: "300",
  ENGINE_RECOVERY_MS: "500",
  ENGINE_STALE_GRACE_MS: "1000",
  WORKER_SCHEDULE_CHECK_MS: "1000",
  IDEMPOTENCY_LEASE_MS: "2000",
  UNDO_WINDOW_SECONDS: "0",
};
const webs: WebProcess[] = [];
const workers: ChildProcess[] = [];

const startWeb = () => startApiWebProcess(loops);

beforeAll(async () => {
  // One at a time: four TypeScript start-ups at once on a busy 2-core machine outlast the timeouts.
  for (let i = 0; i < 2; i++) workers.push(await startWorkerProcess(loops));
  for (let i = 0; i < 2; i++) webs.push(await startWeb());
}, 240_000);

afterAll(async () => {
  killWorkerProcesses();
  await own.cleanup();
});

/** Through web `prefer`, failing over to the other as a load balancer does (tests/worker-process.ts). */
const call = (prefer: number, method: string, path: string, token: string, key: string, body: unknown) => callWithFailover(webs, prefer, { method, path, token, key, body });

/** SSE frames of GET /api/v1/stream on one web process. */
async function openStream(base: string, token: string) {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/v1/stream`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  return readStreamText(res, abort);
}

async function until<T>(what: string, ms: number, fn: () => Promise<T | null | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("two web and two worker processes", () => {
  it("an API node answers /api/health, the image's health check, as a full node does; other pages 404", async () => {
    const res = await fetch(`${webs[0]!.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: "ok", redis: "ok" });
    expect((await fetch(`${webs[0]!.url}/api/healthz`)).status).toBe(404);
    expect((await fetch(`${webs[0]!.url}/login`)).status).toBe(404);
  });

  it("a stream on web A sees a decision made on web B; each web process holds one subscription", { timeout: 60_000 }, async () => {
    const team = await makeTeam();
    const supervisor = (await tokenFor(team, "SUPERVISOR", { owner: "supervisor" })).token;
    const alice = (await tokenFor(team, "MEMBER", { owner: "alice" })).token;
    const streams = [await openStream(webs[0]!.url, supervisor), await openStream(webs[0]!.url, supervisor), await openStream(webs[1]!.url, supervisor)];
    await until("the streams to be ready", 10_000, async () => streams.every((s) => s.has("event: ready")));
    // Three streams, two processes: two subscribers on the channel.
    const [, n] = (await redis().pubsub("NUMSUB", liveChannel())) as [string, number];
    expect(Number(n)).toBe(2);

    const task = await createTask(team.as.supervisor, { title: `Live ${uid()}`, candidateGroup: team.group.key });
    const decided = await call(1, "POST", `/api/v1/tasks/${task.id}/decision`, alice, `live-${task.id}`, { outcome: "approve" });
    expect(decided.status).toBe(200);
    await until("web A's streams to see the decision made on web B", 10_000, async () =>
      streams.slice(0, 2).every((s) => s.has(`"type":"task.decided","taskId":"${task.id}"`) || s.has(`"taskId":"${task.id}","type":"task.decided"`)),
    );
    for (const s of streams) await s.close();
  });

  it("under load, with one worker and one web process killed, every effect happens exactly once", { timeout: 240_000 }, async () => {
    const team = await makeTeam();
    const admin = (await tokenFor(team, "ADMIN", { owner: "admin" })).token;
    const deciders = [(await tokenFor(team, "MEMBER", { owner: "alice" })).token, (await tokenFor(team, "MEMBER", { owner: "bob" })).token];
    const key = `scale-${uid()}`;
    const started = await call(0, "POST", "/api/v1/processes", admin, `def-${key}`, {
      key,
      name: "Scale-out check",
      steps: [
        { id: "review", kind: "human", title: "Review {{n}}", candidateGroup: team.group.key, next: { approve: "stamp", reject: "stamp" } },
        { id: "stamp", kind: "set", assign: { stamped: true }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    expect(started.status).toBe(201);
    // Timers: tasks whose only level fires during the load.
    const timed = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createTask(team.as.supervisor, { title: `Timer ${i} ${uid()}`, candidateGroup: team.group.key, escalation: { levels: [{ after: "PT3S", action: "remind" }] } }),
      ),
    );

    const N = 30;
    const run = uid();
    const starts: Promise<unknown>[] = [];
    const decisions = new Map<string, Promise<unknown>>();
    let killed = false;
    const decideOpen = async () => {
      const open = await db().task.findMany({ where: { instance: { businessKey: { startsWith: `${run}-` } }, status: "OPEN" }, select: { id: true } });
      for (const t of open) {
        if (decisions.has(t.id)) continue;
        const i = decisions.size % 2;
        decisions.set(
          t.id,
          call(i, "POST", `/api/v1/tasks/${t.id}/decision`, deciders[i]!, `decide-${t.id}`, { outcome: "approve" }).then((r) => {
            // Already decided (a retry after the first attempt committed on a process that then died) is done.
            if (r.status !== 200 && r.json.code !== "TASK_ALREADY_DECIDED") throw new Error(`decide ${t.id}: ${r.status} ${JSON.stringify(r.json)}`);
          }),
        );
      }
    };
    for (let i = 0; i < N; i++) {
      starts.push(
        call(i % 2, "POST", `/api/v1/processes/${key}/instances`, admin, `start-${run}-${i}`, { businessKey: `${run}-${i}`, variables: { n: i } }).then((r) => {
          if (r.status !== 201 && r.status !== 200) throw new Error(`start ${i}: ${r.status} ${JSON.stringify(r.json)}`);
        }),
      );
      if (i % 5 === 4) await decideOpen();
      if (i === 12 && !killed) {
        // Mid-load: one worker and one web process die without warning.
        killed = true;
        workers[0]!.kill("SIGKILL");
        webs[0]!.child.kill("SIGKILL");
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(starts);
    expect(killed).toBe(true);
    await until("every instance to complete", 120_000, async () => {
      await decideOpen();
      const done = await db().processInstance.count({ where: { businessKey: { startsWith: `${run}-` }, status: "COMPLETED" } });
      return done === N;
    });
    await Promise.all(decisions.values());
    await until("every timer task to escalate", 60_000, async () => (await db().taskEscalation.count({ where: { taskId: { in: timed.map((t) => t.id) } } })) >= timed.length);
    // The surviving worker's sweeps have had their chance to do anything twice.
    await new Promise((r) => setTimeout(r, 2000));

    const instances = await db().processInstance.findMany({ where: { businessKey: { startsWith: `${run}-` } }, select: { id: true, businessKey: true, variables: true } });
    expect(instances).toHaveLength(N);
    expect(new Set(instances.map((i) => i.businessKey)).size).toBe(N);
    const ids = instances.map((i) => i.id);
    expect(instances.every((i) => (i.variables as { stamped?: boolean }).stamped === true)).toBe(true);
    const runs = await db().stepRun.groupBy({ by: ["instanceId", "stepId", "status"], where: { instanceId: { in: ids } }, _count: true });
    expect(runs.filter((r) => r._count !== 1 || r.status !== "COMPLETED")).toEqual([]);
    expect(runs).toHaveLength(N * 3);
    const tasks = await db().task.groupBy({ by: ["instanceId"], where: { instanceId: { in: ids } }, _count: true });
    expect(tasks.every((t) => t._count === 1)).toBe(true);
    expect(tasks).toHaveLength(N);
    const taskIds = (await db().task.findMany({ where: { instanceId: { in: ids } }, select: { id: true } })).map((t) => t.id);
    const audit = await db().auditEntry.groupBy({ by: ["action"], where: { OR: [{ instanceId: { in: ids } }, { taskId: { in: [...taskIds, ...timed.map((t) => t.id)] } }] }, _count: true });
    const count = Object.fromEntries(audit.map((a) => [a.action, a._count]));
    expect(count).toMatchObject({ "instance.started": N, "instance.completed": N, "task.created": N + timed.length, "task.approved": N, "task.reminded": timed.length });
    const levels = await db().taskEscalation.groupBy({ by: ["taskId", "level"], where: { taskId: { in: timed.map((t) => t.id) } }, _count: true });
    expect(levels).toHaveLength(timed.length);
    expect(levels.every((l) => l._count === 1)).toBe(true);

    // One chain, whichever worker sealed which entry, across the kill.
    await until("every entry sealed", 20_000, async () => (await db().auditEntry.count({ where: { chainIndex: null } })) === 0);
    expect(auditVerify(own.owner)).toMatch(/Audit chain intact/);
  });
});
