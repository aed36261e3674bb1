import { db, sql, transaction } from "../db";
import { parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import type { RoleName } from "../identity/permissions";
import { signInPolicySchema, type SignInPolicyDto } from "./schemas";

// The sign-in policy an admin sets (ADR 037): which roles must use a second factor with password
// sign-in. One row; none yet means nothing is required. People it covers who have no second factor
// are sent to set one up right after their next password sign-in.

async function readPolicy(): Promise<SignInPolicyDto> {
  const row = await db().signInPolicy.findUnique({ where: { id: 1 }, select: { mfaRequiredRoles: true } });
  return { mfaRequiredRoles: row?.mfaRequiredRoles ?? [] };
}

/** Whether the policy requires a second factor of people with this role. */
export async function mfaRequiredFor(role: RoleName): Promise<boolean> {
  return (await readPolicy()).mfaRequiredRoles.includes(role);
}

export async function getSignInPolicy(actor: Actor): Promise<SignInPolicyDto> {
  requirePermission(actor, "users:manage");
  return readPolicy();
}

export async function setSignInPolicy(actor: Actor, input: unknown): Promise<SignInPolicyDto> {
  requirePermission(actor, "users:manage");
  const data = parse(signInPolicySchema, input, "Sign-in policy");
  const roles = [...new Set(data.mfaRequiredRoles)].sort();
  return transaction(async (tx) => {
    const [before] = await tx.query<{ mfaRequiredRoles: RoleName[] }>(sql`SELECT "mfaRequiredRoles" FROM "SignInPolicy" WHERE "id" = 1 FOR UPDATE`);
    await tx.write(sql`INSERT INTO "SignInPolicy" ("id", "mfaRequiredRoles", "updatedAt") VALUES (1, ${roles}::"Role"[], now())
      ON CONFLICT ("id") DO UPDATE SET "mfaRequiredRoles" = EXCLUDED."mfaRequiredRoles", "updatedAt" = now()`);
    tx.audit(actor, {
      action: "signin_policy.changed",
      subjectType: "signin_policy",
      subjectId: "1",
      before: { mfaRequiredRoles: before?.mfaRequiredRoles ?? [] },
      after: { mfaRequiredRoles: roles },
    });
    return { mfaRequiredRoles: roles };
  });
}
