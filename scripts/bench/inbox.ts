// npm run bench:inbox — the inbox under load, over real HTTP against the production build.
// Seeds 1,000,000 tasks (100,000 open across 50 groups and 2,000 people) with SQL in its own
// database, starts the production web server (server.ts) on its own port, and measures:
//   - the inbox list API, first page and a deep page (keyset cursor), p50/p95/p99;
//   - decide (approve) under 50 concurrent clients with autocannon, each call on a distinct open
//     task, p50/p95/p99 and decisions/s — each with its audit entry, checked afterwards, and the
//     audit hash chain sealed and verified over what the bench wrote.
//   - its ceiling in the same run: a decision's raw statements from as many pg clients, and the ratio.
// Every pass is measured warm, as a server in service runs: BENCH_LIST_WARMUP list calls (1,000)
// before the list passes, BENCH_DECIDE_WARMUP decisions (1,000) on tasks of their own before the
// decide pass, and as many raw decisions before the ceiling's.
// Ends with {"bench":"inbox","list_p95_ms":N,"deep_list_p95_ms":N,"decide_p95_ms":N,"decisions_per_s":N,"raw_decide_per_s":N,"decide_ratio":N}.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cleanBenchRedis, cpuDelta, cpuSnapshot, dropBenchDatabase, percentile, prepareBenchDatabase, printTable, round } from "./lib";

const TASKS = Number(process.env.BENCH_TASKS ?? 1_000_000);
const OPEN = Number(process.env.BENCH_OPEN ?? 100_000);
const GROUPS = 50;
const USERS = Number(process.env.BENCH_USERS ?? 2_000);
const PORT = Number(process.env.BENCH_PORT ?? 3252);
const LIST_REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 400);
const LIST_CONCURRENCY = Number(process.env.BENCH_LIST_CONCURRENCY ?? 4);
const LIST_WARMUP = Number(process.env.BENCH_LIST_WARMUP ?? 1_000);
const DECIDES = Number(process.env.BENCH_DECIDES ?? 10_000);
const DECIDE_WARMUP = Number(process.env.BENCH_DECIDE_WARMUP ?? 1_000);
const CONNECTIONS = 50;
const WEB_PROCESSES = process.env.BENCH_WEB_CONCURRENCY ?? "1";
const DEEP_PAGE = 20; // pages of 50 → row 1,000 of a group's queue

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
}

