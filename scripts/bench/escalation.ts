// npm run bench:escalation — 10,000 tasks whose escalation level falls due within the same
// minute; the real worker (timers through the outbox, batched firing, the sweep) enforces them.
// Prints the lateness of each escalation (due time → escalation committed) and how many tasks
// escalated exactly once, and the ceiling measured in the same run: the lateness of as many bare
// BullMQ delayed jobs due over the same minute, fired by a worker that does nothing else
// (`raw_p99_ms`; #25). Ends with one JSON line.
import { spawn } from "node:child_process";
import path from "node:path";
import { cleanBenchRedis, dropBenchDatabase, percentile, prepareBenchDatabase, printTable, round } from "./lib";

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
/** Seconds before the first task falls due: seeding and the outbox dispatch of every timer happen before it. */
const LEAD_S = Number(process.env.BENCH_LEAD_SECONDS ?? 45);
const WINDOW_MS = 60_000;

/**
 * The ceiling: TASKS bare BullMQ delayed jobs due at the same even spread over one minute, on the
 * bench's Redis prefix, fired by a Worker with the escalation worker's concurrency whose processor
 * only notes the time. Lateness is fire time − due time, as for the escalations.
 */
async function bareDelayedJobs(): Promise<number[]> {
  const { Queue, Worker } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = process.env.REDIS_PREFIX;
  const queue = new Queue("bench-raw-delay", { connection, prefix });
  const lateness: number[] = [];
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    "bench-raw-delay",
    async (job) => {
      lateness.push(Date.now() - (job.data as { due: number }).due);
    },
    { connection: workerConnection, prefix, concurrency: Number(process.env.ESCALATION_CONCURRENCY ?? 300) },
  );
  try {
    const t0 = Date.now() + LEAD_S * 1000;
    for (let from = 0; from < TASKS; from += 1000) {
      const now = Date.now();
      const jobs = Array.from({ length: Math.min(1000, TASKS - from) }, (_, k) => {
        const due = t0 + Math.floor(((from + k) * WINDOW_MS) / TASKS);
        return { name: "fire", data: { due }, opts: { jobId: `raw.${from + k}`, delay: Math.max(0, due - now), removeOnComplete: true } };
      });
      await queue.addBulk(jobs);
    }
    const deadline = t0 + WINDOW_MS + 60_000;
    while (lateness.length < TASKS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    return lateness.sort((a, b) => a - b);
  } finally {
    await worker.close();
    await queue.close();
    // BullMQ does not close connections it was given: an open one would keep the bench from exiting.
    connection.disconnect();
    workerConnection.disconnect();
  }
}

