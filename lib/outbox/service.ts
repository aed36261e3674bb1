import { db, Prisma, type Tx } from "../db";
import { BatchConflict, pgTransaction, write, type AnyTx, type PgTx } from "../sql-tx";
import { query } from "../pg";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { JOB_SCHEMAS, queue, QUEUES, type JobName, type JobPayload, type QueueName } from "../queues";
import { logger } from "../logger";
import { currentRequestId } from "../request-context";
import { traceCarrier } from "../tracing";

// Transactional outbox: a state change writes the jobs it implies in its own transaction;
// they are handed to BullMQ after commit, and a worker sweep re-dispatches anything a crash
// left behind. Deterministic job ids make a double dispatch harmless (BullMQ ids may not contain ":", so they read "task-created.<id>").
export async function enqueueInTx<N extends JobName>(tx: AnyTx, message: OutboxInput<N>): Promise<void> {
  // The request id of the work that implied the job travels with it (lib/request-context.ts).
  const payload = payloadOf(message);
  const runAt = message.runAt ?? null;
  // Remembered on the transaction, so whoever commits it can hand exactly these to BullMQ; the id
  // arrives with the INSERT's result (at the commit, in a batched transaction: lib/sql-tx.ts).
  const row: OutboxRow = { id: "", queue: message.queue, jobName: message.name, jobId: message.jobId, payload, availableAt: runAt };
  const written = writtenInTx.get(tx) ?? [];
  written.push(row);
  writtenInTx.set(tx, written);
  await write(
    tx,
    Prisma.sql`INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "availableAt", "createdAt")
      VALUES (${message.queue}, ${message.name}, ${message.jobId}, ${JSON.stringify(payload)}::jsonb, ${runAt ? runAt.toISOString() : null}::timestamptz AT TIME ZONE 'UTC', (now() AT TIME ZONE 'UTC'))`,
    { returning: Prisma.sql`"id"`, expect: 1, onRows: (r) => (row.id = (r[0] as { id: bigint | number | string }).id) },
  );
}

/** A message as stored in the outbox: what dispatching it needs. */
export interface OutboxRow {
  id: bigint | number | string;
  queue: string;
  jobName: string;
  jobId: string;
  payload: object;
  availableAt: Date | null;
}

const writtenInTx = new WeakMap<object, OutboxRow[]>();

/** The messages `enqueueInTx` wrote in this transaction (and forgets them). */
function takeWritten(tx: AnyTx): OutboxRow[] {
  const written = writtenInTx.get(tx) ?? [];
  writtenInTx.delete(tx);
  return written;
}

/**
 * Runs `fn` in a transaction and, after it commits, hands the messages it wrote to BullMQ itself:
 * no scan of the outbox for them. A crash between the commit and the hand-off leaves them to the
 * sweep (dispatchOutbox).
 */
export function transactionWithOutbox<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return thenDispatch((body: (tx: Tx) => Promise<T>) => db().$transaction(body), fn);
}

/**
 * transactionWithOutbox on the hot paths' pool (a PgTx; lib/sql-tx.ts). `batched` (ADR 016): writes
 * wait and go as one statement; should one of its guards fail, nothing was written and `fn` runs
 * again unbatched, where the guard's failure takes the path it takes in the code (a lock and a
 * fresh look, or "moved on"). `fn` must start from scratch each time it runs.
 */
export async function pgTransactionWithOutbox<T>(fn: (tx: PgTx) => Promise<T>, opts: { batched?: boolean } = {}): Promise<T> {
  const run = (batched: boolean) => thenDispatch((body: (tx: PgTx) => Promise<T>) => pgTransaction<T>(body, { batched }), fn);
  if (!opts.batched) return run(false);
  try {
    return await run(true);
  } catch (e) {
    if (!(e instanceof BatchConflict)) throw e;
    return run(false);
  }
}

async function thenDispatch<X extends AnyTx, T>(runTx: (body: (tx: X) => Promise<T>) => Promise<T>, fn: (tx: X) => Promise<T>): Promise<T> {
  let written: OutboxRow[] = [];
  const result = await runTx(async (tx) => {
    const out = await fn(tx);
    written = takeWritten(tx);
    return out;
  });
  if (written.length) await dispatchMessages(written).catch((err: unknown) => logger.warn({ err: String(err) }, "outbox dispatch deferred to sweep"));
  return result;
}

function withRequestId(payload: Prisma.InputJsonObject): Prisma.InputJsonObject {
  const requestId = currentRequestId();
  const trace = traceCarrier();
  return {
    ...payload,
    ...(requestId && payload.requestId === undefined ? { requestId } : {}),
    ...(trace.traceparent ? { trace } : {}),
  };
}

/**
 * A job a state change implies. `companions`: jobs that ride along in its payload and are handled
 * by the worker that runs it, before it (runCompanions): one job through Redis instead of several
 * when a change implies work for more than one queue at the same moment (ADR 017).
 */
