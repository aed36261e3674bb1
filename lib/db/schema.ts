import { randomUUID } from "node:crypto";
import { ENUMS, TABLES, type JsonColumns, type Rows } from "../generated/db/schema";
import { newId } from "./ids";
import { query } from "./pool";
import { join, raw, Sql, sql } from "./sql";

// Row types, enums and column kinds come from schema.prisma (prisma/generators/db-schema.mjs):
// SQL that names a column through these helpers is checked by the compiler, and each value gets
// the cast its column needs.

export { ENUMS };
export type Table = keyof typeof TABLES;
/** A table's row as `SELECT *` returns it. */
export type Row<T extends Table> = Rows[T];
/** An enum of the schema as a union of its values. */
export type EnumValue<E extends keyof typeof ENUMS> = (typeof ENUMS)[E][number];

export type TaskStatus = EnumValue<"TaskStatus">;
export type InstanceStatus = EnumValue<"InstanceStatus">;
export type StepRunStatus = EnumValue<"StepRunStatus">;
export type ActorType = EnumValue<"ActorType">;

/** A timestamp(3) column's value (stored as UTC without a zone). */
export function ts(d: Date | string | null | undefined): Sql {
  const iso = d === null || d === undefined ? null : typeof d === "string" ? d : d.toISOString();
  return sql`(${iso}::timestamptz AT TIME ZONE 'UTC')`;
}

/** The transaction's start time in the columns' UTC. */
export const NOW = raw(`(now() AT TIME ZONE 'UTC')`);

/** A json/jsonb column's value; undefined and null write SQL NULL. */
export function json(v: unknown): Sql {
  return sql`${v === undefined || v === null ? null : JSON.stringify(v)}::jsonb`;
}

const CASTS: Record<string, string> = {
  text: "text",
  int: "int",
  bigint: "bigint",
  bool: "boolean",
  float: "float8",
  numeric: "numeric",
  bytea: "bytea",
  date: "date",
};

/** A value cast for a column of this kind. */
export function value(kind: string, v: unknown): Sql {
  const list = kind.endsWith("[]");
  const base = list ? kind.slice(0, -2) : kind;
  if (!list && base === "timestamp") return ts(v as Date | null | undefined);
  if (!list && base === "json") return json(v);
  if (base === "bigint" && typeof v === "bigint") v = String(v);
  if (base === "date" && v instanceof Date) v = v.toISOString().slice(0, 10);
  const type = base.startsWith("enum:") ? `"${base.slice(5)}"` : CASTS[base];
  if (!type) throw new Error(`no cast for a ${kind} column`);
  return sql`${v ?? null}::${raw(list ? `${type}[]` : type)}`;
}

/** Each column of the table and its kind ("text", "int", "bigint", "int[]", "enum:TaskStatus", …). */
export function columnKinds(table: Table): Record<string, string> {
  return TABLES[table].columns as Record<string, string>;
}

function columnKind(table: Table, column: string): string {
  const kind = (TABLES[table].columns as Record<string, string>)[column];
  if (!kind) throw new Error(`"${table}" has no column "${column}"`);
  return kind;
}

const quoted = (name: string) => raw(`"${name}"`);

/** `"Table"` as SQL. */
export function tableSql(table: Table): Sql {
  return quoted(TABLES[table].table);
}

/** A column's value as written: its row type, or any JSON value for a json column. */
type Written<T extends Table, K extends keyof Row<T>> = K extends JsonColumns[T] ? unknown : Row<T>[K];

/** Values for a SET clause: a column's value, `{ increment: n }` for an int column, or an SQL expression. */
export type Changes<T extends Table> = { [K in keyof Row<T>]?: Written<T, K> | Sql | (Row<T>[K] extends number ? { increment: number } : never) };

/**
 * `"col" = value, …` for the defined keys of `data` (undefined keys are left alone, null writes
 * NULL), plus `"updatedAt" = now` for a table with @updatedAt when the caller did not set it.
 */
export function setSql<T extends Table>(table: T, data: Changes<T>): Sql {
  const parts: Sql[] = [];
  for (const [column, v] of Object.entries(data)) {
    if (v === undefined) continue;
    const kind = columnKind(table, column);
    if (v instanceof Sql) parts.push(sql`${quoted(column)} = ${v}`);
    else if (v && typeof v === "object" && "increment" in v && (kind === "int" || kind === "bigint")) {
      parts.push(sql`${quoted(column)} = ${quoted(column)} + ${value(kind, (v as { increment: number }).increment)}`);
    } else {
      parts.push(sql`${quoted(column)} = ${value(kind, v)}`);
    }
  }
  const filled = TABLES[table].filled as Record<string, string>;
  if ("updatedAt" in filled && (data as Record<string, unknown>).updatedAt === undefined) parts.push(sql`"updatedAt" = ${ts(new Date())}`);
  if (parts.length === 0) throw new Error(`nothing to set on "${table}"`);
  return join(parts, ", ");
}

/** A row to insert: the columns the client fills (cuid ids, now(), @updatedAt) may be left out. */
export type NewRow<T extends Table> = { [K in keyof Row<T>]?: Written<T, K> | Sql };

/** The columns insertSql fills when left out, with their types. */
export type Filled<T extends Table> = Pick<Row<T>, Extract<keyof (typeof TABLES)[T]["filled"], keyof Row<T>>>;

/**
 * `INSERT INTO "Table" (…) VALUES (…)` (without RETURNING), the client-filled columns filled as
 * Prisma's client filled them; returns the row's values as written, ids included.
 */
export function insertSql<T extends Table>(table: T, data: NewRow<T>): { sql: Sql; row: NewRow<T> & Filled<T> } {
  const row: Record<string, unknown> = { ...data };
  const now = new Date();
  for (const [column, how] of Object.entries(TABLES[table].filled as Record<string, string>)) {
    if (row[column] !== undefined) continue;
    row[column] = how === "cuid" ? newId() : how === "uuid" ? randomUUID() : now;
  }
  const columns = Object.keys(row).filter((c) => row[c] !== undefined);
  const values = columns.map((c) => (row[c] instanceof Sql ? (row[c] as Sql) : value(columnKind(table, c), row[c])));
  return {
    sql: sql`INSERT INTO ${tableSql(table)} (${join(columns.map(quoted), ", ")}) VALUES (${join(values, ", ")})`,
    row: row as NewRow<T> & Filled<T>,
  };
}

/** `UPDATE "Table" SET … WHERE …`, as its own statement outside any transaction: how many rows it changed. */
export async function updateRows<T extends Table>(table: T, changes: Changes<T>, where: Sql): Promise<number> {
  const rows = await query(sql`UPDATE ${tableSql(table)} SET ${setSql(table, changes)} WHERE ${where} RETURNING 1`);
  return rows.length;
}
