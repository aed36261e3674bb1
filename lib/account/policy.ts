import { db, query, sql, transaction, type Sql } from "../db";
import { env } from "../env";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import type { RoleName } from "../identity/permissions";
import { keyFrom } from "../secrets/crypto";
import { signInPolicySchema, type SignInPolicyDto } from "./schemas";

// The sign-in policy an admin sets (ADR 037, 044, 053): which roles must use a second factor with
// password sign-in. One row; none yet means nothing is required. People it covers who have no
// second factor reach only the enrolment until they set one up. A change that covers the admin
// making it needs their confirmation; a change nobody could comply with is refused.

export const ENROL_AT = "/settings/security?enrol=required";

async function readRoles(): Promise<RoleName[]> {
  const row = await db().signInPolicy.findUnique({ where: { id: 1 }, select: { mfaRequiredRoles: true } });
  return row?.mfaRequiredRoles ?? [];
}

/** Whether the policy requires a second factor of people with this role. */
export async function mfaRequiredFor(role: RoleName): Promise<boolean> {
  return (await readRoles()).includes(role);
}

/** The person whose sessions a policy would fence for this caller: a signed-in person's own password session, or a token's owner. */
function callerPersonId(actor: Actor): string | null {
  if (actor.type === "USER") return actor.session?.sso ? null : (actor.id ?? null);
  if (actor.type === "TOKEN" && actor.owner?.kind === "PERSON") return actor.owner.id;
  return null;
}

/** People a policy naming `roles` covers who have no second factor (as loadUserWithScope decides, ADR 044). */
function uncovered(roles: RoleName[]): Sql {
  return sql`u."active" AND u."kind" = 'PERSON' AND u."role" = ANY(${roles}::"Role"[]) AND u."passwordHash" NOT LIKE '!%'
    AND NOT EXISTS (SELECT 1 FROM "UserTotp" f WHERE f."userId" = u."id" AND f."confirmedAt" IS NOT NULL)`;
}

interface Coverage {
  withoutSecondFactor: number;
  /** The caller is among them under `roles`… */
  caller: boolean;
  /** …and was already under `before`. */
  callerBefore: boolean;
}

/** Read in the caller's transaction (a change) or on its own (a read). */
async function coverage(run: (q: Sql) => Promise<unknown[]>, roles: RoleName[], before: RoleName[], callerId: string | null): Promise<Coverage> {
  if (!env().PASSWORD_SIGNIN) return { withoutSecondFactor: 0, caller: false, callerBefore: false };
  const [row] = (await run(sql`SELECT
      (SELECT count(*)::int FROM "User" u WHERE ${uncovered(roles)}) AS "withoutSecondFactor",
      EXISTS (SELECT 1 FROM "User" u WHERE u."id" = ${callerId} AND ${uncovered(roles)}) AS "caller",
      EXISTS (SELECT 1 FROM "User" u WHERE u."id" = ${callerId} AND ${uncovered(before)}) AS "callerBefore"`)) as Coverage[];
  return row!;
}

function dto(roles: RoleName[], c: Coverage): SignInPolicyDto {
  return { mfaRequiredRoles: roles, withoutSecondFactor: c.withoutSecondFactor, enrolmentRequired: c.caller, enrolAt: c.caller ? ENROL_AT : null };
}

export async function getSignInPolicy(actor: Actor): Promise<SignInPolicyDto> {
  requirePermission(actor, "users:manage");
  const roles = await readRoles();
  return dto(roles, await coverage((q) => query(q), roles, roles, callerPersonId(actor)));
}

/**
 * Sets the roles that must use a second factor (users:manage; audited signin_policy.changed).
 * Refused (409) when adding roles while no second factor can be set up (no BATON_SECRETS_KEY: the
 * people covered would be shut out); refused with 409 CONFIRMATION_REQUIRED, changing nothing, when
 * it newly covers the caller, who has no second factor, unless `confirm` — then the answer says
 * `enrolmentRequired` and where to go.
 */
export async function setSignInPolicy(actor: Actor, input: unknown): Promise<SignInPolicyDto> {
  requirePermission(actor, "users:manage");
  const data = parse(signInPolicySchema, input, "Sign-in policy");
  const roles = [...new Set(data.mfaRequiredRoles)].sort();
  const callerId = callerPersonId(actor);
  return transaction(async (tx) => {
    const [row] = await tx.query<{ mfaRequiredRoles: RoleName[] }>(sql`SELECT "mfaRequiredRoles"::text[] AS "mfaRequiredRoles" FROM "SignInPolicy" WHERE "id" = 1 FOR UPDATE`);
    const before = row?.mfaRequiredRoles ?? [];
    const added = roles.filter((r) => !before.includes(r));
    if (added.length && env().PASSWORD_SIGNIN && !keyFrom(env().BATON_SECRETS_KEY)) {
      throw new AppError(
        "CONFLICT",
        "Two-step sign-in cannot be set up on this installation (BATON_SECRETS_KEY is not set): requiring it would shut out everyone it covers. Set the key first.",
        { details: { reason: "second_factor_unavailable" } },
      );
    }
    const c = await coverage((q) => tx.query(q), roles, before, callerId);
    if (c.caller && !c.callerBefore && !data.confirm) {
      throw new AppError(
        "CONFIRMATION_REQUIRED",
        "You have no second factor and this policy covers you: once it is saved, you will be sent to set up two-step sign-in before you can do anything else. Send it again with confirm: true to go ahead.",
        { details: { enrolmentRequired: true, withoutSecondFactor: c.withoutSecondFactor, enrolAt: ENROL_AT } },
      );
    }
    await tx.write(sql`INSERT INTO "SignInPolicy" ("id", "mfaRequiredRoles", "updatedAt") VALUES (1, ${roles}::"Role"[], now())
      ON CONFLICT ("id") DO UPDATE SET "mfaRequiredRoles" = EXCLUDED."mfaRequiredRoles", "updatedAt" = now()`);
    tx.audit(actor, {
      action: "signin_policy.changed",
      subjectType: "signin_policy",
      subjectId: "1",
      before: { mfaRequiredRoles: before },
      after: { mfaRequiredRoles: roles, withoutSecondFactor: c.withoutSecondFactor, ...(c.caller && !c.callerBefore ? { changedByIsSentToEnrol: true } : {}) },
    });
    return dto(roles, c);
  });
}