export type OutboxInput<N extends JobName = JobName> = { queue: QueueName; name: N; jobId: string; payload: JobPayload<N>; runAt?: Date; companions?: OutboxInput[] };

/** Messages with their final payload (request id, trace), as both the INSERT and the hand-off use them. */
export function prepareMessages(messages: OutboxInput[]): Omit<OutboxRow, "id">[] {
  return messages.map((m) => ({ queue: m.queue, jobName: m.name, jobId: m.jobId, payload: payloadOf(m), availableAt: m.runAt ?? null }));
}

/** The stored payload: the job's own, its companions, the request id and the trace. */
function payloadOf(m: OutboxInput): Prisma.InputJsonObject {
  const companions = m.companions?.map((c) => ({ queue: c.queue, name: c.name, jobId: c.jobId, payload: withRequestId(c.payload as Prisma.InputJsonObject) }));
  return withRequestId({ ...(m.payload as Prisma.InputJsonObject), ...(companions?.length ? { companions } : {}) });
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
 * `INSERT INTO "OutboxMessage" … SELECT … FROM <from> RETURNING "id"` for a single-statement state
 * change: the rows are written only if `from` (a CTE of the guarded UPDATE) returned a row. Select
 * `array_agg("id")` from this CTE to dispatch the rows after commit (dispatchMessages).
 */
export function outboxInsertSql(messages: Omit<OutboxRow, "id">[], from: Prisma.Sql): Prisma.Sql {
  const rows = messages.map(
    (m) =>
      Prisma.sql`SELECT ${m.queue}, ${m.jobName}, ${m.jobId}, ${JSON.stringify(m.payload)}::jsonb, ${m.availableAt ? m.availableAt.toISOString() : null}::timestamptz AT TIME ZONE 'UTC'`,
  );
  return Prisma.sql`INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "availableAt", "createdAt")
    SELECT m.*, (now() AT TIME ZONE 'UTC') FROM (${Prisma.join(rows, " UNION ALL ")}) m WHERE EXISTS (SELECT 1 FROM ${from}) RETURNING "id"`;
}

/**
 * After commit: hands over the prepared messages an `outboxInsertSql` INSERT wrote, given the ids it
 * returned (`array_agg("id" ORDER BY "id")`). Not awaited by the caller's response; a failure leaves
 * them to the sweep.
 */
export function dispatchInserted(messages: Omit<OutboxRow, "id">[], ids: (string | number | bigint)[] | null | undefined): void {
  if (!ids || ids.length !== messages.length) return;
  dispatchMessages(messages.map((m, i) => ({ ...m, id: ids[i]! }))).catch((err: unknown) => logger.warn({ err: String(err) }, "outbox dispatch deferred to sweep"));
}

/**
 * Hands these messages to BullMQ and marks them dispatched (the marks of a burst of commits go in
 * one UPDATE). Deterministic job ids make a second hand-off of the same message (the sweep racing
 * this) a no-op in BullMQ.
 */
export function dispatchMessages(messages: OutboxRow[]): Promise<void> {
  if (messages.length === 0) return Promise.resolve();
  if (localHandlers.size === 0) return viaQueues(messages);
  return handOver(messages, viaQueues, true);
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
 * sweep, as with any dispatch; a handler that throws sends the message to BullMQ, which retries it
 * as any job. For the worker, whose processors are idempotent. Returns the undo.
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

// Marks collected over a few milliseconds and written together: one UPDATE for a burst of commits.
let marks: string[] = [];
let marking: Promise<void> | null = null;

function markDispatched(ids: string[]): Promise<void> {
  marks.push(...ids);
  marking ??= new Promise<void>((r) => setTimeout(r, 5)).then(async () => {
    const batch = marks;
    marks = [];
    marking = null;
    await query(MARK_DISPATCHED, [batch]);
  });
  return marking;
}

/**
 * Hands pending outbox messages to BullMQ. Returns how many were dispatched. `minAgeMs`: only
 * messages at least that old (the worker's sweep: it leaves the ones their committer is still
 * handing over or handling alone).
 */
export async function dispatchOutbox(limit = 500, opts: { minAgeMs?: number } = {}): Promise<number> {
  // Raw statements: the ORM's updateMany costs three round trips (BEGIN, UPDATE, COMMIT) where one does.
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

/** Called after a commit on the request path; failures are left for the worker's sweep. */
// Coalesced per process: a burst of commits runs one dispatch at a time (plus one more for
// whatever committed meanwhile) instead of one outbox scan per request.
let running: Promise<void> | null = null;
let again = false;

export function dispatchOutboxSoon(): void {
  if (running) {
    again = true;
    return;
  }
  running = (async () => {
    do {
      again = false;
      await dispatchOutbox().catch((err: unknown) => logger.warn({ err: String(err) }, "outbox dispatch deferred to sweep"));
    } while (again);
  })().finally(() => {
    running = null;
  });
}
