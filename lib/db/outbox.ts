import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { JOB_SCHEMAS, queue, QUEUES, type JobName, type JobPayload, type QueueName } from "../queues";
import { logger } from "../logger";
import { currentRequestId } from "../request-context";
import { traceCarrier } from "../tracing";
import { query } from "./pool";
import { sql, type Sql } from "./sql";

// The transactional outbox. A state change writes the jobs it implies in its own transaction
// (Tx.enqueue); once it commits they are handed over — to a handler in this process when it runs
// that queue (handleLocally), else to BullMQ — and marked dispatched. A crash in between leaves
// them to the worker's sweep (dispatchOutbox). Deterministic job ids make a second hand-off of the
// same message a no-op in BullMQ (ids may not contain ":", so they read "task-created.<id>").

/**
 * A job a state change implies. `companions`: jobs that ride along in its payload and are handled
 * by the worker that runs it, before it (runCompanions): one job through Redis instead of several
 * when a change implies work for more than one queue at the same moment (ADR 017).
 */
export type OutboxInput<N extends JobName = JobName> = {
  queue: QueueName;
  name: N;
  jobId: string;
  payload: JobPayload<N>;
  runAt?: Date;
  companions?: OutboxInput[];
};

/** A message as stored in the outbox: what handing it over needs. */
export interface OutboxRow {
  id: bigint | number | string;
  queue: string;
  jobName: string;
  jobId: string;
  payload: object;
  availableAt: Date | null;
}

/** The stored payload: the job's own, its companions, the request id and the trace. */
function payloadOf(m: OutboxInput): Record<string, unknown> {
  const companions = m.companions?.map((c) => ({ queue: c.queue, name: c.name, jobId: c.jobId, payload: withRequestId(c.payload as Record<string, unknown>) }));
  return withRequestId({ ...(m.payload as Record<string, unknown>), ...(companions?.length ? { companions } : {}) });
}

// The request id of the work that implied the job travels with it (lib/request-context.ts).
function withRequestId(payload: Record<string, unknown>): Record<string, unknown> {
  const requestId = currentRequestId();
  const trace = traceCarrier();
  return {
    ...payload,
    ...(requestId && payload.requestId === undefined ? { requestId } : {}),
    ...(trace.traceparent ? { trace } : {}),
  };
}

/** These messages as outbox rows (without their ids, which the INSERT returns). */
export function prepareMessages(messages: readonly OutboxInput[]): Omit<OutboxRow, "id">[] {
  return messages.map((m) => ({ queue: m.queue, jobName: m.name, jobId: m.jobId, payload: payloadOf(m), availableAt: m.runAt ?? null }));
}

/** One INSERT of these rows, in order, returning their ids and job ids. */
export function insertOutboxRows(rows: readonly Omit<OutboxRow, "id">[]): Sql {
  const col = <T>(f: (r: Omit<OutboxRow, "id">) => T) => rows.map(f);
  return sql`INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "availableAt", "createdAt")
    SELECT v.queue, v.job_name, v.job_id, v.payload::jsonb, v.available_at::timestamptz AT TIME ZONE 'UTC', (now() AT TIME ZONE 'UTC')
    FROM unnest(${col((r) => r.queue)}::text[], ${col((r) => r.jobName)}::text[], ${col((r) => r.jobId)}::text[],
                ${col((r) => JSON.stringify(r.payload))}::text[], ${col((r) => r.availableAt?.toISOString() ?? null)}::text[])
         WITH ORDINALITY AS v(queue, job_name, job_id, payload, available_at, n)
    ORDER BY v.n`;
}

const companionsSchema = z.array(
  z.object({
    queue: z.enum(Object.values(QUEUES) as [QueueName, ...QueueName[]]),
    name: z.string().refine((n): n is JobName => n in JOB_SCHEMAS, "unknown job name"),
    jobId: z.string().min(1),
    payload: z.record(z.string(), z.unknown()),
  }),
);

