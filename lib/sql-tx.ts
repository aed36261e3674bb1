import { randomBytes } from "node:crypto";
import type pg from "pg";
import { Prisma, type Tx } from "./db";
import { pool, statementName } from "./pg";

// Transactions on the hot paths' own pool (ADR 013, ADR 015): BEGIN … COMMIT on one pg client,
// every statement a named prepared statement. The engine's transitions run in these in the worker;
// the same functions also run inside a Prisma interactive transaction (operators' actions,
// migrations), so they take either and write SQL through `rows`.

/** A write whose result the code needs only at the commit (see `write`). */
interface Deferred {
  sql: Prisma.Sql;
  returning: Prisma.Sql;
  /** Exactly this many rows, or the whole transaction is stale. */
  expect?: number;
  stale?: () => Error;
  onRows?: (rows: unknown[]) => void;
  /** The row it writes ("<table>:<id>"): a second write of that row waits for the first to be sent. */
  key?: string;
}

/**
 * A batched transaction's deferred writes conflicted (a guard matched no row) and nothing was
 * written; the caller runs its transaction again, unbatched, to find out what changed (ADR 016).
 */
export class BatchConflict extends Error {
  constructor() {
    super("a deferred guarded write found its row changed; the batched transaction wrote nothing");
    this.name = "BatchConflict";
  }
}

/**
 * A transaction on a pooled pg connection. Batched (ADR 016), writes made through `write` wait:
 * the next read, or the commit, sends those waiting as one statement (data-modifying CTEs). A
 * transaction that never reads sends no BEGIN at all: its writes are one statement, an implicit
 * transaction. A guard that matched no row raises in that statement and nothing of it is written
 * (BatchConflict: the caller runs the transaction again, unbatched).
 */
export class PgTx {
  private readonly hooks: (() => Promise<void>)[] = [];
  private deferred: Deferred[] = [];
  /** BEGIN was sent. */
  begun: boolean;
  /** Per-transaction buffers of writes deferred to the commit (lib/audit/repository.ts's auditInTx). */
  readonly buffers = new Map<string, unknown[]>();

  constructor(
    private readonly client: pg.PoolClient,
    private readonly batched = false,
  ) {
    this.begun = false;
  }

  /** Sends BEGIN, once. */
  async begin(): Promise<void> {
    if (this.begun) return;
    this.begun = true;
    await this.client.query("BEGIN");
  }

  /** `fn` runs inside the transaction, right before COMMIT (in registration order). */
  beforeCommit(fn: () => Promise<void>): void {
    this.hooks.push(fn);
  }

  async runBeforeCommit(): Promise<void> {
    for (const fn of this.hooks) await fn();
  }

  /** A read (or a write whose result the code needs now): BEGIN and the waiting writes go first. */
  async query<T>(sql: Prisma.Sql): Promise<T[]> {
    await this.begin();
    await this.sendDeferred();
    return this.run<T>(sql);
  }

  private async run<T>(sql: Prisma.Sql): Promise<T[]> {
    const result = await this.client.query({ name: statementName(sql.text), text: sql.text, values: sql.values as unknown[] });
    return result.rows as T[];
  }

  async write(d: Deferred): Promise<void> {
    if (!this.batched) return this.runWrite(d);
    // Writes sent together share one snapshot: none sees another's row. A write of a row a waiting
    // write already touches sends those first (BEGIN, then them), as a read does.
    if (d.key && this.deferred.some((w) => w.key === d.key)) {
      await this.begin();
      await this.sendDeferred();
    }
    this.deferred.push(d);
  }

  /** `wasDeferred`: the code went on past this write as if it had succeeded, so a conflict is a BatchConflict. */
  private async runWrite(d: Deferred, wasDeferred = false): Promise<void> {
    const out = await this.run<unknown>(Prisma.sql`${d.sql} RETURNING ${d.returning}`);
    if (wasDeferred && d.expect !== undefined && out.length !== d.expect) throw new BatchConflict();
    delivered(d, out);
  }

