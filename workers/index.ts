// The worker process: turns queued jobs into domain calls. Start with `npm run worker`.
import { loadEnvConfig } from "@next/env";
loadEnvConfig(process.cwd());
process.env.BATON_SERVICE ??= "worker";

import http from "node:http";
import { Worker, type Job } from "bullmq";
import { envOrExit } from "../lib/env";
import { logger } from "../lib/logger";
import { createRedis, disconnectRedis, redis } from "../lib/redis";
import { closeQueues, queuePrefix, QUEUES, type QueueName } from "../lib/queues";
import { disconnectDb, handleLocally, query, type JobLike } from "../lib/db";
import { checkDependencies } from "../lib/health";
import { metrics } from "../lib/metrics/registry";
import { runWithRequestId } from "../lib/request-context";
import { inJobSpan, startWorkerTracing } from "../lib/tracing";
import { processNotificationJob } from "./processors/notifications";

import { processMaintenanceJob } from "./processors/maintenance";
import { processEngineJob } from "./processors/engine";
import { processEmailJob, processWebhookJob } from "./processors/delivery";
import { startEscalations } from "./processors/escalations";
import { requestIdOf } from "./parse-job";
import { guardSchedules, registerSchedules, scheduleTable } from "./schedules";
import { encryptWebhookSecrets } from "../lib/webhooks/secret";
import { LoopLiveness } from "./loops";
import { registerWorkerMetrics } from "./metrics";

const env = envOrExit();
const connection = createRedis({ forWorker: true });
const started = Date.now();
const stats = { completed: 0, failed: 0 };

// The periodic jobs (workers/schedules.ts) and the escalation sweep are the loops whose last run
// every worker watches: /health and /metrics say when one has not run in time (ADR 019).
const schedules = scheduleTable(env);
const ESCALATION_SWEEP = "sweep-escalations";
const liveness = new LoopLiveness(
  redis(),
  [...schedules.filter((s) => s.enabled).map((s) => ({ name: s.name, everyMs: s.everyMs })), { name: ESCALATION_SWEEP, everyMs: env.ESCALATION_SWEEP_MS }],
  env.WORKER_LOOP_GRACE_MS,
);
const workerMetrics = registerWorkerMetrics(metrics().registry, liveness);

function recordLoopRun(loop: string): void {
  liveness.recordRun(loop).catch((err: unknown) => logger.warn({ loop, err: err instanceof Error ? err.message : String(err) }, "could not record a loop's run"));
}

// Every job's run time goes to the worker's /metrics, by queue, job name and outcome.
function timed<J extends JobLike>(name: string, processor: (job: J, token?: string) => Promise<unknown>) {
  return async (job: J, token?: string) => {
    const stop = metrics().jobDuration.startTimer({ queue: name, job: job.name });
    try {
      // The job runs under the request id that caused it: its logs, audit entries and the
      // jobs it enqueues carry the same id (lib/request-context.ts).
      const requestId = requestIdOf(job);
      const result = await runWithRequestId(requestId, () =>
        inJobSpan(`${name} ${job.name}`, { "baton.queue": name, "baton.job": job.name, "baton.job_id": job.id, "baton.request_id": requestId }, (job.data as { trace?: unknown } | undefined)?.trace, () => processor(job, token)),
      );
      stop({ outcome: "completed" });
      return result;
    } catch (err) {
      stop({ outcome: "failed" });
      throw err;
    }
  };
}

function completed(queueName: string, job: JobLike, extra: { local?: true } = {}): void {
  stats.completed++;
  if (liveness.tracks(job.name)) recordLoopRun(job.name);
  // Sweeps run every second or two: keep them out of the info log.
  const level = queueName === QUEUES.maintenance ? "debug" : "info";
  logger[level]({ queue: queueName, job: job.name, jobId: job.id, requestId: requestIdOf(job), ...extra }, "job completed");
}

function startWorker(name: QueueName, processor: (job: Job) => Promise<unknown>, concurrency: number): Worker {
  const worker = new Worker(name, timed(name, processor), { connection, prefix: queuePrefix(name), concurrency });
  worker.on("completed", (job) => completed(name, job));
  worker.on("failed", (job, err) => {
    stats.failed++;
    logger.warn({ queue: name, job: job?.name, jobId: job?.id, requestId: job ? requestIdOf(job) : undefined, attempts: job?.attemptsMade, err: err.message }, "job failed");
  });
  worker.on("error", (err) => logger.error({ queue: name, err: err.message }, "worker error"));
  return worker;
}

// Escalation timers (batched) and the sweep that fires what Redis lost (lib/sla, ADR 009).
const escalations = startEscalations({
  connection,
  prefix: queuePrefix(QUEUES.escalations),
  concurrency: env.ESCALATION_CONCURRENCY,
  sweepMs: env.ESCALATION_SWEEP_MS,
  graceMs: env.ESCALATION_SWEEP_GRACE_MS,
  wrap: timed,
  onSwept: () => recordLoopRun(ESCALATION_SWEEP),
});