async function seed(exec: (sql: string) => Promise<unknown>) {
  const decided = TASKS - OPEN;
  // People and groups: member i belongs to group (i % 50); 40 members a group.
  await exec(`INSERT INTO "User" ("id","email","name","passwordHash","role","updatedAt")
              SELECT 'u' || g, 'bench' || g || '@bench.test', 'Bench Person ' || g, 'x', 'MEMBER', now() FROM generate_series(1, ${USERS}) g`);
  await exec(`INSERT INTO "Group" ("id","key","name") SELECT 'g' || g, 'bench-' || g, 'Bench group ' || g FROM generate_series(0, ${GROUPS - 1}) g`);
  await exec(`INSERT INTO "GroupMembership" ("userId","groupId") SELECT 'u' || g, 'g' || (g % ${GROUPS}) FROM generate_series(1, ${USERS}) g`);
  // Open work: half in group queues (unclaimed), half assigned to a member of the task's group.
  // Due dates spread over ±30 days, priorities mixed, a context like an invoice's.
  const task = (status: string, extra: string) => `
    SELECT 't' || g, 'Approve invoice INV-' || g || ' from Vendor ' || (g % 997),
           jsonb_build_object('vendor', 'Vendor ' || (g % 997), 'amount', (g % 50000) + 0.5, 'currency', 'EUR', 'invoice', 'INV-' || g),
           '${status}'::"TaskStatus", (ARRAY['LOW','NORMAL','NORMAL','HIGH','URGENT'])[1 + g % 5]::"TaskPriority",
           'g' || (g % ${GROUPS}), now() + make_interval(mins => ((g::bigint * 7919) % 86400)::int - 43200),
           now() - make_interval(mins => g % 90000), now(), ${extra}`;
  // The trigram search index is built once after the load: maintaining a GIN index row by row
  // is most of the cost of a bulk insert (same definition as migration inbox_search_trgm).
  await exec(`DROP INDEX IF EXISTS "Task_search_trgm_idx"`);
  const chunk = 100_000;
  for (let from = 1; from <= OPEN; from += chunk) {
    const to = Math.min(OPEN, from + chunk - 1);
    // Assigned half: the member of the same group with index g % 40 (user ids u1..u2000 sit in group i % 50).
    await exec(`INSERT INTO "Task" ("id","title","context","status","priority","candidateGroupId","dueAt","createdAt","updatedAt","assigneeId")
                ${task("OPEN", `CASE WHEN g % 2 = 0 THEN 'u' || ((g % ${GROUPS}) + ${GROUPS} * (1 + (g / 2) % ${USERS / GROUPS - 1})) ELSE NULL END`)}
                FROM generate_series(${from}, ${to}) g`);
  }
  for (let from = OPEN + 1; from <= OPEN + decided; from += chunk) {
    const to = Math.min(OPEN + decided, from + chunk - 1);
    await exec(`INSERT INTO "Task" ("id","title","context","status","priority","candidateGroupId","dueAt","createdAt","updatedAt","assigneeId","decidedById","decidedAt","outcome")
                ${task("DECIDED", `'u' || (1 + g % ${USERS}), 'u' || (1 + g % ${USERS}), now() - make_interval(mins => g % 200000), CASE WHEN g % 9 = 0 THEN 'reject' ELSE 'approve' END`)}
                FROM generate_series(${from}, ${to}) g`);
    process.stdout.write(`  seeded ${to.toLocaleString("en")} tasks\r`);
  }
  process.stdout.write("\n");
  await exec(`CREATE INDEX "Task_search_trgm_idx" ON "Task" USING gin (("title" || ' ' || "context"::text) gin_trgm_ops)`);
  // VACUUM as well as ANALYZE: a bulk load leaves every page for autovacuum to visit, which it
  // would do while the list pass runs (a core's worth of competing work); a table in service has
  // been vacuumed, and its visibility map lets the queue indexes answer without the heap.
  await exec(`VACUUM (ANALYZE)`);
}

