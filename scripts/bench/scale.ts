// npm run bench:scale — more processes, same work per unit, nothing lost or doubled (issue #24,
// docs/scaling.md). On its own database and Redis prefix, as separate OS processes (the helpers of
// tests/scale-out.int.test.ts): API web processes (`server.ts --api-only`, no build needed) and
// workers (`workers/index.ts`).
//   1. decide: BENCH_DECIDES open tasks decided over HTTP by BENCH_CONNECTIONS clients through 1,
//      then 2 web processes (the client spreads requests as a load balancer does): decisions/s and
//      CPU per decision by process (utime + stime from /proc/<pid>/stat), each decision checked once.
//   2. engine: BENCH_INSTANCES instances (http → set → http against a stand-in ERP) queued while
//      the engine queue is paused, then worked off by 1, then 2 worker processes: instances/s and
//      CPU per instance by process.
//   3. fault: 2 web + 2 workers, BENCH_FAULT_INSTANCES instances with a human step started and
//      decided through both web processes; one worker and one web process are killed (SIGKILL)
//      mid-run and clients retry on the other with the same Idempotency-Key. Afterwards: no
//      decision lost, none doubled, every instance completed once, the audit chain verifies.
// On one machine more processes cannot add cores: what must hold is that CPU per unit of work does
// not grow with the number of processes (docs/scaling.md extrapolates the figures to a cluster).
// Ends with {"bench":"scale","decide_per_s_1web":N,"decide_per_s_2web":N,"instances_per_s_1worker":N,
// "instances_per_s_2worker":N,"lost":0,"doubled":0,…}; exits 1 when anything was lost or doubled.
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import http from "node:http";

// Production checks in the children (NODE_ENV=production): keys of this run's own, unless given.
process.env.AUTH_SECRET ??= randomBytes(32).toString("base64");
process.env.AUDIT_SIGNING_KEY ??= generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");

import { cpuDelta, cpuSnapshot, finishBench, prepareBenchDatabase, postStatus, printTable, round, startStandInErp } from "./lib";
import { callWithFailover, isAlive, killWorkerProcesses, startApiWebProcess, startWorkerProcess, type WebProcess } from "../../tests/worker-process";

const DECIDES = Number(process.env.BENCH_DECIDES ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 600);
const FAULT_INSTANCES = Number(process.env.BENCH_FAULT_INSTANCES ?? 120);
const WORKER_CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? "16";
const WARMUP = 100;

// Every child: no per-token rate limit, loopback allowed for the stand-in ERP, decisions committed
// at once. The engine's recovery sweep looks every 5 s for steps stuck 20 s (the fault pass waits
// on it, or on BullMQ's stalled-job check); not shorter, or it would re-queue the steps the
// throughput phases hold back on purpose and cost CPU that is not the work being measured.
const childEnv = {
  LOG_LEVEL: "warn",
  API_RATE_LIMIT_PER_MINUTE: "0",
  OUTBOUND_ALLOW_HOSTS: "127.0.0.1",
  WORKER_CONCURRENCY,
  UNDO_WINDOW_SECONDS: "0",
  ENGINE_RECOVERY_MS: "5000",
  ENGINE_STALE_GRACE_MS: "20000",
  IDEMPOTENCY_LEASE_MS: "2000",
  OUTBOX_SWEEP_MS: "1000",
};

// The throughput client: node:http on keep-alive connections (postStatus in ./lib).
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const post = (base: string, path: string, token: string, body: unknown) => postStatus(agent, `${base}${path}`, token, JSON.stringify(body));

/** `count` calls from CONNECTIONS clients, call i through web i mod webs.length; seconds and 2xx. */
async function drive(webs: readonly WebProcess[], count: number, call: (i: number, base: string) => Promise<number>): Promise<{ seconds: number; ok: number; failed: number }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONNECTIONS, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const status = await call(i, webs[i % webs.length]!.url);
        if (status >= 200 && status < 300) ok++;
        else failed++;
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, ok, failed };
}

