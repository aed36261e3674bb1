import { db, sql, transaction, type Row, type Sql, type Tx } from "../db";
import { versionNumber } from "../fields";
import { AppError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { loadDefinition } from "./definition";
import { checkSecretUse } from "./secret-refs";
import type { DefinitionError, ProcessDetailDto, ProcessDocument, ProcessSummaryDto, ProcessVersionDto } from "./schemas";
import { PROCESS_KEY_RE } from "./schemas";

// Versioned process definitions. Publishing writes a new immutable version; instances start on
// the newest ACTIVE version and keep the version they started with; deprecating a version
// stops new starts on it.

type DefinitionRow = Row<"ProcessDefinition">;

function definitionInvalid(errors: DefinitionError[]): AppError {
  const first = errors[0];
  return new AppError("VALIDATION_FAILED", `The definition is invalid — ${first?.message ?? "unknown error"}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`, {
    fieldErrors: errors.map((e) => ({ path: e.path, message: e.message })),
    details: { steps: [...new Set(errors.map((e) => e.step).filter((s): s is string => s !== null))] },
  });
}

export function documentOf(row: Pick<DefinitionRow, "document">): ProcessDocument {
  return row.document as unknown as ProcessDocument;
}

async function countsByDefinition(definitionIds: string[]) {
  if (definitionIds.length === 0) return new Map<string, Record<string, number>>();
  const groups = await db().processInstance.groupBy({ by: ["definitionId", "status"], where: { definitionId: { in: definitionIds } }, _count: { _all: true } });
  const out = new Map<string, Record<string, number>>();
  for (const g of groups) {
    const c = out.get(g.definitionId) ?? {};
    c[g.status] = g._count._all;
    out.set(g.definitionId, c);
  }
  return out;
}

function toVersionDto(d: DefinitionRow, counts: Record<string, number>): ProcessVersionDto {
  return {
    id: d.id,
    key: d.key,
    version: d.version,
    name: d.name,
    status: d.status,
    startOn: d.startOn,
    createdByName: d.createdByName,
    createdAt: d.createdAt.toISOString(),
    deprecatedAt: d.deprecatedAt?.toISOString() ?? null,
    instanceCounts: counts,
  };
}

function summarise(key: string, rows: DefinitionRow[], counts: Map<string, Record<string, number>>): ProcessSummaryDto {
  const sorted = [...rows].sort((a, b) => b.version - a.version);
  const latest = sorted[0]!;
  const active = sorted.find((d) => d.status === "ACTIVE") ?? null;
  const total: Record<string, number> = {};
  for (const d of sorted) for (const [s, n] of Object.entries(counts.get(d.id) ?? {})) total[s] = (total[s] ?? 0) + n;
  return {
    key,
    name: latest.name,
    latestVersion: latest.version,
    activeVersion: active?.version ?? null,
    startOn: (active ?? latest).startOn,
    versions: sorted.map((d) => toVersionDto(d, counts.get(d.id) ?? {})),
    instanceCounts: total,
  };
}

/** Validates and publishes a definition (YAML/JSON text or an object) as the key's next version. */
export async function publishDefinition(actor: Actor, input: string | object): Promise<ProcessVersionDto> {
  requirePermission(actor, "processes:manage");
  const result = loadDefinition(input);
  if (!result.ok) throw definitionInvalid(result.errors);
  const doc = result.document;
  const secretErrors = await checkSecretUse(doc);
  if (secretErrors.length) throw definitionInvalid(secretErrors);
  const created = await transaction(async (tx) => {
    // Versions of one key are numbered one at a time.
    await tx.query(sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${`process-definition\n${doc.key}`}, 0))`);
    const [last] = await tx.query<{ version: number }>(sql`SELECT "version" FROM "ProcessDefinition" WHERE "key" = ${doc.key} ORDER BY "version" DESC LIMIT 1`);
    const row = await tx.insertReturning("ProcessDefinition", {
      key: doc.key,
      version: (last?.version ?? 0) + 1,
      name: doc.name,
      document: doc,
      startOn: doc.startOn,
      createdById: actor.type === "USER" ? actor.id : null,
      createdByName: actor.name,
    });
    tx.audit(actor, {
      action: "process.published",
      subjectType: "process",
      subjectId: row.id,
      after: { key: row.key, version: row.version, name: row.name, startOn: row.startOn, steps: doc.steps.length },
    });
    return row;
  });
  return toVersionDto(created, {});
}

export async function listProcesses(actor: Actor): Promise<{ data: ProcessSummaryDto[] }> {
  requirePermission(actor, "processes:manage");
  const rows = await db().processDefinition.findMany({ orderBy: [{ key: "asc" }, { version: "desc" }] });
  const counts = await countsByDefinition(rows.map((r) => r.id));
  const byKey = new Map<string, DefinitionRow[]>();
  for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  return { data: [...byKey.entries()].map(([key, list]) => summarise(key, list, counts)) };
}

/** A process with its versions, and the document of the newest version or of `version`. */
export async function getProcess(actor: Actor, key: string, version?: number): Promise<ProcessDetailDto> {
  requirePermission(actor, "processes:manage");
  const rows = PROCESS_KEY_RE.test(key) ? await db().processDefinition.findMany({ where: { key }, orderBy: { version: "desc" } }) : [];
  if (rows.length === 0) throw new AppError("NOT_FOUND", `No process "${key}".`);
  const shown = version === undefined ? rows[0]! : rows.find((r) => r.version === version);
  if (!shown) throw new AppError("NOT_FOUND", `No version ${version} of "${key}".`);
  const counts = await countsByDefinition(rows.map((r) => r.id));
  return { ...summarise(key, rows, counts), document: shown.document as Record<string, unknown>, documentVersion: shown.version };
}

export async function deprecateVersion(actor: Actor, key: string, version: number): Promise<ProcessVersionDto> {
  requirePermission(actor, "processes:manage");
  // A number no int4 column holds names no version (and would overflow the query).
  if (!versionNumber().safeParse(version).success) throw new AppError("NOT_FOUND", `No version ${version} of "${key}".`);
  const row = await transaction(async (tx) => {
    const [current] = await tx.query<DefinitionRow>(sql`SELECT * FROM "ProcessDefinition" WHERE "key" = ${key} AND "version" = ${version}::int`);
    if (!current) throw new AppError("NOT_FOUND", `No version ${version} of "${key}".`);
    const now = new Date();
    const changed = await tx.updateReturning("ProcessDefinition", { status: "DEPRECATED", deprecatedAt: now }, sql`"id" = ${current.id} AND "status" = 'ACTIVE'`);
    if (changed.length !== 1) throw new AppError("CONFLICT", `Version ${version} of "${key}" is already deprecated.`);
    tx.audit(actor, {
      action: "process.deprecated",
      subjectType: "process",
      subjectId: current.id,
      before: { key, version, status: "ACTIVE" },
      after: { key, version, status: "DEPRECATED" },
    });
    return { ...current, status: "DEPRECATED" as const, deprecatedAt: now };
  });
  const counts = await countsByDefinition([row.id]);
  return toVersionDto(row, counts.get(row.id) ?? {});
}

/**
 * The id of the version new instances of the process `k."key"` start on: the A/B split's pick
 * (lib/processes/split.ts) when that version is ACTIVE, else the newest ACTIVE one. For the target
 * list of a subquery over `k`: the split's roll happens once per row of `k` (a volatile target
 * list keeps the subquery from being flattened; inside a join, random() would be drawn per row).
 */
const STARTABLE_ID = sql`COALESCE(
    (SELECT d."id" FROM (SELECT CASE WHEN random() * 100 < s."percentB" THEN s."versionB" ELSE s."versionA" END AS "version"
                           FROM "ProcessVersionSplit" s WHERE s."processKey" = k."key") roll
       JOIN "ProcessDefinition" d ON d."key" = k."key" AND d."version" = roll."version" AND d."status" = 'ACTIVE'
      LIMIT 1),
    (SELECT d."id" FROM "ProcessDefinition" d WHERE d."key" = k."key" AND d."status" = 'ACTIVE' ORDER BY d."version" DESC LIMIT 1)
  )`;

/** The version new instances of `key` start on (manual starts; event starts use versionsStartedBy, the same pick). */
export async function startableVersion(tx: Tx, key: string): Promise<DefinitionRow | null> {
  const [row] = await tx.query<DefinitionRow>(
    sql`SELECT d.* FROM (SELECT ${STARTABLE_ID} AS "id" FROM (SELECT ${key}::text AS "key") k) pick JOIN "ProcessDefinition" d ON d."id" = pick."id"`,
  );
  return row ?? null;
}

/** For each process whose startable version subscribes to `type`, that version. One statement: every event runs it. */
export async function versionsStartedBy(tx: Tx, type: string): Promise<StartedVersion[]> {
  const [row] = await tx.query<{ starts: StartedVersion[] }>(sql`SELECT ${versionsStartedByColumn(sql`${type}::text`)} AS "starts"`);
  return row?.starts ?? [];
}

export type StartedVersion = Pick<DefinitionRow, "id" | "key" | "version" | "document">;

/**
 * versionsStartedBy as a column (a json array, by key) of a statement that reads something else:
 * `type` is SQL (a parameter, or the column of the event being read), so a worker's event costs
 * one read for the receipt and what it starts.
 */
export function versionsStartedByColumn(type: Sql): Sql {
  return sql`(SELECT coalesce(json_agg(json_build_object('id', d."id", 'key', d."key", 'version', d."version", 'document', d."document") ORDER BY d."key"), '[]'::json)
      FROM (SELECT ${STARTABLE_ID} AS "id"
              FROM (SELECT DISTINCT "key" FROM "ProcessDefinition" WHERE "status" = 'ACTIVE' AND ${type} = ANY("startOn")) k) pick
      JOIN "ProcessDefinition" d ON d."id" = pick."id"
     WHERE ${type} = ANY(d."startOn"))`;
}
