import { db, query, sql, ts } from "../db";
import { env } from "../env";
import { queue, QUEUES } from "../queues";
import { parseDurationMs } from "../duration";
import { stepById } from "../processes/definition";
import type { ProcessDocument } from "../processes/schemas";

// Rebuilds the engine's jobs from PostgreSQL. The outbox sweep re-dispatches messages that never
// reached Redis; this covers jobs that did reach Redis and were lost there (a flush, a failover)
// or gave up: steps left PENDING past their retry time, RUNNING past their timeout (the worker
// died mid-step), waits past their timeout, and human steps whose task was decided. Job ids carry
// the step run's version, so a sweep adds at most one job per state of a step run. Events accepted
// with `Prefer: respond-async` and still unprocessed get their process-event job again.

export async function recoverEngineJobs(opts: { olderThanMs?: number; limit?: number } = {}): Promise<{ requeued: number }> {
  const grace = opts.olderThanMs ?? env().ENGINE_STALE_GRACE_MS;
  const limit = opts.limit ?? 500;
  const cutoff = new Date(Date.now() - grace);
  const q = queue(QUEUES.engine);
  const jobs: { name: string; data: object; opts: { jobId: string } }[] = [];

  const pending = await db().stepRun.findMany({
    where: { status: "PENDING", updatedAt: { lt: cutoff }, OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lt: cutoff } }], instance: { status: { in: ["RUNNING", "WAITING"] } } },
    select: { id: true, instanceId: true, version: true },
    take: limit,
  });
  for (const s of pending) jobs.push({ name: "run-step", data: { instanceId: s.instanceId, stepRunId: s.id }, opts: { jobId: `step.${s.id}.r${s.version}` } });

  const running = await db().stepRun.findMany({
    where: { status: "RUNNING", attemptStartedAt: { lt: cutoff } },
    select: { id: true, instanceId: true, version: true, stepId: true, attemptStartedAt: true, instance: { select: { definition: { select: { document: true } } } } },
    take: limit,
  });
  for (const s of running) {
    const step = stepById(s.instance.definition.document as unknown as ProcessDocument, s.stepId);
    const timeout = step?.kind === "http" ? (parseDurationMs(step.timeout) ?? 10_000) : 0;
    if (s.attemptStartedAt && s.attemptStartedAt.getTime() + timeout + grace > Date.now()) continue;
    jobs.push({ name: "run-step", data: { instanceId: s.instanceId, stepRunId: s.id }, opts: { jobId: `step.${s.id}.r${s.version}` } });
  }

  const expiredWaits = await db().stepRun.findMany({
    where: { status: "WAITING", timeoutAt: { lt: cutoff } },
    select: { id: true, instanceId: true, version: true },
    take: limit,
  });
  for (const s of expiredWaits) jobs.push({ name: "wait-timeout", data: { instanceId: s.instanceId, stepRunId: s.id }, opts: { jobId: `wait-timeout.${s.id}.r${s.version}` } });

  const decided = await db().task.findMany({
    // A decision inside its undo window has not taken effect yet (lib/tasks/held-decisions.ts).
    where: { status: "DECIDED", decidedAt: { lt: cutoff }, stepRun: { status: "WAITING" }, heldDecision: { is: null } },
    select: { id: true, stepRun: { select: { version: true } } },
    take: limit,
  });
  for (const t of decided) jobs.push({ name: "human-decided", data: { taskId: t.id }, opts: { jobId: `human.${t.id}.r${t.stepRun?.version ?? 0}` } });

  // Events accepted asynchronously whose process-event job was lost (partial index on the backlog).
  const unprocessed = await query<{ id: string }>(
    sql`SELECT "id" FROM "EventReceipt" WHERE "result" IS NULL AND "receivedAt" < ${ts(cutoff)} ORDER BY "receivedAt" LIMIT ${limit}`,
  );
  for (const r of unprocessed) jobs.push({ name: "process-event", data: { receiptId: r.id }, opts: { jobId: `event.${r.id}` } });

  if (jobs.length) await q.addBulk(jobs);
  return { requeued: jobs.length };
}
