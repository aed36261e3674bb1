import { db, query, sql, type Row, type Sql, type Tx } from "../db";

// The SQL of lib/rules. Versions are written once; afterwards only a draft's status and publish
// stamp change (publishVersionIf), never its DMN or model. Reads take the caller's transaction
// when it has one (an evaluation audited with the change that asked for it).

export type VersionRow = Pick<
  Row<"DecisionTableVersion">,
  "id" | "tableKey" | "version" | "status" | "model" | "testCases" | "createdByName" | "createdAt" | "publishedAt"
>;

const VERSION_COLUMNS = sql`"id", "tableKey", "version", "status", "model", "testCases", "createdByName", "createdAt", "publishedAt"`;

function read<T>(tx: Tx | undefined, q: Sql): Promise<T[]> {
  return tx ? tx.query<T>(q) : query<T>(q);
}

export async function findTable(key: string, tx?: Tx): Promise<Row<"DecisionTable"> | null> {
  const [row] = await read<Row<"DecisionTable">>(tx, sql`SELECT * FROM "DecisionTable" WHERE "key" = ${key}`);
  return row ?? null;
}

export function listTablesWithVersions() {
  return db().decisionTable.findMany({
    orderBy: { name: "asc" },
    include: {
      versions: {
        select: { id: true, tableKey: true, version: true, status: true, model: true, testCases: true, createdByName: true, createdAt: true, publishedAt: true },
        orderBy: { version: "desc" },
      },
    },
  });
}

export function findVersions(key: string, tx?: Tx): Promise<VersionRow[]> {
  return read<VersionRow>(tx, sql`SELECT ${VERSION_COLUMNS} FROM "DecisionTableVersion" WHERE "tableKey" = ${key} ORDER BY "version" DESC`);
}

export async function findVersion(key: string, version: number, tx?: Tx): Promise<VersionRow | null> {
  const [row] = await read<VersionRow>(tx, sql`SELECT ${VERSION_COLUMNS} FROM "DecisionTableVersion" WHERE "tableKey" = ${key} AND "version" = ${version}::int`);
  return row ?? null;
}

export async function findLatestPublished(key: string, tx?: Tx): Promise<VersionRow | null> {
  const [row] = await read<VersionRow>(
    tx,
    sql`SELECT ${VERSION_COLUMNS} FROM "DecisionTableVersion" WHERE "tableKey" = ${key} AND "status" = 'PUBLISHED' ORDER BY "version" DESC LIMIT 1`,
  );
  return row ?? null;
}

export async function findNewestVersion(key: string, tx?: Tx): Promise<VersionRow | null> {
  const [row] = await read<VersionRow>(tx, sql`SELECT ${VERSION_COLUMNS} FROM "DecisionTableVersion" WHERE "tableKey" = ${key} ORDER BY "version" DESC LIMIT 1`);
  return row ?? null;
}

export async function findXml(key: string, version?: number, tx?: Tx): Promise<string | null> {
  const [row] = await read<{ dmnXml: string }>(
    tx,
    version
      ? sql`SELECT "dmnXml" FROM "DecisionTableVersion" WHERE "tableKey" = ${key} AND "version" = ${version}::int`
      : sql`SELECT "dmnXml" FROM "DecisionTableVersion" WHERE "tableKey" = ${key} ORDER BY "version" DESC LIMIT 1`,
  );
  return row?.dmnXml ?? null;
}

/** Takes a transaction-scoped lock on one table key, so two uploads or publishes of it queue up. */
export async function lockTableKey(tx: Tx, key: string): Promise<void> {
  await tx.query(sql`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`decision-table:${key}`}))`);
}

/** Creates the table or renames it; the model it belongs to is recorded once (the caller has checked it matches). */
export async function upsertTable(tx: Tx, key: string, name: string, model: { namespace: string; name: string }): Promise<void> {
  await tx.write(sql`INSERT INTO "DecisionTable" ("key", "name", "modelNamespace", "modelName", "createdAt", "updatedAt")
    VALUES (${key}, ${name}, ${model.namespace}, ${model.name}, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))
    ON CONFLICT ("key") DO UPDATE SET "name" = EXCLUDED."name", "updatedAt" = EXCLUDED."updatedAt",
      "modelNamespace" = COALESCE("DecisionTable"."modelNamespace", EXCLUDED."modelNamespace"),
      "modelName" = COALESCE("DecisionTable"."modelName", EXCLUDED."modelName")`);
}

/** Archives (a date) or restores (null) a table; false when it already was in that state. */
export async function setArchivedIf(tx: Tx, key: string, archivedAt: Date | null): Promise<boolean> {
  const changed = await tx.updateReturning(
    "DecisionTable",
    { archivedAt },
    archivedAt ? sql`"key" = ${key} AND "archivedAt" IS NULL` : sql`"key" = ${key} AND "archivedAt" IS NOT NULL`,
  );
  return changed.length === 1;
}

export async function insertVersion(
  tx: Tx,
  data: { tableKey: string; version: number; dmnXml: string; model: unknown; createdById: string | null; createdByName: string },
): Promise<VersionRow> {
  const row = await tx.insertReturning("DecisionTableVersion", { ...data, model: data.model as Row<"DecisionTableVersion">["model"], status: "DRAFT" });
  return row;
}

/** Publishes a draft if it is still a draft; false if someone published it first. */
export async function publishVersionIf(tx: Tx, id: string, data: { publishedById: string | null; testCases: unknown }): Promise<Date | null> {
  const publishedAt = new Date();
  const changed = await tx.updateReturning(
    "DecisionTableVersion",
    { status: "PUBLISHED", publishedAt, publishedById: data.publishedById, testCases: data.testCases as Row<"DecisionTableVersion">["testCases"] },
    sql`"id" = ${id} AND "status" = 'DRAFT'`,
  );
  return changed.length === 1 ? publishedAt : null;
}

export function updateTestCases(tx: Tx, key: string, testCases: unknown): Promise<void> {
  return tx.update("DecisionTable", { testCases: testCases as Row<"DecisionTable">["testCases"] }, sql`"key" = ${key}`);
}

/** Rule ids that decided at least one audited evaluation of `key` since `since`. */
export async function firedRuleIdsSince(key: string, since: Date): Promise<Set<string>> {
  const rows = await query<{ id: string }>(sql`
    SELECT DISTINCT jsonb_array_elements_text("after"->'matchedRules') AS id
    FROM "AuditEntry"
    WHERE "subjectType" = 'decision_table' AND "subjectId" = ${key} AND "action" = 'decision_table.evaluated' AND "at" >= ${since.toISOString()}::timestamptz AT TIME ZONE 'UTC'`);
  return new Set(rows.map((r) => r.id));
}