// Notifications this process implies (a task its engine step created, a decision a held-decision
// commit made) are written here right after the commit, not sent round Redis (ADR 017).
const notifyHere = timed(QUEUES.notifications, processNotificationJob);
handleLocally(QUEUES.notifications, async (job) => {
  const result = await notifyHere(job);
  completed(QUEUES.notifications, job, { local: true });
  return result;
});

const workers = [
  startWorker(QUEUES.notifications, processNotificationJob, env.WORKER_CONCURRENCY),
  startWorker(QUEUES.maintenance, processMaintenanceJob, 1),
  startWorker(QUEUES.engine, processEngineJob, env.WORKER_CONCURRENCY),
  startWorker(QUEUES.email, processEmailJob, env.WORKER_CONCURRENCY),
  startWorker(QUEUES.webhooks, processWebhookJob, env.WORKER_CONCURRENCY),
  escalations.worker,
];

const health = http.createServer((req, res) => {
  if (req.url === "/metrics") {
    // Loopback only (the server binds 127.0.0.1): job timings of this worker process, and the
    // periodic loops' last runs as all workers recorded them.
    void metrics()
      .registry.metrics()
      .then((body) => res.writeHead(200, { "content-type": metrics().registry.contentType }).end(body))
      .catch(() => res.writeHead(500).end());
    return;
  }
  if (req.url !== "/health") {
    res.writeHead(404).end();
    return;
  }
  void Promise.all([checkDependencies(), loopsReport()]).then(([deps, loops]) => {
    const running = workers.every((w) => w.isRunning());
    const ok = deps.ok && running && !shuttingDown && loops.ok;
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: ok ? "ok" : "degraded", ...deps, workersRunning: running, uptimeS: Math.round((Date.now() - started) / 1000), ...stats, staleLoops: loops.stale, loops: loops.loops }));
  });
});

/** The loops for /health: stale ones named; unknown (not ok) while Redis cannot be read. */
async function loopsReport(): Promise<{ ok: boolean; stale: string[]; loops: Record<string, { everyMs: number; lastRunAt: string | null; stale: boolean }> | string }> {
  try {
    const states = await liveness.status();
    const stale = states.filter((s) => s.stale).map((s) => s.loop);
    const loops = Object.fromEntries(states.map((s) => [s.loop, { everyMs: s.everyMs, lastRunAt: s.lastRunAt?.toISOString() ?? null, stale: s.stale }]));
    return { ok: stale.length === 0, stale, loops };
  } catch (e) {
    return { ok: false, stale: [], loops: `unknown: ${e instanceof Error ? e.message : String(e)}` };
  }
}

let guard: ReturnType<typeof guardSchedules> | null = null;
let shuttingDown = false;
let stopTracing: () => Promise<void> = async () => undefined;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "worker shutting down");
  // Hard stop if a job refuses to finish.
  const timer = setTimeout(() => {
    logger.error("shutdown timed out, exiting");
    process.exit(1);
  }, 15_000);
  timer.unref();
  health.close();
  await guard?.stop();
  await Promise.allSettled([escalations.close(), ...workers.map((w) => w.close())]);
  await closeQueues();
  await connection.quit().catch(() => undefined);
  await disconnectRedis();
  await disconnectDb();
  await stopTracing().catch(() => undefined);
  logger.info("worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

async function main(): Promise<void> {
  stopTracing = await startWorkerTracing();
  await query("SELECT 1");
  // Webhook secrets stored before they were encrypted (or without a key) are encrypted now (L5).
  const encrypted = await encryptWebhookSecrets().catch((e: unknown) => (logger.error({ err: e }, "encrypting webhook secrets failed"), 0));
  if (encrypted) logger.info({ encrypted }, "webhook secrets encrypted under BATON_SECRETS_KEY");
  await registerSchedules(schedules);
  // Redis may lose the schedulers at any time (a flush, a restart without persistence, a
  // failover): checked on a timer and after every reconnect, re-created when missing (ADR 019).
  guard = guardSchedules({
    table: schedules,
    connection,
    everyMs: env.WORKER_SCHEDULE_CHECK_MS,
    onRepair: workerMetrics.countRepair,
    afterCheck: async () => void (await liveness.check()),
  });
  // Loops count as late from here at the earliest.
  await guard.checkNow();
  if (env.WORKER_HEALTH_PORT > 0) {
    // Listening before "worker ready": whoever waits for that line may ask /health at once.
    await new Promise<void>((resolve, reject) => {
      health.once("error", reject);
      health.listen(env.WORKER_HEALTH_PORT, "127.0.0.1", () => {
        health.off("error", reject);
        resolve();
      });
    });
  }
  logger.info({ queues: Object.values(QUEUES), health: env.WORKER_HEALTH_PORT ? `http://127.0.0.1:${env.WORKER_HEALTH_PORT}/health` : "off" }, "worker ready");
}

main().catch((err: unknown) => {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, "worker failed to start");
  process.exit(1);
});
