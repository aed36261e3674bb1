import { createHash } from "node:crypto";
import pg from "pg";
import { env } from "../env";
import { currentRequestTx, queryInRequest } from "./request-scope";
import type { Sql } from "./sql";

// The one way to PostgreSQL at run time: a `pg` pool whose statements are named prepared
// statements, parsed and planned once per connection (ADR 012, ADR 013). Prisma keeps the schema
// and the migrations (ADR 002) and reads some cold admin data (lib/db/prisma.ts).
//
// Rows come back as Prisma's model types describe them: timestamp(3) columns (UTC without a zone)
// → Date in UTC, bigint → BigInt, json/jsonb parsed, enums as their text.

// Dates sent as parameters are written in UTC (a `timestamp` cast keeps the UTC wall time).
pg.defaults.parseInputDatesAsUTC = true;

const TIMESTAMP = 1114;
const INT8 = 20;

export const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP) return (s: string) => new Date(`${s.replace(" ", "T")}Z`);
    if (oid === INT8) return (s: string) => BigInt(s);
    return pg.types.getTypeParser(oid, format ?? "text");
  },
} as unknown as pg.CustomTypesConfig;

const g = globalThis as unknown as { batonPgPool?: pg.Pool };

export function pool(): pg.Pool {
  if (!g.batonPgPool) {
    g.batonPgPool = new pg.Pool({
      connectionString: env().DATABASE_URL,
      // Names the pool's sessions in pg_stat_activity (operators, and the connection-loss test).
      application_name: "baton",
      max: env().DB_POOL_SIZE,
      types,
      idleTimeoutMillis: 30_000,
      // No free connection within this time: the request fails as transient (503 + Retry-After)
      // instead of waiting without end.
      connectionTimeoutMillis: env().DB_POOL_TIMEOUT_MS,
      // A transaction left open by a request that died must not hold its locks and connection forever.
      idle_in_transaction_session_timeout: 60_000,
    });
    // A dropped idle connection must not crash the process; the next query opens a new one.
    g.batonPgPool.on("error", () => undefined);
    // Nor one that is checked out between two statements when the server ends it (a FATAL such as
    // 57P01 arrives as the client's 'error' event): the statement in flight, or the next, fails
    // as a connection fault (503), and the pool drops the client when it is released.
    g.batonPgPool.on("connect", (client) => void client.on("error", () => undefined));
  }
  return g.batonPgPool;
}

export async function closePool(): Promise<void> {
  const p = g.batonPgPool;
  g.batonPgPool = undefined;
  if (p) await p.end();
}

/**
 * Names of prepared statements, bounded (security review M10). Every named statement stays
 * prepared on each pooled connection until it closes, and some SQL texts vary with the request
 * (filters, sorts, search words), so naming every text would let anyone grow PostgreSQL's memory
 * without limit. A text is named from its second use on, and only while fewer than `limit` texts
 * have names; the rest run as unnamed statements (parsed each time, nothing kept). Names once
 * given are never taken back, so each connection holds at most `limit` statements.
 */
export class StatementNames {
  private readonly named = new Map<string, string>();
  private seenOnce = new Set<string>();

  constructor(
    readonly limit: number,
    private readonly seenLimit = limit * 10,
  ) {}

  get size(): number {
    return this.named.size;
  }

  nameFor(text: string): string | undefined {
    const name = this.named.get(text);
    if (name !== undefined) return name;
    if (this.named.size >= this.limit) return undefined;
    if (!this.seenOnce.has(text)) {
      // Forgetting first sightings costs a statement one more unnamed run, nothing else.
      if (this.seenOnce.size >= this.seenLimit) this.seenOnce = new Set();
      this.seenOnce.add(text);
      return undefined;
    }
    this.seenOnce.delete(text);
    const created = `b_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    this.named.set(text, created);
    return created;
  }
}

/** Room for every statement the code runs often (a few hundred), not for every variant of a search. */
const names = new StatementNames(1000);

/** The prepared-statement name of a SQL text, or undefined to run it unnamed (see StatementNames). */
export function statementName(text: string): string | undefined {
  return env().DB_PREPARED_STATEMENTS ? names.nameFor(text) : undefined;
}

/** Runs one statement outside a transaction: `sql` is an `sql` template, or text with $n values. */
export async function query<T>(sql: Sql | string, values: unknown[] = []): Promise<T[]> {
  const text = typeof sql === "string" ? sql : sql.text;
  const params = typeof sql === "string" ? values : sql.values;
  const config = { name: statementName(text), text, values: params as unknown[] };
  // Inside a request that runs in one transaction (Idempotency-Key), the statement joins it.
  const inRequest = currentRequestTx();
  const result = inRequest ? await queryInRequest(inRequest, config) : await pool().query(config);
  return result.rows as T[];
}

/** A unique index refused the row (SQLSTATE 23505); `constraint` narrows it to one index. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint?: string } | null;
  return !!err && err.code === "23505" && (!constraint || err.constraint === constraint);
}
