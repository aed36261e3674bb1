import { query, sql, type Row, type Sql, type Tx } from "../db";

// The SQL of DMN models (ADR 054). Versions are written once; afterwards only a draft's status and
// publish stamp change (publishModelVersionIf), never its DMN or graph.

export type ModelRow = Row<"DecisionModel">;
export type ModelVersionRow = Pick<
  Row<"DecisionModelVersion">,
  "id" | "modelKey" | "version" | "status" | "dmnVersion" | "graph" | "testCases" | "createdByName" | "createdAt" | "publishedAt"
>;

const VERSION_COLUMNS = sql`"id", "modelKey", "version", "status", "dmnVersion", "graph", "testCases", "createdByName", "createdAt", "publishedAt"`;

function read<T>(tx: Tx | undefined, q: Sql): Promise<T[]> {
  return tx ? tx.query<T>(q) : query<T>(q);
}

export async function findModel(key: string, tx?: Tx): Promise<ModelRow | null> {
  const [row] = await read<ModelRow>(tx, sql`SELECT * FROM "DecisionModel" WHERE "key" = ${key}`);
  return row ?? null;
}

export function listModels(): Promise<ModelRow[]> {
  return query<ModelRow>(sql`SELECT * FROM "DecisionModel" ORDER BY "name", "key"`);
}

/** Every version of every model, newest first: for the list. */
export function listModelVersions(): Promise<ModelVersionRow[]> {
  return query<ModelVersionRow>(sql`SELECT ${VERSION_COLUMNS} FROM "DecisionModelVersion" ORDER BY "modelKey", "version" DESC`);
}

export function findModelVersions(key: string, tx?: Tx): Promise<ModelVersionRow[]> {
  return read<ModelVersionRow>(tx, sql`SELECT ${VERSION_COLUMNS} FROM "DecisionModelVersion" WHERE "modelKey" = ${key} ORDER BY "version" DESC`);
}

export async function findModelVersion(key: string, version: number, tx?: Tx): Promise<ModelVersionRow | null> {
  const [row] = await read<ModelVersionRow>(tx, sql`SELECT ${VERSION_COLUMNS} FROM "DecisionModelVersion" WHERE "modelKey" = ${key} AND "version" = ${version}::int`);
  return row ?? null;
}

export async function findNewestModelVersion(key: string, tx?: Tx): Promise<ModelVersionRow | null> {
  const [row] = await read<ModelVersionRow>(tx, sql`SELECT ${VERSION_COLUMNS} FROM "DecisionModelVersion" WHERE "modelKey" = ${key} ORDER BY "version" DESC LIMIT 1`);
  return row ?? null;
}

/**
 * The published version a caller gets: with an instance, the one in effect when the instance
 * started (the newest published at or before its start; in-flight instances keep their version),
 * else — and when none was published yet at that time — the latest published.
 */
export async function findPublishedModelVersion(key: string, instanceId: string | null, tx?: Tx): Promise<ModelVersionRow | null> {
  const [row] = await read<ModelVersionRow>(
    tx,
    instanceId
      ? sql`SELECT ${VERSION_COLUMNS} FROM "DecisionModelVersion"
          WHERE "modelKey" = ${key} AND "status" = 'PUBLISHED'
          ORDER BY ("publishedAt" <= (SELECT "startedAt" FROM "ProcessInstance" WHERE "id" = ${instanceId})) DESC NULLS LAST, "version" DESC
          LIMIT 1`
      : sql`SELECT ${VERSION_COLUMNS} FROM "DecisionModelVersion" WHERE "modelKey" = ${key} AND "status" = 'PUBLISHED' ORDER BY "version" DESC LIMIT 1`,
  );
  return row ?? null;
}

export async function findModelXml(key: string, version?: number, tx?: Tx): Promise<string | null> {
  const [row] = await read<{ dmnXml: string }>(
    tx,
    version
      ? sql`SELECT "dmnXml" FROM "DecisionModelVersion" WHERE "modelKey" = ${key} AND "version" = ${version}::int`
      : sql`SELECT "dmnXml" FROM "DecisionModelVersion" WHERE "modelKey" = ${key} ORDER BY "version" DESC LIMIT 1`,
  );
  return row?.dmnXml ?? null;
}

/** Takes a transaction-scoped lock on one model key, so two uploads or publishes of it queue up. */
export async function lockModelKey(tx: Tx, key: string): Promise<void> {
  await tx.query(sql`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`decision-model:${key}`}))`);
}

/** Creates the model (its identity is fixed from then on: the caller has checked an existing one matches). */
export async function insertModelIfAbsent(tx: Tx, key: string, identity: { namespace: string; name: string }): Promise<void> {
  await tx.write(sql`INSERT INTO "DecisionModel" ("key", "namespace", "name", "createdAt", "updatedAt")
    VALUES (${key}, ${identity.namespace}, ${identity.name}, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))
    ON CONFLICT ("key") DO UPDATE SET "updatedAt" = EXCLUDED."updatedAt"`);
}

export async function insertModelVersion(
  tx: Tx,
  data: { modelKey: string; version: number; dmnVersion: string; dmnXml: string; graph: unknown; createdById: string | null; createdByName: string },
): Promise<ModelVersionRow> {
  return tx.insertReturning("DecisionModelVersion", { ...data, graph: data.graph as Row<"DecisionModelVersion">["graph"], status: "DRAFT" });
}

/** Publishes a draft if it is still a draft; null if someone published it first. */
export async function publishModelVersionIf(tx: Tx, id: string, data: { publishedById: string | null; testCases: unknown }): Promise<Date | null> {
  const publishedAt = new Date();
  const changed = await tx.updateReturning(
    "DecisionModelVersion",
    { status: "PUBLISHED", publishedAt, publishedById: data.publishedById, testCases: data.testCases as Row<"DecisionModelVersion">["testCases"] },
    sql`"id" = ${id} AND "status" = 'DRAFT'`,
  );
  return changed.length === 1 ? publishedAt : null;
}

export function updateModelTestCases(tx: Tx, key: string, testCases: unknown): Promise<void> {
  return tx.update("DecisionModel", { testCases: testCases as Row<"DecisionModel">["testCases"] }, sql`"key" = ${key}`);
}

/** Archives (a date) or restores (null) a model; false when it already was in that state. */
export async function setModelArchivedIf(tx: Tx, key: string, archivedAt: Date | null): Promise<boolean> {
  const changed = await tx.updateReturning(
    "DecisionModel",
    { archivedAt },
    archivedAt ? sql`"key" = ${key} AND "archivedAt" IS NULL` : sql`"key" = ${key} AND "archivedAt" IS NOT NULL`,
  );
  return changed.length === 1;
}
