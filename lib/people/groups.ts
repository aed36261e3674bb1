import { query, sql } from "../db";
import { requirePermission, type Actor } from "../identity/actor";
import type { GroupDto } from "./schemas";

// Groups (teams and queues) as the directory shows them: their supervisor and how many members.

export async function listGroups(actor: Actor): Promise<{ data: GroupDto[] }> {
  requirePermission(actor, "users:read");
  const rows = await query<{ id: string; key: string; name: string; supervisorId: string | null; supervisorName: string | null; memberCount: number }>(sql`
    SELECT g."id", g."key", g."name", s."id" AS "supervisorId", s."name" AS "supervisorName",
           (SELECT count(*)::int FROM "GroupMembership" m WHERE m."groupId" = g."id") AS "memberCount"
      FROM "Group" g LEFT JOIN "User" s ON s."id" = g."supervisorId" ORDER BY g."name", g."id"`);
  return {
    data: rows.map((r) => ({ id: r.id, key: r.key, name: r.name, supervisor: r.supervisorId ? { id: r.supervisorId, name: r.supervisorName ?? "" } : null, memberCount: r.memberCount })),
  };
}
