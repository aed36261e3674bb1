import { db, newId, query as sqlQuery, sql, type Row } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { taskListQuerySchema } from "../tasks/schemas";
import { SAVED_QUERY_KEYS, savedFilterInputSchema, type SavedFilterDto } from "./schemas";

const MAX_FILTERS_PER_USER = 50;

function personOnly(actor: Actor): string {
  requirePermission(actor, "tasks:read");
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Saved filters belong to people, not API tokens.");
  return actor.id;
}

function toDto(f: { id: string; name: string; query: string; createdAt: Date }): SavedFilterDto {
  return { id: f.id, name: f.name, query: f.query, createdAt: f.createdAt.toISOString() };
}

export async function listSavedFilters(actor: Actor) {
  const userId = personOnly(actor);
  const rows = await db().savedFilter.findMany({ where: { userId }, orderBy: { name: "asc" } });
  return { data: rows.map(toDto) };
}

/** Saves (or replaces, by name) a filter; the query is checked with the inbox's own schema. */
export async function saveFilter(actor: Actor, input: unknown): Promise<SavedFilterDto> {
  const userId = personOnly(actor);
  const data = parse(savedFilterInputSchema, input, "Saved filter");
  const params = new URLSearchParams(data.query.replace(/^\?/, ""));
  const kept = new URLSearchParams();
  for (const k of SAVED_QUERY_KEYS) {
    const v = params.get(k);
    if (v) kept.set(k, v);
  }
  parse(taskListQuerySchema, Object.fromEntries(kept), "Saved filter query");
  const query = kept.toString();
  const prisma = db();
  if ((await prisma.savedFilter.count({ where: { userId } })) >= MAX_FILTERS_PER_USER) {
    const exists = await prisma.savedFilter.findUnique({ where: { userId_name: { userId, name: data.name } } });
    if (!exists) throw new AppError("CONFLICT", `You can keep at most ${MAX_FILTERS_PER_USER} saved filters; delete one first.`);
  }
  const [row] = await sqlQuery<Row<"SavedFilter">>(sql`
    INSERT INTO "SavedFilter" ("id", "userId", "name", "query", "createdAt") VALUES (${newId()}, ${userId}, ${data.name}, ${query}, (now() AT TIME ZONE 'UTC'))
    ON CONFLICT ("userId", "name") DO UPDATE SET "query" = EXCLUDED."query" RETURNING *`);
  return toDto(row!);
}

export async function deleteSavedFilter(actor: Actor, id: string): Promise<void> {
  const userId = personOnly(actor);
  const deleted = await sqlQuery(sql`DELETE FROM "SavedFilter" WHERE "id" = ${id} AND "userId" = ${userId} RETURNING 1`);
  if (deleted.length === 0) throw new AppError("NOT_FOUND", "Saved filter not found.");
}