/**
 * Handles the companions a job's payload carries: here when this process handles their queue
 * (handleLocally), else, and when that fails, as jobs of their own (their deterministic ids make a
 * second hand-off of the same companion, from a retry of the job, a no-op in BullMQ). Never throws
 * for a companion's failure: the job itself goes on.
 */
export async function runCompanions(data: unknown): Promise<void> {
  const raw = (data as { companions?: unknown } | null | undefined)?.companions;
  if (raw === undefined) return;
  const parsed = companionsSchema.safeParse(raw);
  if (!parsed.success) throw new UnrecoverableError(`invalid companions: ${parsed.error.message}`);
  const rows: OutboxRow[] = parsed.data.map((c) => ({ id: "", queue: c.queue, jobName: c.name, jobId: c.jobId, payload: c.payload, availableAt: null }));
  // No outbox rows of their own: straight to their queues, nothing to mark.
  await handOver(rows, addToQueues, false);
}

/**
 * After a commit: hands these outbox rows over and marks them dispatched (the marks of a burst of
 * commits go in one UPDATE). A failure leaves them to the sweep.
 */
export async function handOff(rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    await (localHandlers.size === 0 ? viaQueues(rows) : handOver(rows, viaQueues, true));
  } catch (err) {
    logger.warn({ err: String(err) }, "outbox dispatch deferred to sweep");
  }
}

/**
 * The messages this process would be handed back by BullMQ, due now, it handles itself; the rest
 * go to `toQueues`. `marked`: they are outbox rows, marked dispatched once handled.
 */
async function handOver(messages: OutboxRow[], toQueues: (m: OutboxRow[]) => Promise<void>, marked: boolean): Promise<void> {
  const now = Date.now();
  const local = messages.filter((m) => localHandlers.has(m.queue) && (!m.availableAt || m.availableAt.getTime() <= now));
  const remote = local.length ? messages.filter((m) => !local.includes(m)) : messages;
  await Promise.all([remote.length ? toQueues(remote) : undefined, ...local.map((m) => runLocally(m, toQueues, marked))]);
}

/** A job as a processor sees it, whether BullMQ delivered it or its own process handles it. */
export interface JobLike {
  id?: string;
  name: string;
  data: unknown;
  timestamp: number;
}

export type LocalHandler = (job: JobLike) => Promise<unknown>;
const localHandlers = new Map<string, LocalHandler>();

/**
 * From now on, messages this process commits for `queue` are handled here, right after the commit,
 * instead of going to Redis only to come back to a worker of the same process (ADR 017). The
 * outbox row stays until the handler succeeded, so a crash in between leaves the message to the
 * sweep; a handler that throws sends the message to BullMQ, which retries it as any job. For the
 * worker, whose processors are idempotent. Returns the undo.
 */
export function handleLocally(queueName: QueueName, handler: LocalHandler): () => void {
  localHandlers.set(queueName, handler);
  return () => {
    if (localHandlers.get(queueName) === handler) localHandlers.delete(queueName);
  };
}

async function runLocally(m: OutboxRow, toQueues: (m: OutboxRow[]) => Promise<void>, marked: boolean): Promise<void> {
  const handler = localHandlers.get(m.queue)!;
  try {
    await handler({ id: m.jobId, name: m.jobName, data: m.payload, timestamp: Date.now() });
  } catch (err) {
    logger.warn({ queue: m.queue, job: m.jobName, jobId: m.jobId, err: err instanceof Error ? err.message : String(err) }, "job failed where it was committed; queued for retry");
    return toQueues([m]);
  }
  if (marked) markDispatched([String(m.id)]).catch((err: unknown) => logger.warn({ err: String(err) }, "outbox marks deferred to sweep"));
}

