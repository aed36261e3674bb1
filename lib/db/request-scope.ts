import { AsyncLocalStorage } from "node:async_hooks";
import type pg from "pg";
import { isConnectionFault } from "./faults";

// A request that must take effect at most once (Idempotency-Key, ADR 027) runs in ONE PostgreSQL
// transaction: every `transaction()` and `query()` of the request joins it (each transaction as
// a savepoint, so a conflict retried inside rolls back only itself), and the idempotency record's
// answer is written in it before the commit. Its effects and its stored answer commit together
// or not at all; jobs are handed over and after-commit hooks run once the whole request commits.

export interface RequestTx {
  client: pg.PoolClient;
  /** Savepoint names, unique in the request. */
  next: number;
  /** One unit (a transaction or a query) at a time on the connection. */
  queue: Promise<void>;
  /** The outbox rows its transactions wrote (OutboxRow; typed loosely so this module imports no outbox), handed over after the commit. */
  written: unknown[];
  hooks: (() => void)[];
  broken: boolean;
}

/** `inside`: this async context already holds the connection (a query inside a transaction). */
const store = new AsyncLocalStorage<{ rtx: RequestTx; inside: boolean }>();

/** The request's transaction, when the request runs in one. */
export function currentRequestTx(): { rtx: RequestTx; inside: boolean } | undefined {
  return store.getStore();
}

/**
 * Runs `fn` with the request's connection to itself (no other unit of the request interleaves),
 * marked as inside, so a query that `fn` makes runs on the connection at once.
 */
export async function exclusively<T>(rtx: RequestTx, fn: () => Promise<T>): Promise<T> {
  const ctx = store.getStore();
  if (ctx?.inside) return fn();
  const before = rtx.queue;
  let done!: () => void;
  rtx.queue = new Promise<void>((r) => (done = r));
  await before;
  try {
    return await store.run({ rtx, inside: true }, fn);
  } finally {
    done();
  }
}

/** `fn` on a savepoint of the request's transaction: rolled back to it when `fn` throws. */
export async function onSavepoint<T>(rtx: RequestTx, fn: () => Promise<T>): Promise<T> {
  const name = `rq_${rtx.next++}`;
  await rtx.client.query(`SAVEPOINT ${name}`);
  try {
    const out = await fn();
    await rtx.client.query(`RELEASE SAVEPOINT ${name}`);
    return out;
  } catch (e) {
    if (isConnectionFault(e)) rtx.broken = true;
    else await rtx.client.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => void (rtx.broken = true));
    throw e;
  }
}

export function runWithRequestTx<T>(rtx: RequestTx, fn: () => Promise<T>): Promise<T> {
  return store.run({ rtx, inside: false }, fn);
}

/** A statement of the request: on the connection at once inside a unit, else as a unit of its own on a savepoint. */
export function queryInRequest(ctx: { rtx: RequestTx; inside: boolean }, config: pg.QueryConfig): Promise<pg.QueryResult> {
  if (ctx.inside) return ctx.rtx.client.query(config);
  return exclusively(ctx.rtx, () => onSavepoint(ctx.rtx, () => ctx.rtx.client.query(config)));
}