async function main() {
  if (!existsSync(".next/BUILD_ID") || process.env.BENCH_BUILD === "1") {
    console.log("building the app (next build)…");
    execFileSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit" });
  }
  const url = await prepareBenchDatabase("inbox");
  const pg = (await import("pg")).default;
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  let server: ChildProcess | null = null;
  try {
    console.log(`seeding ${TASKS.toLocaleString("en")} tasks (${OPEN.toLocaleString("en")} open, ${GROUPS} groups, ${USERS} people)…`);
    const [, seedMs] = await timed(() => seed((q) => sql.query(q)));

    // The production build on its own port, against the bench database and Redis prefix. Request
    // logging off (LOG_LEVEL=warn): one pino line a request is not what is being measured.
    const profile = process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    server = spawn(process.execPath, [...profile, "--import", "tsx", "server.ts", "-p", String(PORT), "-H", "127.0.0.1"], {
      // One web process by default: with PostgreSQL and the load generator on the same two cores, a
      // second one adds throughput (~590/s) but lengthens the tail (ADR 013). BENCH_WEB_CONCURRENCY=2 tries it.
      env: { ...process.env, PORT: String(PORT), AUTH_URL: `http://127.0.0.1:${PORT}`, LOG_LEVEL: "warn", NODE_ENV: "production", WEB_CONCURRENCY: WEB_PROCESSES },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const base = `http://127.0.0.1:${PORT}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 120) throw new Error("the web server did not become healthy");
      await new Promise((r) => setTimeout(r, 500));
    }

    // Sessions as the browser has them: next-auth's JWT cookie, minted with AUTH_SECRET.
    const { encode } = await import("next-auth/jwt");
    const cookieName = "authjs.session-token";
    const cookieFor = async (uid: string) =>
      `${cookieName}=${await encode({ token: { uid, sub: uid, name: `Bench Person ${uid}` }, secret: process.env.AUTH_SECRET!, salt: cookieName, maxAge: 3600 })}`;
    const sessions = new Map<string, string>();
    const session = async (uid: string) => {
      let c = sessions.get(uid);
      if (!c) sessions.set(uid, (c = await cookieFor(uid)));
      return c;
    };
    const get = async (path: string, uid: string) => {
      const t = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { cookie: await session(uid) } });
      const body = (await res.json()) as { data?: unknown[]; nextCursor?: string | null };
      if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      return { ms: performance.now() - t, body };
    };

    // Warm up (JIT, pools, plans): a server in service has run its hot paths many times. With 30
    // calls, the first pass measured V8's optimising compiler at work; the list reaches its steady
    // state after about a thousand calls (p95 from ~45 down to ~25 ms here).
    const warmList = Array.from({ length: LIST_WARMUP }, (_, i) => ({ path: `/api/v1/tasks?view=inbox&limit=50`, uid: `u${1 + ((i * 53) % USERS)}` }));

    // List, first page: the inbox view (assigned to me + my group's queue), 50 rows, soonest due first.
    const runList = async (paths: { path: string; uid: string }[]) => {
      const times: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: LIST_CONCURRENCY }, async () => {
          while (next < paths.length) {
            const p = paths[next++]!;
            times.push((await get(p.path, p.uid)).ms);
          }
        }),
      );
      return times.sort((a, b) => a - b);
    };
    await runList(warmList);
    const people = Array.from({ length: LIST_REQUESTS }, (_, i) => `u${1 + ((i * 37) % USERS)}`);
    const first = await runList(people.map((uid) => ({ path: `/api/v1/tasks?view=inbox&limit=50`, uid })));
    const firstRows = (await get(`/api/v1/tasks?view=inbox&limit=50`, "u1")).body.data?.length ?? 0;

    // Deep page: walk 20 pages of one member per group with the keyset cursor, then fetch page 21.
    const deepPaths: { path: string; uid: string }[] = [];
    for (let g = 0; g < 10; g++) {
      const uid = `u${GROUPS + g}`;
      let cursor: string | null | undefined = null;
      for (let p = 0; p < DEEP_PAGE; p++) {
        const page = await get(`/api/v1/tasks?view=inbox&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, uid);
        cursor = page.body.nextCursor;
        if (!cursor) break;
      }
      if (cursor) deepPaths.push({ path: `/api/v1/tasks?view=inbox&limit=50&cursor=${encodeURIComponent(cursor)}`, uid });
    }
    if (deepPaths.length === 0) throw new Error("no deep page reached (too few open tasks per person?)");
    const deep = await runList(Array.from({ length: LIST_REQUESTS }, (_, i) => deepPaths[i % deepPaths.length]!));

    // The ceiling, measured in the same run: a decision's own statements — the guarded update, the
    // audit entry, the outbox message, in one transaction — sent raw from as many pg clients as the
    // HTTP pass has connections, on tasks of their own (the newest queue tasks; the HTTP pass takes
    // the oldest). decide_ratio = what Baton turns into decisions / what PostgreSQL commits here.
    let rawCpu0 = cpuSnapshot({});
    const ceiling = await rawDecide(url, DECIDES, DECIDE_WARMUP, () => (rawCpu0 = cpuSnapshot({})));
    const rawCpu = new Map(cpuDelta(rawCpu0, cpuSnapshot({})));

    // Decide: 50 connections, each call approves a different unclaimed queue task as a member of
    // its group (who claims it in the same guarded update). A warm-up pass first, on tasks of its
    // own, so that the measured pass sees the decide path as a server in service runs it (optimised
    // by V8), not its first thousand calls; then the measured pass.
    const { rows: candidates } = await sql.query<{ id: string; groupId: string }>(
      `SELECT "id", "candidateGroupId" AS "groupId" FROM "Task" WHERE "status" = 'OPEN' AND "assigneeId" IS NULL ORDER BY "number" LIMIT ${DECIDE_WARMUP + DECIDES}`,
    );
    const warmTasks = candidates.slice(0, DECIDE_WARMUP);
    const open = candidates.slice(DECIDE_WARMUP);
    const members = new Map<string, string[]>();
    const { rows: ms } = await sql.query<{ userId: string; groupId: string }>(`SELECT "userId", "groupId" FROM "GroupMembership"`);
    for (const m of ms) members.set(m.groupId, [...(members.get(m.groupId) ?? []), m.userId]);
    const callsFor = (tasks: { id: string; groupId: string }[]) =>
      Promise.all(
        tasks.map(async (t, i) => {
          const group = members.get(t.groupId)!;
          return { path: `/api/v1/tasks/${t.id}/decision`, cookie: await session(group[i % group.length]!) };
        }),
      );
    const autocannon = (await import("autocannon")).default;
    const fire = (calls: { path: string; cookie: string }[], onResponse: (ms: number) => void) => {
      let next = 0;
      return autocannon({
        url: base,
        connections: CONNECTIONS,
        amount: calls.length,
        timeout: 30,
        requests: [
          {
            method: "POST",
            setupRequest: (req) => {
              const c = calls[next++ % calls.length]!;
              return { ...req, path: c.path, headers: { "content-type": "application/json", cookie: c.cookie }, body: JSON.stringify({ outcome: "approve" }) };
            },
          },
        ],
        setupClient: (client) => void client.on("response", (_status: number, _bytes: number, ms: number) => onResponse(ms)),
      });
    };
    if (warmTasks.length) {
      const warm = await fire(await callsFor(warmTasks), () => undefined);
      if (warm["2xx"] !== warmTasks.length) throw new Error(`decide warm-up: ${warm["2xx"]} of ${warmTasks.length} answered 2xx`);
    }
    const calls = await callsFor(open);
    const { rows: auditBefore } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM "AuditEntry"`);
    const latencies: number[] = [];
    // The pass's own clock, first request to last response: autocannon's duration ends on its next
    // one-second tick after the last response (up to 11 % on a 9 s pass).
    const passStart = performance.now();
    let lastResponse = passStart;
    // CPU per decision by process (web, PostgreSQL, Redis, this harness) over the decide pass.
    const cpu0 = cpuSnapshot({ web: server.pid });
    const sys0 = cpuSnapshot({ web: server.pid }, { systemOnly: true });
    const result = await fire(calls, (ms) => {
      latencies.push(ms);
      lastResponse = performance.now();
    });
    const cpu = cpuDelta(cpu0, cpuSnapshot({ web: server.pid }));
    const sys = new Map(cpuDelta(sys0, cpuSnapshot({ web: server.pid }, { systemOnly: true })));
    latencies.sort((a, b) => a - b);
    const ok2xx = result["2xx"];
    const perDecision = (ms: number) => ms / Math.max(1, result["2xx"]);
    const cpuTotal = cpu.reduce((t, [, ms]) => t + ms, 0);
    const decidedPerS = ok2xx / ((lastResponse - passStart) / 1000 || 1);
    const { rows: auditAfter } = await sql.query<{ n: string; decided: string }>(
      `SELECT (SELECT count(*) FROM "AuditEntry") AS n, (SELECT count(*) FROM "AuditEntry" WHERE "action" = 'task.approved') AS decided`,
    );
    const { rows: decidedRows } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM "Task" WHERE "id" = ANY($1) AND "status" = 'DECIDED'`, [open.map((t) => t.id)]);

    // The audit chain over what the bench wrote: seal and verify (the worker's sealer is not running).
    process.env.DATABASE_URL = url;
    const { sealAll, verifyAuditChain } = await import("../../lib/audit/sealer");
    await sealAll();
    const chain = await verifyAuditChain(10_000);

    const list = { p50: percentile(first, 50), p95: percentile(first, 95), p99: percentile(first, 99) };
    const deepL = { p50: percentile(deep, 50), p95: percentile(deep, 95), p99: percentile(deep, 99) };
    const dec = { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
    printTable("bench:inbox", [
      ["tasks seeded (open / groups / people)", `${TASKS.toLocaleString("en")} (${OPEN.toLocaleString("en")} / ${GROUPS} / ${USERS})`],
      ["seed time (s)", round(seedMs / 1000)],
      ["web processes (WEB_CONCURRENCY)", WEB_PROCESSES],
      [`list, first page (${LIST_REQUESTS} calls, ${LIST_CONCURRENCY} clients, ${firstRows} rows) p50 / p95 / p99 ms`, `${round(list.p50)} / ${round(list.p95)} / ${round(list.p99)}  (target p95 < 50)`],
      [`list, deep page (row ~${DEEP_PAGE * 50}, keyset) p50 / p95 / p99 ms`, `${round(deepL.p50)} / ${round(deepL.p95)} / ${round(deepL.p99)}  (target p95 < 50)`],
      [`decide, ${CONNECTIONS} concurrent clients, ${calls.length} calls p50 / p95 / p99 ms`, `${round(dec.p50)} / ${round(dec.p95)} / ${round(dec.p99)}  (target p95 < 150)`],
      ["decide responses 2xx / non-2xx / errors", `${ok2xx} / ${result.non2xx} / ${result.errors + result.timeouts}`],
      ["decisions/s (with audit entries)", `${round(decidedPerS)}  (target ≥ 500)`],
      [`ceiling: raw decide statements, ${CONNECTIONS} pg clients, per s / p95 ms`, `${round(ceiling.perS)} / ${round(ceiling.p95)}`],
      ["ceiling's CPU per decision, ms: PostgreSQL / the pg clients", `${round((rawCpu.get("postgres") ?? 0) / DECIDES, 2)} / ${round((rawCpu.get("bench") ?? 0) / DECIDES, 2)}`],
      ["decide ratio (decisions/s ÷ ceiling)", `${round(decidedPerS / ceiling.perS, 3)}  (target ≥ 0.25)`],
      ["tasks decided / audit entries task.approved added", `${decidedRows[0]!.n} / ${Number(auditAfter[0]!.decided) - DECIDE_WARMUP} (entries added in total: ${Number(auditAfter[0]!.n) - Number(auditBefore[0]!.n)}; warm-up decisions before the pass: ${DECIDE_WARMUP})`],
      ["audit chain after the run", chain.ok ? `ok, ${chain.checked} entries verified` : `BROKEN at ${JSON.stringify(chain.firstBroken)}`],
    ]);
    if (cpu.length) {
      printTable("bench:inbox — CPU during the decide pass (ms per decision)", [
        ...cpu.map(([k, ms]) => [k, `${round(perDecision(ms), 2)}  (${round((100 * ms) / (cpuTotal || 1))}%; in the kernel ${round(perDecision(sys.get(k) ?? 0), 2)})`] as [string, string]),
        ["total", round(perDecision(cpuTotal), 2)],
      ]);
    }
    if (!chain.ok) throw new Error("audit chain broken");
    if (Number(decidedRows[0]!.n) !== ok2xx || Number(auditAfter[0]!.decided) !== ok2xx + DECIDE_WARMUP) throw new Error("decisions and audit entries do not match the 2xx count");
    console.log(
      JSON.stringify({ bench: "inbox", list_p95_ms: round(list.p95), deep_list_p95_ms: round(deepL.p95), decide_p95_ms: round(dec.p95), decisions_per_s: round(decidedPerS), raw_decide_per_s: round(ceiling.perS), decide_ratio: round(decidedPerS / ceiling.perS, 3), cpu_ms_per_decision: round(perDecision(cpuTotal), 2), web_cpu_ms_per_decision: round(perDecision(cpu.find(([k]) => k === "web")?.[1] ?? 0), 2) }),
    );
  } finally {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server!.once("exit", r));
    }
    await sql.end().catch(() => undefined);
    const { disconnectDb } = await import("../../lib/db");
    await Promise.race([disconnectDb(), new Promise((r) => setTimeout(r, 2000))]);
    await dropBenchDatabase(url);
    await cleanBenchRedis();
  }
}