async function until(what: string, ms: number, fn: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type CpuRow = [string, number];
/** CPU ms per unit by process, and by role (web, worker, postgres, redis, bench). */
function perUnit(cpu: CpuRow[], units: number) {
  const role = (name: string) => name.replace(/ [A-Z]$/, "");
  const byRole = new Map<string, number>();
  for (const [name, ms] of cpu) byRole.set(role(name), (byRole.get(role(name)) ?? 0) + ms);
  const total = cpu.reduce((s, [, ms]) => s + ms, 0);
  return { byProcess: cpu.map(([n, ms]) => [n, ms / Math.max(units, 1)] as CpuRow), byRole: [...byRole].map(([n, ms]) => [n, ms / Math.max(units, 1)] as CpuRow), total: total / Math.max(units, 1) };
}

async function main() {
  const url = await prepareBenchDatabase("scale");
  Object.assign(process.env, childEnv);
  const { prismaClient: db, query } = await import("../../lib/db");
  const { createApiToken } = await import("../../lib/identity/service");
  const { publishDefinition } = await import("../../lib/processes/service");
  const { createGroup, createUser, userActor } = await import("../../prisma/factories");
  const { queue, QUEUES } = await import("../../lib/queues");
  const { verifyAuditChain } = await import("../../lib/audit/sealer");

  const erp = await startStandInErp();
  const erpUrl = erp.url;

  const webs: WebProcess[] = [];
  const workers: ChildProcess[] = [];
  const pids = () => ({
    ...Object.fromEntries(webs.map((w, i) => [`web ${"AB"[i]}`, w.child.pid])),
    ...Object.fromEntries(workers.map((w, i) => [`worker ${"AB"[i]}`, w.pid])),
  });
  try {
    // People, tokens and processes.
    const admin = await createUser(db(), { role: "ADMIN", name: "Bench Admin" });
    const actor = userActor({ id: admin.id, name: admin.name, role: "ADMIN" });
    const deciders = await Promise.all([0, 1].map((i) => createUser(db(), { role: "MEMBER", name: `Bench Decider ${i + 1}` })));
    const group = await createGroup(db(), { key: "bench-scale", name: "Bench scale", memberIds: [admin.id, ...deciders.map((d) => d.id)] });
    const cli = { type: "SYSTEM" as const, id: null, name: "bench", role: "ADMIN" as const, permissions: new Set(["tokens:manage" as const]) };
    const { token: adminToken } = await createApiToken(actor, { name: "bench-admin", role: "ADMIN", rateLimitPerMinute: 0 });
    const deciderTokens = await Promise.all(deciders.map(async (d, i) => (await createApiToken(cli, { name: `bench-decider-${i}`, role: "MEMBER", owner: d.id, rateLimitPerMinute: 0 })).token));
    await publishDefinition(actor, {
      key: "bench-scale-engine",
      name: "Bench scale: engine",
      steps: [
        { id: "reserve", kind: "http", url: `${erpUrl}/reserve`, body: { order: "{{order}}" }, output: { reservation: "body.id" }, retries: { max: 2, backoff: "PT0.2S" }, next: "stamp" },
        { id: "stamp", kind: "set", assign: { stamped: true }, next: "ship" },
        { id: "ship", kind: "http", url: `${erpUrl}/ship`, body: { order: "{{order}}" }, retries: { max: 2, backoff: "PT0.2S" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    await publishDefinition(actor, {
      key: "bench-scale-fault",
      name: "Bench scale: fault pass",
      steps: [
        { id: "review", kind: "human", title: "Review {{n}}", candidateGroup: group.key, next: { approve: "stamp", reject: "stamp" } },
        { id: "stamp", kind: "set", assign: { stamped: true }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    // Open queue tasks for the decide phases, written as rows (as bench:inbox seeds them).
    const seeded = 2 * (DECIDES + WARMUP);
    await query(
      `INSERT INTO "Task" ("id","title","context","status","priority","candidateGroupId","createdAt","updatedAt")
       SELECT 'bt' || g, 'Approve invoice INV-' || g, jsonb_build_object('amount', g), 'OPEN'::"TaskStatus", 'NORMAL'::"TaskPriority", $1, now(), now()
       FROM generate_series(1, ${seeded}) g`,
      [group.id],
    );

    // Processes, one at a time (TypeScript start-ups side by side on two cores outlast the timeouts).
    console.log("starting 2 API web processes and 1 worker…");
    for (let i = 0; i < 2; i++) webs.push(await startApiWebProcess(childEnv));
    workers.push(await startWorkerProcess(childEnv, { quiet: true, timeoutMs: 300_000 }));

    // 1. decide, through 1 then 2 web processes.
    let taskNo = 0;
    const decide = (i: number, base: string) => post(base, `/api/v1/tasks/bt${++taskNo}/decision`, deciderTokens[i % 2]!, { outcome: "approve" });
    const decidePhase = async (n: number) => {
      const on = webs.slice(0, n);
      const warm = await drive(on, WARMUP, decide);
      const cpu0 = cpuSnapshot(pids());
      const r = await drive(on, DECIDES, decide);
      return { ...r, warmOk: warm.ok, perS: r.ok / r.seconds, cpu: perUnit(cpuDelta(cpu0, cpuSnapshot(pids())), r.ok) };
    };
    console.log(`decide: ${DECIDES} decisions through 1, then 2 web processes…`);
    const decide1 = await decidePhase(1);
    const decide2 = await decidePhase(2);
    const [decided] = await query<{ decided: number; approvals: number; doubled_approvals: number; audited: number }>(
      `SELECT (SELECT count(*)::int FROM "Task" WHERE "id" LIKE 'bt%' AND "status" = 'DECIDED') AS decided,
              (SELECT count(*)::int FROM "TaskApproval" WHERE "taskId" LIKE 'bt%') AS approvals,
              (SELECT count(*)::int FROM (SELECT "taskId" FROM "TaskApproval" WHERE "taskId" LIKE 'bt%' GROUP BY "taskId" HAVING count(*) > 1) d) AS doubled_approvals,
              (SELECT count(*)::int FROM "AuditEntry" WHERE "taskId" LIKE 'bt%' AND "action" = 'task.approved') AS audited`,
    );
    const decideOk = decide1.ok + decide2.ok + decide1.warmOk + decide2.warmOk;
    let lost = Math.max(0, decideOk - decided!.decided);
    let doubled = decided!.doubled_approvals + Math.max(0, decided!.audited - decided!.decided);

    // 2. engine, with 1 then 2 workers.
    const engineQueue = queue(QUEUES.engine);
    let instanceNo = 0;
    const start = (_i: number, base: string) => {
      const n = ++instanceNo;
      return post(base, "/api/v1/processes/bench-scale-engine/instances", adminToken, { businessKey: `engine-${n}`, variables: { order: `ORD-${n}` } });
    };
    const completedEngine = async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "ProcessInstance" WHERE "businessKey" LIKE 'engine-%' AND "status" = 'COMPLETED'`))[0]!.n;
    const enginePhase = async () => {
      // Warm the worker(s), then queue the measured instances while the queue is paused, and time
      // the workers working them off.
      const before = await completedEngine();
      await drive(webs, WARMUP / 2, start);
      await until("the warm-up instances to complete", 120_000, async () => (await completedEngine()) >= before + WARMUP / 2);
      await engineQueue.pause();
      const queued = await drive(webs, INSTANCES, start);
      if (queued.failed) throw new Error(`${queued.failed} instance starts failed`);
      const target = before + WARMUP / 2 + INSTANCES;
      const cpu0 = cpuSnapshot(pids());
      const t0 = performance.now();
      await engineQueue.resume();
      await until(`${INSTANCES} instances to complete`, 600_000, async () => (await completedEngine()) >= target);
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, perS: INSTANCES / seconds, cpu: perUnit(cpuDelta(cpu0, cpuSnapshot(pids())), INSTANCES) };
    };
    console.log(`engine: ${INSTANCES} instances worked off by 1, then 2 workers…`);
    const engine1 = await enginePhase();
    workers.push(await startWorkerProcess(childEnv, { quiet: true, timeoutMs: 300_000 }));
    const engine2 = await enginePhase();
    const [engineCheck] = await query<{ instances: number; keys: number; doubled_runs: number; failed: number }>(
      `SELECT (SELECT count(*)::int FROM "ProcessInstance" WHERE "businessKey" LIKE 'engine-%') AS instances,
              (SELECT count(DISTINCT "businessKey")::int FROM "ProcessInstance" WHERE "businessKey" LIKE 'engine-%') AS keys,
              (SELECT count(*)::int FROM (SELECT 1 FROM "StepRun" r JOIN "ProcessInstance" i ON i."id" = r."instanceId"
                 WHERE i."businessKey" LIKE 'engine-%' AND r."status" = 'COMPLETED' GROUP BY r."instanceId", r."stepId" HAVING count(*) > 1) d) AS doubled_runs,
              (SELECT count(*)::int FROM "ProcessInstance" WHERE "businessKey" LIKE 'engine-%' AND "status" <> 'COMPLETED') AS failed`,
    );
    lost += engineCheck!.failed + Math.max(0, instanceNo - engineCheck!.instances);
    doubled += engineCheck!.instances - engineCheck!.keys + engineCheck!.doubled_runs;

    // 3. fault: 2 web + 2 workers, one of each killed mid-run.
    console.log(`fault: ${FAULT_INSTANCES} instances through 2 web processes and 2 workers, one of each killed mid-run…`);
    const run = randomUUID().slice(0, 8);
    const faultT0 = performance.now();
    const acknowledged = new Set<string>();
    const decisions = new Map<string, Promise<void>>();
    const problems: string[] = [];
    const decideOpen = async () => {
      const open = await query<{ id: string }>(
        `SELECT t."id" FROM "Task" t JOIN "ProcessInstance" i ON i."id" = t."instanceId" WHERE i."businessKey" LIKE $1 AND t."status" = 'OPEN'`,
        [`fault-${run}-%`],
      );
      for (const t of open) {
        if (decisions.has(t.id)) continue;
        const i = decisions.size % 2;
        decisions.set(
          t.id,
          callWithFailover(webs, i, { method: "POST", path: `/api/v1/tasks/${t.id}/decision`, token: deciderTokens[i]!, key: `decide-${t.id}`, body: { outcome: "approve" } }).then((r) => {
            // Already decided (a retry after the first attempt committed on a process that then died) is done.
            if (r.status === 200 || r.json.code === "TASK_ALREADY_DECIDED") acknowledged.add(t.id);
            else problems.push(`decide ${t.id}: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
          }),
        );
      }
    };
    const starts: Promise<void>[] = [];
    let killed = "";
    for (let i = 0; i < FAULT_INSTANCES; i++) {
      starts.push(
        callWithFailover(webs, i % 2, { method: "POST", path: "/api/v1/processes/bench-scale-fault/instances", token: adminToken, key: `start-${run}-${i}`, body: { businessKey: `fault-${run}-${i}`, variables: { n: i } } }).then((r) => {
          if (r.status !== 201 && r.status !== 200) problems.push(`start ${i}: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
        }),
      );
      if (i % 10 === 9) await decideOpen();
      if (i === Math.floor(FAULT_INSTANCES * 0.4)) {
        workers[0]!.kill("SIGKILL");
        webs[0]!.child.kill("SIGKILL");
        killed = `worker A (pid ${workers[0]!.pid}) and web A (pid ${webs[0]!.child.pid}) after ${i + 1} starts`;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(starts);
    const faultDone = async () =>
      (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "ProcessInstance" WHERE "businessKey" LIKE $1 AND "status" = 'COMPLETED'`, [`fault-${run}-%`]))[0]!.n;
    await until("every fault-pass instance to complete", 180_000, async () => {
      await decideOpen();
      return (await faultDone()) >= FAULT_INSTANCES;
    }).catch((e: Error) => problems.push(e.message));
    await Promise.all(decisions.values());
    const faultSeconds = (performance.now() - faultT0) / 1000;
    // The surviving worker's sweeps get their chance to do anything twice.
    await new Promise((r) => setTimeout(r, 3000));
    const [fault] = await query<{ instances: number; keys: number; completed: number; tasks: number; decided: number; doubled_tasks: number; doubled_runs: number; doubled_approvals: number; approved_audit: number; completed_audit: number }>(
      `WITH i AS (SELECT "id", "businessKey", "status" FROM "ProcessInstance" WHERE "businessKey" LIKE $1),
            t AS (SELECT t."id", t."instanceId", t."status" FROM "Task" t JOIN i ON i."id" = t."instanceId")
       SELECT (SELECT count(*)::int FROM i) AS instances,
              (SELECT count(DISTINCT "businessKey")::int FROM i) AS keys,
              (SELECT count(*)::int FROM i WHERE "status" = 'COMPLETED') AS completed,
              (SELECT count(*)::int FROM t) AS tasks,
              (SELECT count(*)::int FROM t WHERE "status" = 'DECIDED') AS decided,
              (SELECT count(*)::int FROM (SELECT 1 FROM t GROUP BY "instanceId" HAVING count(*) > 1) d) AS doubled_tasks,
              (SELECT count(*)::int FROM (SELECT 1 FROM "StepRun" r JOIN i ON i."id" = r."instanceId" GROUP BY r."instanceId", r."stepId" HAVING count(*) > 1) d) AS doubled_runs,
              (SELECT count(*)::int FROM (SELECT 1 FROM "TaskApproval" a JOIN t ON t."id" = a."taskId" GROUP BY a."taskId" HAVING count(*) > 1) d) AS doubled_approvals,
              (SELECT count(*)::int FROM "AuditEntry" a JOIN t ON t."id" = a."taskId" WHERE a."action" = 'task.approved') AS approved_audit,
              (SELECT count(*)::int FROM "AuditEntry" a JOIN i ON i."id" = a."instanceId" WHERE a."action" = 'instance.completed') AS completed_audit`,
      [`fault-${run}-%`],
    );
    const f = fault!;
    const faultLost = Math.max(0, FAULT_INSTANCES - f.keys) + (f.keys - f.completed) + Math.max(0, acknowledged.size - f.decided);
    const faultDoubled = f.instances - f.keys + f.doubled_tasks + f.doubled_runs + f.doubled_approvals + Math.max(0, f.approved_audit - f.decided) + Math.max(0, f.completed_audit - f.completed);
    lost += faultLost;
    doubled += faultDoubled;
    // One chain, whichever worker sealed which entry, across the kill.
    await until("every audit entry sealed by the surviving worker", 60_000, async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEntry" WHERE "chainIndex" IS NULL`))[0]!.n === 0).catch((e: Error) =>
      problems.push(e.message),
    );
    const chain = await verifyAuditChain();

    const cpuTable = (title: string, a: ReturnType<typeof perUnit>, b: ReturnType<typeof perUnit>, labels: [string, string]) => {
      const roles = [...new Set([...a.byRole, ...b.byRole].map(([n]) => n))];
      const of = (p: ReturnType<typeof perUnit>, n: string) => round(p.byRole.find(([r]) => r === n)?.[1] ?? 0, 3);
      printTable(title, [
        ["process role", `${labels[0]} / ${labels[1]}`],
        ...roles.map((n) => [n, `${of(a, n)} / ${of(b, n)}`] as [string, string]),
        ["total", `${round(a.total, 3)} / ${round(b.total, 3)}  (ratio ${round(b.total / Math.max(a.total, 1e-9), 2)})`],
      ]);
    };
    printTable("bench:scale — throughput (one machine: more processes share the same cores)", [
      [`decide, 1 web process (${DECIDES} decisions, ${CONNECTIONS} clients)`, `${round(decide1.perS)} /s  (${decide1.failed} failed)`],
      ["decide, 2 web processes", `${round(decide2.perS)} /s  (${decide2.failed} failed)`],
      [`engine, 1 worker (${INSTANCES} instances: http → set → http)`, `${round(engine1.perS)} /s`],
      [`engine, 2 workers (concurrency ${WORKER_CONCURRENCY} each)`, `${round(engine2.perS)} /s`],
      ["ERP calls (2 per instance)", `${erp.calls()} for ${instanceNo} instances`],
    ]);
    cpuTable("bench:scale — CPU ms per decision, by process role (1 web / 2 web)", decide1.cpu, decide2.cpu, ["1 web", "2 web"]);
    cpuTable("bench:scale — CPU ms per instance, by process role (1 worker / 2 workers)", engine1.cpu, engine2.cpu, ["1 worker", "2 workers"]);
    printTable("bench:scale — fault pass (2 web + 2 workers, SIGKILL mid-run)", [
      ["killed", killed],
      ["instances started / distinct / completed", `${f.instances} / ${f.keys} / ${f.completed} of ${FAULT_INSTANCES}`],
      ["tasks / decided / decisions acknowledged", `${f.tasks} / ${f.decided} / ${acknowledged.size}`],
      ["doubled: instances, tasks, step runs, approvals", `${f.instances - f.keys}, ${f.doubled_tasks}, ${f.doubled_runs}, ${f.doubled_approvals}`],
      ["audit: task.approved / instance.completed", `${f.approved_audit} / ${f.completed_audit}`],
      ["seconds (first start → last completion)", round(faultSeconds, 1)],
      ["audit chain", chain.ok ? `intact, ${chain.checked} entries` : `BROKEN at ${JSON.stringify(chain.firstBroken)}`],
      ["lost / doubled over the whole run", `${lost} / ${doubled}`],
    ]);
    for (const p of problems) console.log(`problem: ${p}`);
    const ok = lost === 0 && doubled === 0 && chain.ok && problems.length === 0;
    if (!ok) console.log("bench:scale: something was lost, doubled or broken (above)");
    console.log(
      JSON.stringify({
        bench: "scale",
        decide_per_s_1web: round(decide1.perS),
        decide_per_s_2web: round(decide2.perS),
        instances_per_s_1worker: round(engine1.perS),
        instances_per_s_2worker: round(engine2.perS),
        lost,
        doubled,
        cpu_ms_per_decision_1web: round(decide1.cpu.total, 3),
        cpu_ms_per_decision_2web: round(decide2.cpu.total, 3),
        cpu_ms_per_instance_1worker: round(engine1.cpu.total, 3),
        cpu_ms_per_instance_2worker: round(engine2.cpu.total, 3),
        fault_instances: FAULT_INSTANCES,
        audit_chain_ok: chain.ok,
      }),
    );
    if (!ok) process.exitCode = 1;
  } finally {
    for (const w of webs) if (isAlive(w.child)) w.child.kill("SIGTERM");
    killWorkerProcesses();
    erp.close();
    agent.destroy();
    await finishBench(url);
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e);
    killWorkerProcesses();
    process.exit(1);
  },
);
