import { Prisma, type Tx } from "../db";
import { query } from "../pg";
import { queue, type JobName, type JobPayload, type QueueName } from "../queues";
import { logger } from "../logger";
import { currentRequestId } from "../request-context";
import { traceCarrier } from "../tracing";

// Transactional outbox: a state change writes the jobs it implies in its own transaction;
// they are handed to BullMQ after commit, and a worker sweep re-dispatches anything a crash
// left behind. Deterministic job ids make a double dispatch harmless (BullMQ ids may not contain ":", so they read "task-created.<id>").
export async function enqueueInTx<N extends JobName>(
  tx: Tx,
  message: { queue: QueueName; name: N; jobId: string; payload: JobPayload<N>; runAt?: Date },
): Promise<void> {
  await tx.outboxMessage.create({
    data: {
      queue: message.queue,
      jobName: message.name,
      jobId: message.jobId,
      // The request id of the work that implied the job travels with it (lib/request-context.ts).
      payload: withRequestId(message.payload as Prisma.InputJsonObject),
      availableAt: message.runAt ?? null,
    },
  });
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

export type OutboxInput<N extends JobName = JobName> = { queue: QueueName; name: N; jobId: string; payload: JobPayload<N>; runAt?: Date };

/**
 * `INSERT INTO "OutboxMessage" … SELECT … FROM <from>` for a single-statement state change: the
 * rows are written only if `from` (a CTE of the guarded UPDATE) returned a row.
 */
export function outboxInsertSql(messages: OutboxInput[], from: Prisma.Sql): Prisma.Sql {
  const rows = messages.map(
    (m) =>
      Prisma.sql`SELECT ${m.queue}, ${m.name}, ${m.jobId}, ${JSON.stringify(withRequestId(m.payload as Prisma.InputJsonObject))}::jsonb, ${m.runAt ? m.runAt.toISOString() : null}::timestamptz AT TIME ZONE 'UTC'`,
  );
  return Prisma.sql`INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "availableAt")
    SELECT m.* FROM (${Prisma.join(rows, " UNION ALL ")}) m WHERE EXISTS (SELECT 1 FROM ${from})`;
}

/** Hands pending outbox messages to BullMQ. Returns how many were dispatched. */
export async function dispatchOutbox(limit = 500): Promise<number> {
  // Raw statements: this runs after every commit on the request path, and the ORM's updateMany
  // costs three round trips (BEGIN, UPDATE, COMMIT) where one does.
  const pending = await query<{ id: bigint | number; queue: string; jobName: string; jobId: string; payload: object; availableAt: Date | null }>(
    `SELECT "id", "queue", "jobName", "jobId", "payload", "availableAt" FROM "OutboxMessage"
      WHERE "dispatchedAt" IS NULL ORDER BY "id" LIMIT $1`,
    [limit],
  );
  if (pending.length === 0) return 0;
  const byQueue = new Map<string, typeof pending>();
  for (const m of pending) byQueue.set(m.queue, [...(byQueue.get(m.queue) ?? []), m]);
  for (const [name, messages] of byQueue) {
    await queue(name as QueueName).addBulk(
      messages.map((m) => ({
        name: m.jobName,
        data: m.payload,
        // A delayed message (retry backoff, timeout) keeps whatever of its delay is left.
        opts: { jobId: m.jobId, ...(m.availableAt ? { delay: Math.max(0, m.availableAt.getTime() - Date.now()) } : {}) },
      })),
    );
  }
  await query(`UPDATE "OutboxMessage" SET "dispatchedAt" = (now() AT TIME ZONE 'UTC') WHERE "id" = ANY($1::text[]::bigint[]) AND "dispatchedAt" IS NULL`, [
    pending.map((m) => String(m.id)),
  ]);
  return pending.length;
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