  /** The waiting writes as one statement (one of them: itself). */
  private async sendDeferred(): Promise<void> {
    const writes = this.deferred;
    if (writes.length === 0) return;
    this.deferred = [];
    if (writes.length === 1) return this.runWrite(writes[0]!, true);
    const ctes = writes.map((d, i) => Prisma.sql`${Prisma.raw(`w${i}`)} AS (${d.sql} RETURNING ${d.returning})`);
    const guards = writes.flatMap((d, i) => (d.expect === undefined ? [] : [Prisma.sql`(SELECT count(*) FROM ${Prisma.raw(`w${i}`)}) = ${d.expect}`]));
    const wanted = writes.flatMap((d, i) => (d.onRows ? [Prisma.sql`(SELECT coalesce(json_agg(${Prisma.raw(`w${i}`)}), '[]') FROM ${Prisma.raw(`w${i}`)}) AS ${Prisma.raw(`"r${i}"`)}`] : []));
    // A guard that matched no row raises (baton_stale, SQLSTATE BT409): the statement, and with it every write, rolls back.
    const ok = guards.length ? Prisma.sql`CASE WHEN ${Prisma.join(guards, " AND ")} THEN true ELSE baton_stale('deferred write') END` : Prisma.sql`true`;
    let out: Record<string, unknown>[];
    try {
      out = await this.run<Record<string, unknown>>(Prisma.sql`WITH ${Prisma.join(ctes, ", ")} SELECT ${ok} AS "ok"${wanted.length ? Prisma.sql`, ${Prisma.join(wanted, ", ")}` : Prisma.empty}`);
    } catch (e) {
      if ((e as { code?: string }).code === "BT409") throw new BatchConflict();
      throw e;
    }
    writes.forEach((d, i) => d.onRows?.((out[0]?.[`r${i}`] as unknown[] | undefined) ?? []));
  }

  /** Commits: the waiting writes, then COMMIT; never begun, the writes alone (an implicit transaction). */
  async commit(): Promise<void> {
    await this.sendDeferred();
    if (this.begun) await this.client.query("COMMIT");
  }
}

/** Either kind of transaction: Prisma's interactive one or a PgTx. */
export type AnyTx = Tx | PgTx;

/** Runs a statement in either kind of transaction; rows come back alike (lib/pg.ts's type parsers mirror Prisma's raw results). */
export function rows<T>(tx: AnyTx, sql: Prisma.Sql): Promise<T[]> {
  return tx instanceof PgTx ? tx.query<T>(sql) : tx.$queryRaw<T[]>(sql);
}

/**
 * A write whose result the code does not need at once: `sql` without RETURNING; `returning` what
 * `onRows` gets; `expect` a row count, else `stale()` is thrown; `key` the one row it writes
 * ("<table>:<id>"), when it may write that row again in the same transaction. Runs now in a
 * Prisma transaction or an unbatched PgTx; in a batched PgTx it waits for the next read or the
 * commit (PgTx).
 */
export async function write(
  tx: AnyTx,
  sql: Prisma.Sql,
  opts: { returning?: Prisma.Sql; expect?: number; stale?: () => Error; onRows?: (rows: unknown[]) => void; key?: string } = {},
): Promise<void> {
  const d: Deferred = { sql, returning: opts.returning ?? Prisma.sql`1`, expect: opts.expect, stale: opts.stale, onRows: opts.onRows, key: opts.key };
  if (tx instanceof PgTx) return tx.write(d);
  delivered(d, await tx.$queryRaw<unknown[]>(Prisma.sql`${sql} RETURNING ${d.returning}`));
}

/** A write's rows, checked against its expected count and handed to its onRows. */
function delivered(d: Deferred, out: unknown[]): void {
  if (d.expect !== undefined && out.length !== d.expect) throw d.stale ? d.stale() : new Error(`expected ${d.expect} rows, got ${out.length}`);
  d.onRows?.(out);
}

