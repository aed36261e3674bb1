// npm run bench:engine — the process engine under load, with the built web server (server.ts) and one worker
// process on this machine: (1) CloudEvents accepted per second by POST /api/v1/events (concurrent,
// autocannon), both events kept for correlation and events that start an instance; (2) instances
// completed end to end per second for a three-step process: automated (HTTP) → human task
// approved through the API → automated (HTTP); (3) the ceiling, measured in the same run: one
// instance's rows written by raw statements from as many pg clients as the worker's concurrency
// (`raw_instances_per_s`, `instances_ratio`; #25). Ends with one JSON line.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import { randomUUID } from "node:crypto";
import path from "node:path";
import autocannon from "autocannon";
import { cpuDelta, cpuSnapshot, finishBench, percentile, prepareBenchDatabase, postStatus, printTable, round, startStandInErp } from "./lib";

const PORT = Number(process.env.BENCH_PORT ?? 3220);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const INTAKE_SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 10);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1000);
const APPROVERS = Number(process.env.BENCH_APPROVERS ?? 16);
const INTAKE_WARMUP = Number(process.env.BENCH_INTAKE_WARMUP ?? 2_000);
const WORKER_CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? "32";
const START_TYPE = "com.acme.bench.order.received";
const base = `http://127.0.0.1:${PORT}`;
const children: ChildProcess[] = [];

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv, ready: (out: string) => boolean, what: string): Promise<ChildProcess> {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], cwd: process.cwd() });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let up = false;
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out.slice(-2000)}`)), 90_000);
    const onData = (b: Buffer) => {
      // Once up, only a short tail is kept (for the exit message): the child's log lines cost
      // this process no more than a copy, so the harness takes as little of the two cores as it can.
      out = (out + b.toString()).slice(up ? -2000 : -100_000);
      if (!up && ready(out)) {
        up = true;
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}):\n${out.slice(-2000)}`)));
  });
}

async function waitForHttp(url: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

// The approvers' client: node:http on keep-alive connections (postStatus in ./lib).
const approverAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const post = (pathname: string, token: string, body: string) => postStatus(approverAgent, `${base}${pathname}`, token, body);

function cloudEvent(type: string, extra: Record<string, unknown>) {
  return JSON.stringify({ specversion: "1.0", id: "[<id>]", source: "urn:acme:bench", type, datacontenttype: "application/json", ...extra });
}

// High-rate producers send `Prefer: respond-async`: 202 once the event is recorded with its
// process-event job (one statement); the worker starts or correlates it (ADR 014).
async function cannon(opts: { body: string; seconds?: number; amount?: number; token: string }) {
  // With `amount`, autocannon's duration ends on its next one-second tick after the last response:
  // the pass keeps its own clock, first request to last response.
  const started = performance.now();
  let lastResponse = started;
  const result = await autocannon({
    url: `${base}/api/v1/events`,
    method: "POST",
    connections: CONNECTIONS,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds }),
    headers: { "content-type": "application/cloudevents+json", authorization: `Bearer ${opts.token}`, prefer: "respond-async" },
    // A fresh CloudEvent id per request ("[<id>]" in the template). Not autocannon's own
    // idReplacement: in autocannon 8.0.0 it fails every request before sending it.
    requests: [{ setupRequest: (req) => ({ ...req, body: opts.body.replaceAll("[<id>]", randomUUID()) }) }],
    setupClient: (client) => void client.on("response", () => (lastResponse = performance.now())),
  });
  const ok = result["2xx"];
  const seconds = opts.amount ? (lastResponse - started) / 1000 || 1 : result.duration;
  return { ok, non2xx: result.non2xx + result.errors, seconds, perS: ok / seconds, p50: result.latency.p50, p99: result.latency.p99 };
}

