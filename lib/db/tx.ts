import type pg from "pg";
import { logger } from "../logger";
import { isConnectionFault } from "./faults";
import { auditInsertSql, type AuditActor, type AuditInput } from "./audit";
import { handOff, insertOutboxRows, prepareMessages, type OutboxInput, type OutboxRow } from "./outbox";
import { pool, statementName } from "./pool";
import { currentRequestTx, exclusively, onSavepoint, type RequestTx } from "./request-scope";
import { insertSql, setSql, tableSql, type Changes, type Filled, type NewRow, type Row, type Table } from "./schema";
import { join, raw, sql, type Sql } from "./sql";

// The one transaction type (ADR 020). Every state change runs in one: its SQL, the audit entries
// that record it, the jobs it implies (the outbox) and what must happen once it has committed
// (live events, the hand-off of those jobs). On the pg pool, every statement a named prepared
// statement.
//
// Batched (ADR 016), writes wait: the next read, or the commit, sends those waiting as ONE
// statement of data-modifying CTEs. A transaction that never reads sends no BEGIN at all: its
// writes, audit entries and outbox rows are one implicit transaction. A guard that matched no row
// raises inside that statement (baton_stale, SQLSTATE BT409) and nothing of it is written; the
// transaction then runs again unbatched, where the guard's failure takes the path the code gives it.

export interface WriteOptions {
  /** What `onRows` gets (default: `1`). */
  returning?: Sql;
  /** Exactly this many rows, or `stale()` is thrown (a batched transaction: it runs again unbatched). */
  expect?: number;
  stale?: () => Error;
  onRows?: (rows: unknown[]) => void;
  /** The one row it writes ("<table>:<id>"): a second write of that row waits for the first to be sent. */
  key?: string;
}

interface Deferred extends WriteOptions {
  sql: Sql;
  returning: Sql;
}

/**
 * A batched transaction's waiting writes conflicted (a guard matched no row) and nothing was
 * written: `transaction` runs the function again, unbatched.
 */
export class BatchConflict extends Error {
  constructor() {
    super("a deferred guarded write found its row changed; the batched transaction wrote nothing");
    this.name = "BatchConflict";
  }
}

export class Tx {
  private deferred: Deferred[] = [];
  private readonly entries: { actor: AuditActor; input: AuditInput }[] = [];
  private readonly messages: OutboxInput[] = [];
  private readonly committed: (() => void)[] = [];
  /** The outbox rows this transaction wrote, with their ids, for the hand-off after the commit. */
  readonly written: OutboxRow[] = [];
  /** BEGIN was sent. */
  begun = false;
  /** The transaction's one statement was sent on its own (queryWhole): nothing may follow it. */
  private whole = false;

  constructor(
    private readonly client: pg.PoolClient,
    readonly batched: boolean,
    /** Part of a request's transaction (request-tx.ts), on a savepoint: no BEGIN or COMMIT of its own. */
    private readonly joined = false,
  ) {}

  /**
   * A read, or a write whose result the code needs now: BEGIN and the waiting writes go first.
   * `q` is an `sql` template, or text with $n placeholders and its values.
   */
  async query<T>(q: Sql | string, values: unknown[] = []): Promise<T[]> {
    await this.begin();
    await this.sendDeferred();
    return this.run<T>(typeof q === "string" ? { text: q, values } : q);
  }

  /**
   * A plain read (no FOR UPDATE) of rows this transaction does not write: a group by its key, a
   * person. Before the transaction has sent anything it runs on its own, without BEGIN and without
   * sending the waiting writes first, so a transaction that only looks things up and then writes
   * stays one statement of batched writes (a human step's task: the group, then the writes — two round
   * trips instead of five, ADR 056).
   * Under READ COMMITTED a read in the transaction would see no more: each statement takes its own
   * snapshot and a plain SELECT locks nothing. Once the transaction has begun it is `query`.
   */
  async lookup<T>(q: Sql): Promise<T[]> {
    if (this.begun || this.joined || this.whole) return this.query<T>(q);
    return this.run<T>(q);
  }

  /**
   * A statement that is the whole transaction and whose rows the code needs (data-modifying CTEs
   * that write their own outbox rows, say): when nothing has been sent and nothing waits, it goes
   * without BEGIN — PostgreSQL commits one statement atomically — and nothing may be written after
   * it; else it is `query`. Outbox rows it wrote are handed over with `handOver`.
   */
  async queryWhole<T>(q: Sql): Promise<T[]> {
    if (this.begun || this.deferred.length || this.entries.length || this.messages.length) return this.query<T>(q);
    this.whole = true;
    return this.run<T>(q);
  }

  /** Outbox rows a statement of this transaction wrote itself: handed over after the commit, as enqueued ones are. */
  handOver(rows: readonly OutboxRow[]): void {
    this.written.push(...rows);
  }

