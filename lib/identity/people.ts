import { db } from "../db";
import { requirePermission, type Actor } from "./actor";
import type { PersonDto } from "./schemas";

// The people directory: who can be asked, mentioned or picked, for everyone who works with tasks.
/** Active people to ask or mention, by name or e-mail (everyone with `users:read`). */
export async function listPeople(actor: Actor, query: { q?: string } = {}): Promise<{ data: PersonDto[] }> {
  requirePermission(actor, "users:read");
  const q = query.q?.trim().slice(0, 100);
  const rows = await db().user.findMany({
    where: {
      active: true,
      // Service accounts are never asked, mentioned or assigned.
      kind: "PERSON",
      ...(q ? { OR: [{ name: { contains: q, mode: "insensitive" as const } }, { email: { contains: q, mode: "insensitive" as const } }] } : {}),
    },
    orderBy: { name: "asc" },
    take: 200,
    select: { id: true, name: true, email: true },
  });
  return { data: rows };
}