/**
 * BEGIN, `fn`, COMMIT on one pooled connection; ROLLBACK when `fn` throws. `batched`: see PgTx —
 * a transaction that only writes commits as one statement; BatchConflict when a guard failed.
 */
export async function pgTransaction<T>(fn: (tx: PgTx) => Promise<T>, opts: { batched?: boolean } = {}): Promise<T> {
  const client = await pool().connect();
  let broken = false;
  const tx = new PgTx(client, opts.batched);
  try {
    if (!opts.batched) await tx.begin();
    const result = await fn(tx);
    await tx.runBeforeCommit();
    await tx.commit();
    return result;
  } catch (e) {
    if (tx.begun) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
    }
    throw e;
  } finally {
    client.release(broken);
  }
}

// Row ids in the shape of Prisma's cuid() (a "c", the time, a counter, randomness; 25 characters),
// for rows inserted with SQL instead of the ORM: ordered by creation like the others.
let counter = Math.floor(Math.random() * 1_679_616);
// Randomness drawn 4 KiB at a time: one call into the CSPRNG per 512 ids, not one per id.
let entropy: Buffer = Buffer.alloc(0);
let entropyAt = 0;
export function newId(): string {
  counter = (counter + 1) % 1_679_616;
  if (entropyAt + 8 > entropy.length) {
    entropy = randomBytes(4096);
    entropyAt = 0;
  }
  // 12 base-36 digits from 62 random bits (two 31-bit halves, 6 digits each: 36^6 > 2^31).
  const hi = entropy.readUInt32BE(entropyAt) >>> 1;
  const lo = entropy.readUInt32BE(entropyAt + 4) >>> 1;
  entropyAt += 8;
  const random = hi.toString(36).padStart(6, "0") + lo.toString(36).padStart(6, "0");
  return `c${Date.now().toString(36).padStart(8, "0")}${counter.toString(36).padStart(4, "0")}${random}`;
}

/** The kinds of column a guarded UPDATE sets; each gets the cast Prisma's raw parameters need. */
export type ColumnKind = "text" | "int" | "json" | "timestamp" | { enum: string };

/** A value for a timestamp(3) column (stored as UTC without a zone). */
export function tsValue(d: Date | null | undefined): Prisma.Sql {
  return Prisma.sql`${d ? d.toISOString() : null}::timestamptz AT TIME ZONE 'UTC'`;
}

/** A value for a json/jsonb column; undefined and null write SQL NULL. */
export function jsonValue(v: unknown): Prisma.Sql {
  return Prisma.sql`${v === undefined || v === null ? null : JSON.stringify(v)}::jsonb`;
}

/**
 * `"col" = value, …` for the defined keys of `data` (undefined keys are left alone, null writes
 * NULL). `{ increment: n }` adds to an int column.
 */
export function setList(columns: Record<string, ColumnKind>, data: Record<string, unknown>): Prisma.Sql[] {
  const out: Prisma.Sql[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const kind = columns[key];
    if (!kind) throw new Error(`setList: no column "${key}"`);
    const col = Prisma.raw(`"${key}"`);
    if (value && typeof value === "object" && "increment" in value && kind === "int") {
      out.push(Prisma.sql`${col} = ${col} + ${Number((value as { increment: number }).increment)}::int`);
    } else if (kind === "json") out.push(Prisma.sql`${col} = ${jsonValue(value)}`);
    else if (kind === "timestamp") out.push(Prisma.sql`${col} = ${tsValue(value as Date | null)}`);
    else if (kind === "int") out.push(Prisma.sql`${col} = ${value as number | null}::int`);
    else if (kind === "text") out.push(Prisma.sql`${col} = ${value as string | null}::text`);
    else out.push(Prisma.sql`${col} = ${value as string | null}::${Prisma.raw(`"${kind.enum}"`)}`);
  }
  return out;
}