  /**
   * A write whose result the code does not need at once (`q` without RETURNING). Runs now when
   * unbatched; batched, it waits for the next read or the commit.
   */
  async write(q: Sql, opts: WriteOptions = {}): Promise<void> {
    const d: Deferred = { ...opts, sql: q, returning: opts.returning ?? sql`1` };
    if (!this.batched) {
      await this.begin();
      return this.runWrite(d);
    }
    // Writes sent together share one snapshot: none sees another's row. A write of a row a waiting
    // write already touches sends those first, as a read does.
    if (d.key && this.deferred.some((w) => w.key === d.key)) {
      await this.begin();
      await this.sendDeferred();
    }
    this.deferred.push(d);
  }

  /**
   * Inserts a row, the client-filled columns (cuid ids, now(), @updatedAt) filled as the ORM did,
   * and returns it as written; batched, the INSERT waits like any write.
   */
  async insert<T extends Table, const D extends NewRow<T>>(table: T, data: D, opts: Omit<WriteOptions, "key"> = {}): Promise<D & Filled<T>> {
    const { sql: q, row } = insertSql(table, data);
    const id = (row as { id?: unknown }).id;
    await this.write(q, { ...opts, key: typeof id === "string" ? `${table}:${id}` : undefined });
    return row as D & Filled<T>;
  }

  /** Inserts a row now and reads it back whole (the database's defaults included). */
  async insertReturning<T extends Table>(table: T, data: NewRow<T>): Promise<Row<T>> {
    const [row] = await this.query<Row<T>>(sql`${insertSql(table, data).sql} RETURNING *`);
    return row!;
  }

  /** `UPDATE "Table" SET … WHERE …` (updatedAt set for tables that have it). */
  update<T extends Table>(table: T, changes: Changes<T>, where: Sql, opts: WriteOptions = {}): Promise<void> {
    return this.write(sql`UPDATE ${tableSql(table)} SET ${setSql(table, changes)} WHERE ${where}`, opts);
  }

  /** `update` now, returning the changed rows whole. */
  updateReturning<T extends Table>(table: T, changes: Changes<T>, where: Sql): Promise<Row<T>[]> {
    return this.query<Row<T>>(sql`UPDATE ${tableSql(table)} SET ${setSql(table, changes)} WHERE ${where} RETURNING *`);
  }

  /** Records an audit entry with this transaction's change (written at its commit, in order). */
  audit(actor: AuditActor, input: AuditInput): void {
    this.entries.push({ actor, input });
  }

  /** A job this change implies: written to the outbox at the commit, handed over after it. */
  enqueue(message: OutboxInput): void {
    this.messages.push(message);
  }

  /** Runs once the transaction has committed (never if it rolls back); a throw is logged, not raised. */
  afterCommit(fn: () => void): void {
    this.committed.push(fn);
  }

  private async begin(): Promise<void> {
    if (this.begun) return;
    if (this.whole) throw new Error("queryWhole sent the transaction's one statement: nothing may follow it");
    this.begun = true;
    if (!this.joined) await this.client.query("BEGIN");
  }

  private async run<T>(q: { text: string; values: unknown[] }): Promise<T[]> {
    const text = q.text;
    const result = await this.client.query({ name: statementName(text), text, values: q.values as unknown[] });
    return result.rows as T[];
  }

  /** `wasDeferred`: the code went on past this write as if it had succeeded, so a conflict is a BatchConflict. */
  private async runWrite(d: Deferred, wasDeferred = false): Promise<void> {
    const out = await this.run<unknown>(sql`${d.sql} RETURNING ${d.returning}`);
    if (wasDeferred && d.expect !== undefined && out.length !== d.expect) throw new BatchConflict();
    delivered(d, out);
  }

  /** The waiting writes as one statement (one of them: itself). */
  private async sendDeferred(): Promise<void> {
    const writes = this.deferred;
    if (writes.length === 0) return;
    this.deferred = [];
    if (writes.length === 1) return this.runWrite(writes[0]!, true);
    const name = (i: number) => raw(`w${i}`);
    const ctes = writes.map((d, i) => sql`${name(i)} AS (${d.sql} RETURNING ${d.returning})`);
    const guards = writes.flatMap((d, i) => (d.expect === undefined ? [] : [sql`(SELECT count(*) FROM ${name(i)}) = ${d.expect}`]));
    const wanted = writes.flatMap((d, i) => (d.onRows ? [sql`(SELECT coalesce(json_agg(${name(i)}), '[]') FROM ${name(i)}) AS ${raw(`"r${i}"`)}`] : []));
    // A guard that matched no row raises (baton_stale, SQLSTATE BT409): the statement, and with it every write, rolls back.
    const ok = guards.length ? sql`CASE WHEN ${join(guards, " AND ")} THEN true ELSE baton_stale('deferred write') END` : sql`true`;
    const select = wanted.length ? sql`${ok} AS "ok", ${join(wanted, ", ")}` : sql`${ok} AS "ok"`;
    let out: Record<string, unknown>[];
    try {
      out = await this.run<Record<string, unknown>>(sql`WITH ${join(ctes, ", ")} SELECT ${select}`);
    } catch (e) {
      if ((e as { code?: string }).code === "BT409") throw new BatchConflict();
      throw e;
    }
    writes.forEach((d, i) => d.onRows?.((out[0]?.[`r${i}`] as unknown[] | undefined) ?? []));
  }

