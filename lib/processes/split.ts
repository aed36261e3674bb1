import { db, sql, transaction, type Row } from "../db";
import { AppError, fromZodError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { versionSplitSchema, type VersionSplitDto } from "./schemas";

// A/B split: new instances of a process go to versionB with probability percentB %, otherwise
// to versionA (both must be ACTIVE when the split is set; if one is deprecated later, starts
// fall back to the newest ACTIVE version). The instance records the version it got
// (ProcessInstance.definitionId), so the KPI dashboard can compare the two.

type SplitRow = Row<"ProcessVersionSplit">;

function toDto(s: SplitRow): VersionSplitDto {
  return { processKey: s.processKey, versionA: s.versionA, versionB: s.versionB, percentB: s.percentB, updatedByName: s.updatedByName, updatedAt: s.updatedAt.toISOString() };
}

export async function listVersionSplits(key: string | null): Promise<VersionSplitDto[]> {
  const rows = await db().processVersionSplit.findMany({ where: key ? { processKey: key } : {} });
  return rows.map(toDto);
}

export async function getVersionSplit(actor: Actor, key: string): Promise<VersionSplitDto | null> {
  requirePermission(actor, "processes:manage");
  const row = await db().processVersionSplit.findUnique({ where: { processKey: key } });
  return row ? toDto(row) : null;
}

export async function setVersionSplit(actor: Actor, key: string, input: unknown): Promise<VersionSplitDto> {
  requirePermission(actor, "processes:manage");
  const parsed = versionSplitSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, "Split");
  const s = parsed.data;
  return transaction(async (tx) => {
    const versions = await tx.query<{ id: string; version: number; status: string }>(
      sql`SELECT "id", "version", "status" FROM "ProcessDefinition" WHERE "key" = ${key} AND "version" = ANY(${[s.versionA, s.versionB]}::int[])`,
    );
    const any = versions.length > 0 || (await tx.query(sql`SELECT 1 FROM "ProcessDefinition" WHERE "key" = ${key} LIMIT 1`)).length > 0;
    if (!any) throw new AppError("NOT_FOUND", `No process "${key}".`);
    for (const [field, v] of [["versionA", s.versionA], ["versionB", s.versionB]] as const) {
      const row = versions.find((x) => x.version === v);
      if (!row) throw new AppError("VALIDATION_FAILED", `"${key}" has no version ${v}.`, { fieldErrors: [{ path: field, message: `no version ${v}` }] });
      if (row.status !== "ACTIVE") throw new AppError("VALIDATION_FAILED", `Version ${v} of "${key}" is deprecated; a split needs two active versions.`, { fieldErrors: [{ path: field, message: "deprecated" }] });
    }
    const [before] = await tx.query<SplitRow>(sql`SELECT * FROM "ProcessVersionSplit" WHERE "processKey" = ${key} FOR UPDATE`);
    const [row] = await tx.query<SplitRow>(sql`
      INSERT INTO "ProcessVersionSplit" ("processKey", "versionA", "versionB", "percentB", "updatedById", "updatedByName", "createdAt", "updatedAt")
      VALUES (${key}, ${s.versionA}::int, ${s.versionB}::int, ${s.percentB}::int, ${actor.type === "USER" ? actor.id : null}, ${actor.name}, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))
      ON CONFLICT ("processKey") DO UPDATE SET "versionA" = EXCLUDED."versionA", "versionB" = EXCLUDED."versionB", "percentB" = EXCLUDED."percentB",
        "updatedById" = EXCLUDED."updatedById", "updatedByName" = EXCLUDED."updatedByName", "updatedAt" = EXCLUDED."updatedAt"
      RETURNING *`);
    if (!row) throw new Error(`the split of "${key}" was not written`);
    tx.audit(actor, {
      action: "process.split_set",
      subjectType: "process",
      subjectId: key,
      before: before ? { versionA: before.versionA, versionB: before.versionB, percentB: before.percentB } : null,
      after: { versionA: row.versionA, versionB: row.versionB, percentB: row.percentB },
    });
    return toDto(row);
  });
}

export async function clearVersionSplit(actor: Actor, key: string): Promise<void> {
  requirePermission(actor, "processes:manage");
  await transaction(async (tx) => {
    const [before] = await tx.query<SplitRow>(sql`DELETE FROM "ProcessVersionSplit" WHERE "processKey" = ${key} RETURNING *`);
    if (!before) throw new AppError("NOT_FOUND", `"${key}" has no version split.`);
    tx.audit(actor, {
      action: "process.split_cleared",
      subjectType: "process",
      subjectId: key,
      before: { versionA: before.versionA, versionB: before.versionB, percentB: before.percentB },
      after: null,
    });
  });
}
