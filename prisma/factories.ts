// Builders shared by the seed, the integration tests and the e2e fixtures. Each returns the row
// it created so callers can clean up exactly what they made.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../lib/generated/prisma/client";
import type { RoleName } from "../lib/identity/permissions";
import { permissionsFor } from "../lib/identity/permissions";
import type { Actor } from "../lib/identity/actor";
import { hashPassword } from "../lib/identity/passwords";

export const DEMO_PASSWORD = "baton-demo";

let cachedDemoHash: Promise<string> | undefined;
function passwordHashFor(password: string): Promise<string> {
  if (password === DEMO_PASSWORD) return (cachedDemoHash ??= hashPassword(DEMO_PASSWORD));
  return hashPassword(password);
}

export async function createUser(
  db: PrismaClient,
  opts: { email?: string; name?: string; role?: RoleName; password?: string; skills?: string[]; supervisorId?: string | null } = {},
) {
  const suffix = randomUUID().slice(0, 8);
  return db.user.create({
    data: {
      email: (opts.email ?? `user-${suffix}@test.local`).toLowerCase(),
      name: opts.name ?? `Test User ${suffix}`,
      role: opts.role ?? "MEMBER",
      passwordHash: await passwordHashFor(opts.password ?? DEMO_PASSWORD),
      skills: opts.skills ?? [],
      supervisorId: opts.supervisorId ?? null,
    },
  });
}

export async function createGroup(db: PrismaClient, opts: { key?: string; name?: string; supervisorId?: string | null; memberIds?: string[] } = {}) {
  const suffix = randomUUID().slice(0, 8);
  return db.group.create({
    data: {
      key: opts.key ?? `group-${suffix}`,
      name: opts.name ?? `Group ${suffix}`,
      supervisorId: opts.supervisorId ?? null,
      members: { create: (opts.memberIds ?? []).map((userId) => ({ userId })) },
    },
  });
}

export function userActor(user: { id: string; name: string; role: RoleName }, extra: Partial<Actor> = {}): Actor {
  return { type: "USER", id: user.id, name: user.name, role: user.role, permissions: permissionsFor(user.role), ...extra };
}

export function systemActor(name = "seed"): Actor {
  return { type: "SYSTEM", id: null, name, role: "ADMIN", permissions: permissionsFor("ADMIN") };
}