async function main() {
  const url = await prepareBenchDatabase("escalation");
  const { prismaClient: db, disconnectDb } = await import("../../lib/db");
  const { closeQueues } = await import("../../lib/queues");
  const { dispatchOutbox } = await import("../../lib/db");
  const { createGroup, createUser } = await import("../../prisma/factories");
  let worker: ReturnType<typeof spawn> | null = null;
  try {
    const prisma = db();
    const lead = await createUser(prisma, { role: "SUPERVISOR", name: "Bench Lead" });
    const members = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(prisma, { name: `Bench Clerk ${i}`, supervisorId: lead.id })));
    const group = await createGroup(prisma, { key: "bench-ap", memberIds: members.map((m) => m.id), supervisorId: lead.id });

    // The worker first, so its start-up is not part of the measurement.
    worker = spawn(path.join("node_modules", ".bin", "tsx"), ["workers/index.ts"], {
      env: { ...process.env, WORKER_HEALTH_PORT: "0", LOG_LEVEL: "warn", OUTBOX_SWEEP_MS: "1000" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    await new Promise((r) => setTimeout(r, 4000));

    // 10,000 open tasks, one per clerk in turn, whose only level ("escalate to the assignee's
    // supervisor") falls due at an even spread over one minute starting LEAD_S from now; their
    // timers go through the outbox exactly as createTask writes them.
    const t0 = Date.now() + LEAD_S * 1000;
    const seeded = Date.now();
    await prisma.$executeRawUnsafe(
      `INSERT INTO "Task" (id, title, context, status, priority, "assigneeId", "candidateGroupId", "escalationPolicy", "nextEscalationAt", "createdAt", "updatedAt")
       SELECT 'bench' || g, 'Bench invoice ' || g, jsonb_build_object('amount', g), 'OPEN', 'NORMAL', ($1::text[])[1 + g % 10], $2,
              jsonb_build_object('businessHours', false, 'calendarGroupId', null, 'levels', jsonb_build_array(jsonb_build_object('after', 'PT1M', 'action', 'supervisor',
                'at', to_char((to_timestamp(($3::bigint + (g * $4::bigint) / $5::bigint) / 1000.0) AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))),
              (to_timestamp(($3::bigint + (g * $4::bigint) / $5::bigint) / 1000.0) AT TIME ZONE 'UTC'), now(), now()
       FROM generate_series(0, $5::int - 1) AS g`,
      members.map((m) => m.id),
      group.id,
      t0,
      WINDOW_MS,
      TASKS,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO "OutboxMessage" (queue, "jobName", "jobId", payload, "availableAt")
       SELECT 'escalations', 'escalate', 'escalate.' || id || '.1.' || (extract(epoch FROM "nextEscalationAt") * 1000)::bigint,
              jsonb_build_object('taskId', id, 'level', 1), "nextEscalationAt"
       FROM "Task" WHERE id LIKE 'bench%'`,
    );
    // createTask hands its timer to BullMQ right after commit (dispatchOutboxSoon); the SQL seed
    // does the same here, so the timers are in Redis as delayed jobs before the first falls due.
    while ((await dispatchOutbox(1000)) > 0);
    const seedS = (Date.now() - seeded) / 1000;
    if (Date.now() > t0) throw new Error(`seeding took longer than the lead time (${LEAD_S} s): raise BENCH_LEAD_SECONDS`);

    // Wait for the minute to pass and every level to fire (or give up 60 s after the window).
    const deadline = t0 + WINDOW_MS + 60_000;
    let fired = 0;
    while (Date.now() < deadline) {
      fired = await prisma.taskEscalation.count();
      if (fired >= TASKS && Date.now() > t0 + WINDOW_MS) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Let duplicates (if any) show up: timers and the sweep keep running a little longer.
    await new Promise((r) => setTimeout(r, 3000));

    const rows = await prisma.taskEscalation.findMany({ select: { taskId: true, latenessMs: true, firedBy: true } });
    const lateness = rows.map((r) => r.latenessMs).sort((a, b) => a - b);
    const [auditCounts, levels] = await Promise.all([
      prisma.$queryRawUnsafe<{ n: bigint; tasks: bigint }[]>(
        `SELECT n, count(*) AS tasks FROM (SELECT "taskId", count(*) AS n FROM "AuditEntry" WHERE action = 'task.escalated' GROUP BY "taskId") x GROUP BY n`,
      ),
      prisma.task.groupBy({ by: ["escalationLevel", "assigneeId"], where: { id: { startsWith: "bench" } }, _count: { _all: true } }),
    ]);
    const escalatedOnceByAudit = Number(auditCounts.find((c) => Number(c.n) === 1)?.tasks ?? 0);
    const duplicated = auditCounts.filter((c) => Number(c.n) > 1).reduce((s, c) => s + Number(c.tasks), 0);
    const atLead = levels.filter((l) => l.escalationLevel === 1 && l.assigneeId === lead.id).reduce((s, l) => s + l._count._all, 0);
    const escalatedOnce = Math.min(escalatedOnceByAudit, atLead, rows.length);
    const byTimer = rows.filter((r) => r.firedBy === "timer").length;

    // The ceiling, in the same run and on the same machine state, after Baton's worker has stopped.
    if (worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once("exit", r));
      worker.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    }
    const raw = await bareDelayedJobs();

    const result = {
      bench: "escalation",
      tasks: TASKS,
      escalated_once: escalatedOnce,
      p50_ms: percentile(lateness, 50),
      p99_ms: percentile(lateness, 99),
      max_ms: lateness.length ? lateness[lateness.length - 1]! : 0,
      raw_p50_ms: percentile(raw, 50),
      raw_p99_ms: percentile(raw, 99),
      raw_fired: raw.length,
    };
    printTable("Escalation lateness (due time → escalation committed)", [
      ["tasks due within one minute", TASKS],
      ["seeding (tasks + timers into BullMQ)", `${round(seedS)} s`],
      ["levels fired", rows.length],
      ["  by their timer", byTimer],
      ["  by the sweep", rows.length - byTimer],
      ["escalated exactly once", escalatedOnce],
      ["escalated more than once", duplicated],
      ["lateness p50", `${result.p50_ms} ms`],
      ["lateness p99", `${result.p99_ms} ms`],
      ["lateness max", `${result.max_ms} ms`],
      ["target", "p99 < 1000 ms, all exactly once"],
      [`ceiling: ${TASKS} bare BullMQ delayed jobs over the same minute, fired`, raw.length],
      ["  lateness p50 / p99", `${result.raw_p50_ms} / ${result.raw_p99_ms} ms`],
      ["p99 over the ceiling's p99 (ms)", result.p99_ms - result.raw_p99_ms],
    ]);
    console.log(JSON.stringify(result));
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once("exit", r));
      worker.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    }
    await closeQueues();
    await disconnectDb();
    await cleanBenchRedis();
    await dropBenchDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