  /** The audit entries and outbox rows as writes, the waiting writes, then COMMIT (if BEGIN was sent). */
  async commit(): Promise<void> {
    if (this.whole && (this.entries.length || this.messages.length || this.deferred.length)) {
      throw new Error("queryWhole sent the transaction's one statement: nothing may follow it");
    }
    if (this.entries.length) await this.write(auditInsertSql(this.entries));
    if (this.messages.length) {
      const rows = prepareMessages(this.messages);
      await this.write(insertOutboxRows(rows), {
        returning: sql`"id"`,
        onRows: (ids) => ids.forEach((r, i) => this.written.push({ ...rows[i]!, id: (r as { id: bigint | number | string }).id })),
      });
    }
    await this.sendDeferred();
    if (this.begun && !this.joined) await this.client.query("COMMIT");
  }

  /** After the commit: the hooks, in order (a failing one is logged, the rest still run). */
  runAfterCommit(): void {
    for (const fn of this.committed) {
      try {
        fn();
      } catch (err) {
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, "after-commit hook failed");
      }
    }
  }
}

/** A write's rows, checked against its expected count and handed to its onRows. */
function delivered(d: Deferred, out: unknown[]): void {
  if (d.expect !== undefined && out.length !== d.expect) throw d.stale ? d.stale() : new Error(`expected ${d.expect} rows, got ${out.length}`);
  d.onRows?.(out);
}

export interface TransactionOptions {
  /** Writes wait and go as one statement (see Tx); `fn` must start from scratch each time it runs. */
  batched?: boolean;
  /**
   * Wait for the hand-off of the jobs written (default true). A request whose answer does not
   * depend on it (a decision, an accepted event) lets it finish in the background; committed jobs
   * are delivered either way (the sweep).
   */
  awaitHandOff?: boolean;
}

/**
 * Runs `fn` in a transaction on one pooled connection: commits, then hands over the jobs it wrote
 * and runs its after-commit hooks; rolls back when `fn` throws. Batched, a conflict runs `fn`
 * again unbatched.
 */
export async function transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  const inRequest = currentRequestTx();
  if (inRequest) return joinRequestTx(inRequest.rtx, fn, opts);
  if (!opts.batched) return attempt(fn, false, opts);
  try {
    return await attempt(fn, true, opts);
  } catch (e) {
    if (!(e instanceof BatchConflict)) throw e;
    return attempt(fn, false, opts);
  }
}

async function attempt<T>(fn: (tx: Tx) => Promise<T>, batched: boolean, opts: TransactionOptions): Promise<T> {
  const client = await pool().connect();
  // A connection that failed while checked out (terminated, reset) goes back destroyed, never
  // to the pool for the next request (issue 19): its 'error' event, or an error of its kind.
  let broken = false;
  const onError = () => void (broken = true);
  client.on("error", onError);
  const tx = new Tx(client, batched);
  let result: T;
  try {
    result = await fn(tx);
    await tx.commit();
  } catch (e) {
    if (isConnectionFault(e)) broken = true;
    if (tx.begun && !broken) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
    }
    throw e;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
  const handedOff = handOff(tx.written);
  tx.runAfterCommit();
  if (opts.awaitHandOff !== false) await handedOff;
  return result;
}

/**
 * Inside a request's transaction (request-tx.ts): `fn` on a savepoint of it, batched first if asked
 * (a conflict rolls back to the savepoint and runs it again unbatched). Its jobs and hooks wait
 * for the request's commit.
 */
function joinRequestTx<T>(rtx: RequestTx, fn: (tx: Tx) => Promise<T>, opts: TransactionOptions): Promise<T> {
  const once = (batched: boolean) =>
    onSavepoint(rtx, async () => {
      const tx = new Tx(rtx.client, batched, true);
      const result = await fn(tx);
      await tx.commit();
      rtx.written.push(...tx.written);
      rtx.hooks.push(() => tx.runAfterCommit());
      return result;
    });
  return exclusively(rtx, async () => {
    if (!opts.batched) return once(false);
    try {
      return await once(true);
    } catch (e) {
      if (!(e instanceof BatchConflict)) throw e;
      return once(false);
    }
  });
}