/**
 * A decision's statements without Baton: BEGIN; the guarded update that decides (and claims) an
 * open queue task; its audit entry; its outbox message; COMMIT — each client on its own tasks.
 */
async function rawDecide(url: string, count: number, warmup: number, onPassStart: () => void): Promise<{ perS: number; p95: number }> {
  const pg = (await import("pg")).default;
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  try {
    const { rows: all } = await pool.query<{ id: string; version: number; uid: string }>(
      `SELECT t."id", t."version", (SELECT m."userId" FROM "GroupMembership" m WHERE m."groupId" = t."candidateGroupId" LIMIT 1) AS "uid"
         FROM "Task" t WHERE t."status" = 'OPEN' AND t."assigneeId" IS NULL ORDER BY t."number" DESC LIMIT ${count + warmup}`,
    );
    // Warmed like the HTTP pass: connections open, statements prepared, the client's code optimised.
    await rawPass(pool, all.slice(0, warmup));
    onPassStart();
    const tasks = all.slice(warmup);
    const t0 = performance.now();
    const latencies = await rawPass(pool, tasks);
    const seconds = (performance.now() - t0) / 1000;
    return { perS: tasks.length / seconds, p95: percentile(latencies, 95) };
  } finally {
    await pool.end();
  }
}

/** One pass of raw decisions over these tasks from CONNECTIONS clients; its latencies, sorted. */
async function rawPass(pool: import("pg").Pool, tasks: { id: string; version: number; uid: string }[]): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const c = await pool.connect();
      try {
        for (let t = tasks[next++]; t; t = tasks[next++]) {
          const s = performance.now();
          await c.query("BEGIN");
          const updated = await c.query({
            name: "raw_decide",
            text: `UPDATE "Task" SET "status" = 'DECIDED', "outcome" = 'approve', "decidedAt" = now(), "decidedById" = $2, "assigneeId" = $2, "claimedAt" = now(), "version" = "version" + 1, "updatedAt" = now()
                    WHERE "id" = $1 AND "version" = $3 AND "status" = 'OPEN' RETURNING "version"`,
            values: [t.id, t.uid, t.version],
          });
          if (updated.rowCount !== 1) throw new Error(`raw decide: task ${t.id} was not open`);
          await c.query({
            name: "raw_audit",
            text: `INSERT INTO "AuditEntry" ("actorType", "actorId", "actorName", "action", "subjectType", "subjectId", "taskId", "before", "after", "requestId")
                   VALUES ('USER', $1, $1, 'bench.raw_decide', 'task', $2, $2, $3::jsonb, $4::jsonb, $2)`,
            values: [t.uid, t.id, JSON.stringify({ status: "OPEN", version: t.version }), JSON.stringify({ status: "DECIDED", outcome: "approve", version: t.version + 1 })],
          });
          await c.query({
            name: "raw_outbox",
            text: `INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "dispatchedAt") VALUES ('bench-raw', 'task-decided', $1, $2::jsonb, now())`,
            values: [`raw-${t.id}`, JSON.stringify({ taskId: t.id, outcome: "approve" })],
          });
          await c.query("COMMIT");
          latencies.push(performance.now() - s);
        }
      } finally {
        c.release();
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
