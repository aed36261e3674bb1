import { randomBytes } from "node:crypto";
import type pg from "pg";
import { Prisma, type Tx } from "./db";
import { pool, statementName } from "./pg";

// Transactions on the hot paths' own pool (ADR 013, ADR 015): BEGIN … COMMIT on one pg client,
// every statement a named prepared statement. The engine's transitions run in these in the worker;
// the same functions also run inside a Prisma interactive transaction (operators' actions,
// migrations), so they take either and write SQL through `rows`.

/** A transaction on a pooled pg connection. */
export class PgTx {
  private readonly hooks: (() => Promise<void>)[] = [];
  /** Per-transaction buffers of writes deferred to the commit (lib/audit/repository.ts's auditInTx). */
  readonly buffers = new Map<string, unknown[]>();

  constructor(private readonly client: pg.PoolClient) {}

  /** `fn` runs inside the transaction, right before COMMIT (in registration order). */
  beforeCommit(fn: () => Promise<void>): void {
    this.hooks.push(fn);
  }

  async runBeforeCommit(): Promise<void> {
    for (const fn of this.hooks) await fn();
  }

  async query<T>(sql: Prisma.Sql): Promise<T[]> {
    const result = await this.client.query({ name: statementName(sql.text), text: sql.text, values: sql.values as unknown[] });
    return result.rows as T[];
  }
}

/** Either kind of transaction: Prisma's interactive one or a PgTx. */
export type AnyTx = Tx | PgTx;

/** Runs a statement in either kind of transaction; rows come back alike (lib/pg.ts's type parsers mirror Prisma's raw results). */
export function rows<T>(tx: AnyTx, sql: Prisma.Sql): Promise<T[]> {
  return tx instanceof PgTx ? tx.query<T>(sql) : tx.$queryRaw<T[]>(sql);
}

/** BEGIN, `fn`, COMMIT on one pooled connection; ROLLBACK when `fn` throws. */
export async function pgTransaction<T>(fn: (tx: PgTx) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    const tx = new PgTx(client);
    const result = await fn(tx);
    await tx.runBeforeCommit();
    await client.query("COMMIT");
    return result;
  } catch (e) {
    try {
      await client.query("ROLLBACK");
    } catch {
      broken = true;
    }
    throw e;
  } finally {
    client.release(broken);
  }
}

// Row ids in the shape of Prisma's cuid() (a "c", the time, a counter, randomness; 25 characters),
// for rows inserted with SQL instead of the ORM: ordered by creation like the others.
let counter = Math.floor(Math.random() * 1_679_616);
export function newId(): string {
  counter = (counter + 1) % 1_679_616;
  const random = BigInt(`0x${randomBytes(8).toString("hex")}`).toString(36).padStart(12, "0").slice(-12);
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