function viaQueues(messages: OutboxRow[]): Promise<void> {
  // Coalesced: the commits of one event-loop turn go to Redis in one addBulk per queue.
  toDispatch.push(...messages);
  dispatching ??= new Promise<void>((r) => setImmediate(r)).then(async () => {
    const batch = toDispatch;
    toDispatch = [];
    dispatching = null;
    await addToQueues(batch);
    // Not awaited: a mark lost to a crash only means the sweep hands the message over once more.
    markDispatched(batch.map((m) => String(m.id))).catch((err: unknown) => logger.warn({ err: String(err) }, "outbox marks deferred to sweep"));
  });
  return dispatching;
}

let toDispatch: OutboxRow[] = [];
let dispatching: Promise<void> | null = null;

async function addToQueues(messages: OutboxRow[]): Promise<void> {
  const byQueue = new Map<string, OutboxRow[]>();
  for (const m of messages) byQueue.set(m.queue, [...(byQueue.get(m.queue) ?? []), m]);
  for (const [name, list] of byQueue) {
    await queue(name as QueueName).addBulk(
      list.map((m) => ({
        name: m.jobName,
        data: m.payload,
        // A delayed message (retry backoff, timeout) keeps whatever of its delay is left.
        opts: { jobId: m.jobId, ...(m.availableAt ? { delay: Math.max(0, m.availableAt.getTime() - Date.now()) } : {}) },
      })),
    );
  }
}

const MARK_DISPATCHED = `UPDATE "OutboxMessage" SET "dispatchedAt" = (now() AT TIME ZONE 'UTC') WHERE "id" = ANY($1::text[]::bigint[]) AND "dispatchedAt" IS NULL`;

// Marks collected over MARK_WINDOW_MS and written together: one UPDATE for the commits of that
// window (at 400 decisions/s, one for about twenty instead of one for two with a 5 ms window). A
// mark only tells the sweep to leave a message alone, and the sweep leaves messages younger than
// two seconds alone anyway (workers/processors/maintenance.ts), so the wait changes nothing else.
const MARK_WINDOW_MS = 50;
let marks: string[] = [];
let marking: Promise<void> | null = null;

function markDispatched(ids: string[]): Promise<void> {
  marks.push(...ids);
  marking ??= new Promise<void>((r) => setTimeout(r, MARK_WINDOW_MS)).then(async () => {
    const batch = marks;
    marks = [];
    marking = null;
    await query(MARK_DISPATCHED, [batch]);
  });
  return marking;
}

/**
 * The worker's sweep: hands pending outbox messages to BullMQ. Returns how many. `minAgeMs`: only
 * messages at least that old (it leaves the ones their committer is still handing over or handling).
 */
export async function dispatchOutbox(limit = 500, opts: { minAgeMs?: number } = {}): Promise<number> {
  const pending = await query<OutboxRow>(
    `SELECT "id", "queue", "jobName", "jobId", "payload", "availableAt" FROM "OutboxMessage"
      WHERE "dispatchedAt" IS NULL AND "createdAt" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => $2::float8 / 1000) ORDER BY "id" LIMIT $1`,
    [limit, opts.minAgeMs ?? 0],
  );
  if (pending.length === 0) return 0;
  await addToQueues(pending);
  await query(MARK_DISPATCHED, [pending.map((m) => String(m.id))]);
  return pending.length;
}

/**
 * Deletes outbox rows dispatched more than `olderThanHours` ago, in batches (the `dispatchedAt`
 * index finds them; rows never dispatched are kept whatever their age). Returns how many.
 */
export async function pruneOutbox(olderThanHours: number, batch = 5000): Promise<number> {
  let total = 0;
  for (let i = 0; i < 100; i++) {
    const [row] = await query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM "OutboxMessage" WHERE "id" IN (
           SELECT "id" FROM "OutboxMessage"
            WHERE "dispatchedAt" IS NOT NULL AND "dispatchedAt" < (now() AT TIME ZONE 'UTC') - make_interval(hours => $1::int)
            ORDER BY "dispatchedAt" LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS "n" FROM gone`,
      [olderThanHours, batch],
    );
    const n = row?.n ?? 0;
    total += n;
    if (n < batch) break;
  }
  return total;
}