async function main() {
  const url = await prepareBenchDatabase("engine");
  const { prismaClient: db, query } = await import("../../lib/db");
  const { createApiToken } = await import("../../lib/identity/service");
  const { publishDefinition } = await import("../../lib/processes/service");
  const { createGroup, createUser, userActor } = await import("../../prisma/factories");

  // The "ERP": answers at once, counting calls.
  const erp = await startStandInErp();
  const erpUrl = erp.url;

  try {
    const admin = await createUser(db(), { role: "ADMIN", name: "Bench Admin" });
    const actor = userActor({ id: admin.id, name: admin.name, role: "ADMIN" });
    // The admin starts the instances (her token posts the events), so she is their tasks' requester
    // and may not decide them (ADR 021): a second person in the group approves, with a token of his own.
    const benchApprover = await createUser(db(), { role: "MEMBER", name: "Bench Approver" });
    const group = await createGroup(db(), { key: "bench-approvers", name: "Bench approvers", memberIds: [admin.id, benchApprover.id] });
    // Not rate limited: the bench measures the intake, not the per-token limit (API_RATE_LIMIT_PER_MINUTE).
    const { token } = await createApiToken(actor, { name: "bench", role: "ADMIN", rateLimitPerMinute: 0 });
    const cli = { type: "SYSTEM" as const, id: null, name: "bench", role: "ADMIN" as const, permissions: new Set(["tokens:manage" as const]) };
    const { token: approverToken } = await createApiToken(cli, { name: "bench-approver", role: "MEMBER", owner: benchApprover.id, rateLimitPerMinute: 0 });
    await publishDefinition(actor, {
      key: "bench-order",
      name: "Bench order",
      startOn: [START_TYPE],
      steps: [
        { id: "reserve", kind: "http", url: `${erpUrl}/reserve`, body: { order: "{{order}}" }, output: { reservation: "body.id" }, retries: { max: 2, backoff: "PT0.2S" }, next: "approve" },
        { id: "approve", kind: "human", title: "Approve order {{order}}", candidateGroup: group.key, next: { approve: "ship", reject: "rejected" } },
        { id: "ship", kind: "http", url: `${erpUrl}/ship`, body: { order: "{{order}}" }, retries: { max: 2, backoff: "PT0.2S" }, next: "done" },
        { id: "rejected", kind: "end" },
        { id: "done", kind: "end" },
      ],
    });

    if (!existsSync(path.join(".next", "BUILD_ID"))) {
      console.log("No production build (.next/BUILD_ID): running next build first…");
      await new Promise<void>((resolve, reject) => {
        const b = spawn(path.join("node_modules", ".bin", "next"), ["build"], { stdio: "inherit" });
        b.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited ${code}`))));
      });
    }
    const childEnv = { ...process.env, LOG_LEVEL: "warn", API_RATE_LIMIT_PER_MINUTE: "0", PORT: String(PORT), AUTH_URL: base, NODE_ENV: "production" as const };
    // BENCH_PROFILE_DIR=<dir>: the web server and the worker write V8 CPU profiles there when they stop.
    const profile = process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const web = await start(process.execPath, [...profile, "--import", "tsx", "server.ts", "-p", String(PORT), "-H", "127.0.0.1"], childEnv, (o) => /ready on/i.test(o), "web server");
    await waitForHttp(`${base}/api/health`);

    // One event first, so a broken intake stops the bench with its answer instead of a table of zeros.
    const probe = await fetch(`${base}/api/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json", authorization: `Bearer ${token}` },
      body: cloudEvent("com.acme.bench.probe", { id: "probe-1", subject: "probe", data: { n: 1 } }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!probe.ok) throw new Error(`POST /api/v1/events answered ${probe.status}: ${(await probe.text()).slice(0, 500)}`);
    // Warm the routes: pools and caches open, and the intake path optimised by V8 as in a server
    // in service (with 200 calls the first pass measured the compiler at work).
    const warm = await cannon({ body: cloudEvent("com.acme.bench.warmup", { subject: "warm", data: { n: 1 } }), amount: INTAKE_WARMUP, token });
    const intakeCpu0 = cpuSnapshot({ web: web.pid });

    // 1a. Intake: events kept for correlation (nobody subscribes to the type; each has a key).
    const kept = await cannon({ body: cloudEvent("com.acme.bench.payment.settled", { subject: "ORD-[<id>]", data: { amount: 12.5 } }), seconds: INTAKE_SECONDS, token });
    // 1b. Intake of events that each start an instance. Accepted only: the worker of phase 2 starts
    // the instances, so "end to end" runs from the accepted event to the completed instance.
    const starts = await cannon({ body: cloudEvent(START_TYPE, { subject: "ORD-[<id>]", data: { order: "ORD-[<id>]", amount: 99 } }), amount: INSTANCES, token });
    const started = starts.ok;
    const intakeCpu = cpuDelta(intakeCpu0, cpuSnapshot({ web: web.pid }));

    // 2a. The worker starts and first works off phase 1a's accepted events (queued before 1b's):
    // each is looked at under the correlation lock and kept as "pending".
    const d0 = Date.now();
    const worker = await start(process.execPath, [...profile, "--import", "tsx", "workers/index.ts"], { ...childEnv, LOG_LEVEL: "info", WORKER_HEALTH_PORT: "0", WORKER_CONCURRENCY }, (o) => o.includes("worker ready"), "worker");
    const drainCpu0 = cpuSnapshot({ web: web.pid, worker: worker.pid });
    // Every event kept for correlation (the probe, the warm-up's and phase 1a's; the worker takes
    // them in about the order they came), until none is left unprocessed.
    for (;;) {
      const rows = await db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "EventReceipt" WHERE "type" <> ${START_TYPE} AND "result" IS NULL`;
      const n = rows[0]?.n ?? 0;
      if (n === 0 || Date.now() - d0 > 600_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const drainS = (Date.now() - d0) / 1000;
    const keptTotal = warm.ok + kept.ok + 1;
    const intakeAccepted = Math.max(1, kept.ok + starts.ok);
    const drainCpu = cpuDelta(drainCpu0, cpuSnapshot({ web: web.pid, worker: worker.pid }));

    // 2b. End to end: the worker starts phase 1b's instances and runs their steps; approvers
    // decide each task through the API.
    const cpuOf = () => cpuSnapshot({ web: web.pid, worker: worker.pid });
    // BENCH_PG_STATEMENTS=1 (needs pg_stat_statements loaded): the statements this phase ran, per instance.
    const pgStatements = process.env.BENCH_PG_STATEMENTS === "1";
    if (pgStatements) {
      const preload = await db().$queryRawUnsafe<{ loaded: boolean }[]>("SELECT current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%' AS loaded");
      if (!preload[0]?.loaded) throw new Error("BENCH_PG_STATEMENTS=1 needs shared_preload_libraries = 'pg_stat_statements' (ALTER SYSTEM SET …, then restart PostgreSQL)");
      await db().$executeRawUnsafe("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      await db().$executeRawUnsafe("SELECT pg_stat_statements_reset()");
    }
    const cpu0 = cpuOf();
    const t0 = Date.now();
    const decideLatency: number[] = [];
    let decided = 0;
    let decideErrors = 0;
    let done = false;
    const seen = new Set<string>();
    const queue: string[] = [];
    const approver = async () => {
      while (!done) {
        const id = queue.shift();
        if (!id) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const s = Date.now();
        const status = await post(`/api/v1/tasks/${id}/decision`, approverToken, JSON.stringify({ outcome: "approve" }));
        decideLatency.push(Date.now() - s);
        if (status >= 200 && status < 300) decided++;
        else decideErrors++;
      }
    };
    const approvers = Array.from({ length: APPROVERS }, approver);
    // The harness finds new tasks in the database (a person would see them in the inbox).
    let completed = 0;
    let lastNumber = 0;
    const deadline = Date.now() + 300_000;
    while (completed < started && Date.now() < deadline) {
      // Only tasks created since the last look (keyset on the task number, less a margin for
      // numbers drawn by transactions that committed later), not the whole open list every 100 ms.
      // Plain pg, one statement for both: the harness shares the two cores with what it measures.
      const [poll] = await query<{ open: { id: string; number: number }[] | null; completed: number }>(
        `SELECT (SELECT json_agg(t ORDER BY t."number") FROM (SELECT "id", "number" FROM "Task" WHERE "status" = 'OPEN' AND "number" > $1 ORDER BY "number" LIMIT 2000) t) AS "open",
                (SELECT count(*)::int FROM "ProcessInstance" WHERE "status" = 'COMPLETED') AS "completed"`,
        [lastNumber - 256],
      );
      for (const t of poll?.open ?? []) {
        lastNumber = Math.max(lastNumber, t.number);
        if (seen.has(t.id)) continue;
        seen.add(t.id);
        queue.push(t.id);
      }
      completed = poll?.completed ?? 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    const e2eS = (Date.now() - t0) / 1000;
    const cpu = cpuDelta(cpu0, cpuOf());
    const statements = pgStatements
      ? await db().$queryRawUnsafe<{ calls: number; ms: number; query: string }[]>(
          `SELECT calls::int, total_exec_time::float8 AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT 60`,
        )
      : [];
    done = true;
    await Promise.all(approvers);
    const failed = await db().processInstance.count({ where: { status: { in: ["FAILED", "COMPENSATED", "CANCELLED"] } } });
    const instancesPerS = completed / e2eS;
    const sorted = [...decideLatency].sort((a, b) => a - b);

    printTable("bench:engine — events accepted (POST /api/v1/events, server.ts, 2-core machine)", [
      ["connections", CONNECTIONS],
      ["kept for correlation: accepted/s", round(kept.perS)],
      ["  p50 / p99 latency (ms)", `${kept.p50} / ${kept.p99}`],
      ["  non-2xx + errors", kept.non2xx],
      ["starting an instance: accepted/s", round(starts.perS)],
      ["  p50 / p99 latency (ms)", `${starts.p50} / ${starts.p99}`],
      ["  non-2xx + errors", starts.non2xx],
      ["CPU per accepted event, ms: web / PostgreSQL", `${round((intakeCpu.find(([k]) => k === "web")?.[1] ?? 0) / intakeAccepted, 3)} / ${round((intakeCpu.find(([k]) => k === "postgres")?.[1] ?? 0) / intakeAccepted, 3)}`],
      ["kept events processed by the worker (s, per s)", `${round(drainS, 1)} s, ${round(keptTotal / drainS)}/s (${keptTotal}: ${warm.ok} of the warm-up, ${kept.ok} of 1a)`],
    ]);
    printTable("bench:engine — instances end to end (http → human approved via API → http)", [
      ["instances", started],
      ["completed", completed],
      ["failed / other", failed],
      ["seconds (first start → last completed)", round(e2eS, 2)],
      ["instances completed/s", round(instancesPerS)],
      ["worker concurrency / approvers", `${WORKER_CONCURRENCY} / ${APPROVERS}`],
      ["decisions ok / errors", `${decided} / ${decideErrors}`],
      ["decision p50 / p99 (ms)", `${percentile(sorted, 50)} / ${percentile(sorted, 99)}`],
      ["ERP calls (2 per instance)", erp.calls()],
    ]);
    if (statements.length) {
      const all = statements.reduce((n, r) => n + r.calls, 0);
      printTable(`bench:engine — statements per completed instance (top 60: ${round(all / Math.max(completed, 1), 1)})`, statements.map((r) => [r.query, `${round(r.calls / Math.max(completed, 1), 2)} × ${round(r.ms / Math.max(r.calls, 1), 3)} ms`]));
    }
    if (drainCpu.length) {
      printTable("bench:engine — CPU while the worker processed the kept events (ms per event, from worker ready)", drainCpu.map(([name, ms]) => [name, round(ms / Math.max(kept.ok, 1), 3)]));
    }
    if (cpu.length) {
      // Where the two cores went during the end-to-end phase ("bench" is this process: the
      // approvers, the stand-in ERP server and the polling).
      const total = cpu.reduce((s, [, ms]) => s + ms, 0);
      printTable("bench:engine — CPU during the end-to-end phase (ms per completed instance)", [
        ...cpu.map(([name, ms]) => [name, `${round(ms / Math.max(completed, 1), 2)}  (${round((100 * ms) / Math.max(total, 1))}%)`] as [string, string]),
        ["total (cores busy on average)", `${round(total / Math.max(completed, 1), 2)}  (${round(total / 1000 / e2eS, 2)} of 2)`],
      ]);
    }
    // 3. The ceiling, after Baton's processes have stopped: the same rows one instance writes, raw.
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once("exit", r)) : null)));
    const [def] = await query<{ id: string }>(`SELECT "id" FROM "ProcessDefinition" WHERE "key" = 'bench-order' ORDER BY "version" DESC LIMIT 1`);
    const ceiling = await rawInstances(url, { definitionId: def!.id, starterId: admin.id, approverId: benchApprover.id, groupId: group.id, count: Math.max(started, 1) });
    printTable("bench:engine — ceiling: one instance's rows by raw statements (no Baton)", [
      [`pg clients / instances`, `${Number(WORKER_CONCURRENCY)} / ${Math.max(started, 1)}`],
      ["statements per instance (8 transactions)", ceiling.statements],
      ["raw instances/s", round(ceiling.perS)],
      ["instances ratio (instances/s ÷ raw)", round(instancesPerS / ceiling.perS, 3)],
    ]);
    console.log(
      JSON.stringify({
        bench: "engine",
        events_per_s: round(kept.perS),
        events_starting_instance_per_s: round(starts.perS),
        instances_per_s: round(instancesPerS),
        raw_instances_per_s: round(ceiling.perS),
        instances_ratio: round(instancesPerS / ceiling.perS, 3),
      }),
    );
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once("exit", r)) : null)));
    erp.close();
    await finishBench(url);
  }
}

/**
 * One instance of the bench process without Baton: the rows it writes, in the transactions the
 * engine commits them in — accept the event (receipt, audit, outbox); start (lock the receipt,
 * find the definition, instance, first run, result, 2 audit); claim the HTTP step; complete it and
 * open the human step (lock the instance, run, variables, next run, task, 2 audit, outbox); the
 * notification; the decision (guarded update, approval, audit, outbox); the next HTTP step (lock,
 * run, next run, audit); its completion and the end (lock, run, end run, instance, 2 audit).
 * Each statement is sent on its own (Baton batches several into one), from as many pg clients as
 * the worker's concurrency, each client on instances of its own.
 */
async function rawInstances(url: string, o: { definitionId: string; starterId: string; approverId: string; groupId: string; count: number }): Promise<{ perS: number; statements: number }> {
  const pg = (await import("pg")).default;
  const clients = Number(WORKER_CONCURRENCY);
  const pool = new pg.Pool({ connectionString: url, max: clients });
  let statements = 0;
  const now = `(now() AT TIME ZONE 'UTC')`;
  const audit = (c: import("pg").PoolClient, action: string, subject: string, instanceId: string | null, after: object) => {
    statements++;
    return c.query({
      name: "raw_audit",
      text: `INSERT INTO "AuditEntry" ("actorType", "actorId", "actorName", "action", "subjectType", "subjectId", "instanceId", "after", "requestId")
             VALUES ('WORKER', NULL, 'engine', $1, 'instance', $2, $3, $4::jsonb, $2)`,
      values: [action, subject, instanceId, JSON.stringify(after)],
    });
  };
  const one = async (c: import("pg").PoolClient, n: number) => {
    const q = async (name: string, text: string, values: unknown[] = []) => {
      statements++;
      return c.query(name ? { name, text, values } : { text, values });
    };
    const receipt = randomUUID();
    const inst = randomUUID();
    const [r1, r2, r3, rEnd] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const task = randomUUID();
    const order = `RAW-${n}-${receipt.slice(0, 8)}`;
    // 1. accept
    await q("", "BEGIN");
    await q("raw_receipt", `INSERT INTO "EventReceipt" ("id", "source", "eventId", "type", "subject", "correlationKey", "data", "postedByType", "postedById", "postedByPrincipalId") VALUES ($1, 'bench-raw', $1, $2, $3, $3, $4::jsonb, 'TOKEN', NULL, $5)`, [receipt, START_TYPE, order, JSON.stringify({ order, amount: 99 }), o.starterId]);
    await audit(c, "event.received", receipt, null, { type: START_TYPE });
    await q("raw_outbox", `INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "dispatchedAt") VALUES ('bench-raw', 'process-event', $1, $2::jsonb, now())`, [`raw-e-${receipt}`, JSON.stringify({ receiptId: receipt })]);
    await q("", "COMMIT");
    // 2. start
    await q("", "BEGIN");
    await q("raw_lock_receipt", `SELECT * FROM "EventReceipt" WHERE "id" = $1 FOR UPDATE`, [receipt]);
    await q("raw_definition", `SELECT "id", "key", "version", "document" FROM "ProcessDefinition" WHERE "status" = 'ACTIVE' AND $1 = ANY("startOn")`, [START_TYPE]);
    await q("raw_instance", `INSERT INTO "ProcessInstance" ("id", "definitionId", "businessKey", "variables", "startedById", "startedByName", "startEventId", "currentStepId", "updatedAt") VALUES ($1, $2, $3, $4::jsonb, $5, 'Bench Admin', $6, 'reserve', ${now})`, [inst, o.definitionId, order, JSON.stringify({ order, amount: 99 }), o.starterId, receipt]);
    await q("raw_run", `INSERT INTO "StepRun" ("id", "instanceId", "stepId", "type", "status", "updatedAt") VALUES ($1, $2, $3, $4, 'PENDING', ${now})`, [r1, inst, "reserve", "http"]);
    await q("raw_result", `UPDATE "EventReceipt" SET "result" = $2::jsonb, "consumedAt" = ${now} WHERE "id" = $1`, [receipt, JSON.stringify({ outcome: "started", instances: [{ id: inst }] })]);
    await audit(c, "event.processed", receipt, inst, { outcome: "started" });
    await audit(c, "instance.started", inst, inst, { process: "bench-order" });
    await q("", "COMMIT");
    // 3. claim the HTTP step
    await q("raw_claim", `UPDATE "StepRun" SET "status" = 'RUNNING', "attempts" = 1, "attemptStartedAt" = ${now}, "version" = "version" + 1, "updatedAt" = ${now} WHERE "id" = $1 AND "status" = 'PENDING'`, [r1]);
    // 4. complete it and open the human step with its task
    await q("", "BEGIN");
    await q("raw_lock_instance", `SELECT "id", "version", "status", "variables" FROM "ProcessInstance" WHERE "id" = $1 FOR UPDATE`, [inst]);
    await q("raw_complete", `UPDATE "StepRun" SET "status" = 'COMPLETED', "output" = $2::jsonb, "endedAt" = ${now}, "version" = "version" + 1, "updatedAt" = ${now} WHERE "id" = $1 AND "status" = 'RUNNING'`, [r1, JSON.stringify({ reservation: n })]);
    await q("raw_variables", `UPDATE "ProcessInstance" SET "variables" = "variables" || $2::jsonb, "currentStepId" = $3, "version" = "version" + 1, "updatedAt" = ${now} WHERE "id" = $1`, [inst, JSON.stringify({ reservation: n }), "approve"]);
    await q("raw_run_waiting", `INSERT INTO "StepRun" ("id", "instanceId", "stepId", "type", "status", "updatedAt") VALUES ($1, $2, $3, $4, 'WAITING', ${now})`, [r2, inst, "approve", "human"]);
    await q("raw_task", `INSERT INTO "Task" ("id", "title", "context", "candidateGroupId", "requestedById", "instanceId", "stepRunId", "updatedAt") VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, ${now})`, [task, `Approve order ${order}`, JSON.stringify({ order }), o.groupId, o.starterId, inst, r2]);
    await audit(c, "step.completed", inst, inst, { stepId: "reserve" });
    await audit(c, "task.created", task, inst, { title: order });
    await q("raw_outbox", `INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "dispatchedAt") VALUES ('bench-raw', 'process-event', $1, $2::jsonb, now())`, [`raw-n-${task}`, JSON.stringify({ taskId: task })]);
    await q("", "COMMIT");
    // 5. the notification
    await q("raw_notification", `INSERT INTO "Notification" ("id", "userId", "dedupeKey", "kind", "title", "taskId") VALUES ($1, $2, $1, 'task-assigned', $3, $4)`, [randomUUID(), o.approverId, `New task ${order}`, task]);
    // 6. the decision
    await q("", "BEGIN");
    await q("raw_decide", `UPDATE "Task" SET "status" = 'DECIDED', "outcome" = 'approve', "decidedAt" = ${now}, "decidedById" = $2, "assigneeId" = $2, "claimedAt" = ${now}, "version" = "version" + 1, "updatedAt" = ${now} WHERE "id" = $1 AND "status" = 'OPEN' AND "version" = 0`, [task, o.approverId]);
    await q("raw_approval", `INSERT INTO "TaskApproval" ("id", "taskId", "approverId", "approverName", "outcome") VALUES ($1, $2, $3, 'Bench Approver', 'approve')`, [randomUUID(), task, o.approverId]);
    await audit(c, "task.decided", task, inst, { outcome: "approve" });
    await q("raw_outbox", `INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "dispatchedAt") VALUES ('bench-raw', 'process-event', $1, $2::jsonb, now())`, [`raw-d-${task}`, JSON.stringify({ taskId: task })]);
    await q("", "COMMIT");
    // 7. the human step completes; the second HTTP step starts
    await q("", "BEGIN");
    await q("raw_lock_instance", `SELECT "id", "version", "status", "variables" FROM "ProcessInstance" WHERE "id" = $1 FOR UPDATE`, [inst]);
    await q("raw_complete_waiting", `UPDATE "StepRun" SET "status" = 'COMPLETED', "output" = $2::jsonb, "endedAt" = ${now}, "version" = "version" + 1, "updatedAt" = ${now} WHERE "id" = $1 AND "status" = 'WAITING'`, [r2, JSON.stringify({ outcome: "approve" })]);
    await q("raw_run_running", `INSERT INTO "StepRun" ("id", "instanceId", "stepId", "type", "status", "attempts", "attemptStartedAt", "updatedAt") VALUES ($1, $2, $3, $4, 'RUNNING', 1, ${now}, ${now})`, [r3, inst, "ship", "http"]);
    await audit(c, "step.completed", inst, inst, { stepId: "approve" });
    await q("", "COMMIT");
    // 8. it completes, and the instance ends
    await q("", "BEGIN");
    await q("raw_lock_instance", `SELECT "id", "version", "status", "variables" FROM "ProcessInstance" WHERE "id" = $1 FOR UPDATE`, [inst]);
    await q("raw_complete", `UPDATE "StepRun" SET "status" = 'COMPLETED', "output" = $2::jsonb, "endedAt" = ${now}, "version" = "version" + 1, "updatedAt" = ${now} WHERE "id" = $1 AND "status" = 'RUNNING'`, [r3, JSON.stringify({ ok: true })]);
    await q("raw_run_end", `INSERT INTO "StepRun" ("id", "instanceId", "stepId", "type", "status", "endedAt", "updatedAt") VALUES ($1, $2, 'done', 'end', 'COMPLETED', ${now}, ${now})`, [rEnd, inst]);
    await q("raw_instance_done", `UPDATE "ProcessInstance" SET "status" = 'COMPLETED', "endedAt" = ${now}, "currentStepId" = NULL, "version" = "version" + 1, "updatedAt" = ${now} WHERE "id" = $1 AND "status" = 'RUNNING'`, [inst]);
    await audit(c, "step.completed", inst, inst, { stepId: "ship" });
    await audit(c, "instance.completed", inst, inst, { status: "COMPLETED" });
    await q("", "COMMIT");
  };
  try {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        const c = await pool.connect();
        try {
          for (let n = next++; n < o.count; n = next++) await one(c, n);
        } finally {
          c.release();
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { perS: o.count / seconds, statements: round(statements / o.count, 1) };
  } finally {
    await pool.end();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    for (const c of children) c.kill("SIGKILL");
    process.exit(1);
  },
);
