import { createHash } from "node:crypto";
import pg from "pg";
import { env } from "./env";
import type { Prisma } from "./db";

// The request hot paths' own PostgreSQL pool (ADR 013). Prisma stays the way to the database
// everywhere else; the few statements every API call runs (the caller and their scope, a task,
// the inbox list, a decision, the outbox hand-off, an event receipt) go through `pg` directly as
// named prepared statements: parsed and planned once per connection, about 0.25 ms of CPU each
// against 1.2–1.7 ms through Prisma's query compiler (measured, ADR 012).
//
// Rows come back typed as Prisma's raw queries return them, so the callers cannot tell:
// timestamp(3) columns (stored as UTC without a zone) → Date in UTC, bigint → BigInt,
// json/jsonb parsed, enums as their text.

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
    g.batonPgPool = new pg.Pool({ connectionString: env().DATABASE_URL, max: 10, types, idleTimeoutMillis: 30_000 });
    // A dropped idle connection must not crash the process; the next query opens a new one.
    g.batonPgPool.on("error", () => undefined);
  }
  return g.batonPgPool;
}

export async function closePool(): Promise<void> {
  const p = g.batonPgPool;
  g.batonPgPool = undefined;
  if (p) await p.end();
}

const names = new Map<string, string>();

/** A stable statement name per SQL text, so each connection prepares a statement once. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `b_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    if (names.size > 5_000) names.clear();
    names.set(text, name);
  }
  return name;
}

/** Runs a statement as a named prepared statement: `sql` is a Prisma.sql template or text + values. */
export async function query<T>(sql: Prisma.Sql | string, values: unknown[] = []): Promise<T[]> {
  const text = typeof sql === "string" ? sql : sql.text;
  const params = typeof sql === "string" ? values : sql.values;
  const result = await pool().query({ name: statementName(text), text, values: params as unknown[] });
  return result.rows as T[];
}
