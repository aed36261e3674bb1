import { db, type Prisma, type Tx } from "../db";

// The only code in lib/rules that knows Prisma. Versions are written once; afterwards only a
// draft's status and publish stamp change (publishVersionIf), never its DMN or model.

type Client = Tx | ReturnType<typeof db>;

export const versionSelect = {
  id: true,
  tableKey: true,
  version: true,
  status: true,
  model: true,
  testCases: true,
  createdByName: true,
  createdAt: true,
  publishedAt: true,
} satisfies Prisma.DecisionTableVersionSelect;

export type VersionRow = Prisma.DecisionTableVersionGetPayload<{ select: typeof versionSelect }>;

export function findTable(key: string, client: Client = db()) {
  return client.decisionTable.findUnique({ where: { key } });
}

export function listTablesWithVersions() {
  return db().decisionTable.findMany({
    orderBy: { name: "asc" },
    include: { versions: { select: versionSelect, orderBy: { version: "desc" } } },
  });
}

export function findVersions(key: string, client: Client = db()) {
  return client.decisionTableVersion.findMany({ where: { tableKey: key }, select: versionSelect, orderBy: { version: "desc" } });
}

export function findVersion(key: string, version: number, client: Client = db()) {
  return client.decisionTableVersion.findUnique({ where: { tableKey_version: { tableKey: key, version } }, select: versionSelect });
}

export function findLatestPublished(key: string, client: Client = db()) {
  return client.decisionTableVersion.findFirst({ where: { tableKey: key, status: "PUBLISHED" }, select: versionSelect, orderBy: { version: "desc" } });
}

export function findNewestVersion(key: string, client: Client = db()) {
  return client.decisionTableVersion.findFirst({ where: { tableKey: key }, select: versionSelect, orderBy: { version: "desc" } });
}

/** Takes a transaction-scoped lock on one table key, so two uploads or publishes of it queue up. */
export async function lockTableKey(tx: Tx, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`decision-table:${key}`}))`;
}

export async function upsertTable(tx: Tx, key: string, name: string) {
  return tx.decisionTable.upsert({ where: { key }, create: { key, name }, update: { name } });
}

export async function insertVersion(
  tx: Tx,
  data: { tableKey: string; version: number; dmnXml: string; model: Prisma.InputJsonValue; createdById: string | null; createdByName: string },
) {
  return tx.decisionTableVersion.create({ data: { ...data, status: "DRAFT" }, select: versionSelect });
}

/** Publishes a draft if it is still a draft; false if someone published it first. */
export async function publishVersionIf(tx: Tx, id: string, data: { publishedById: string | null; testCases: Prisma.InputJsonValue }): Promise<Date | null> {
  const publishedAt = new Date();
  const r = await tx.decisionTableVersion.updateMany({ where: { id, status: "DRAFT" }, data: { status: "PUBLISHED", publishedAt, ...data } });
  return r.count === 1 ? publishedAt : null;
}

export function updateTestCases(tx: Tx, key: string, testCases: Prisma.InputJsonValue) {
  return tx.decisionTable.update({ where: { key }, data: { testCases } });
}

/** Rule ids that decided at least one audited evaluation of `key` since `since`. */
export async function firedRuleIdsSince(key: string, since: Date): Promise<Set<string>> {
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT DISTINCT jsonb_array_elements_text("after"->'matchedRules') AS id
    FROM "AuditEntry"
    WHERE "subjectType" = 'decision_table' AND "subjectId" = ${key} AND "action" = 'decision_table.evaluated' AND "at" >= ${since}`;
  return new Set(rows.map((r) => r.id));
}
