import { sql, transaction, type Tx } from "../db";
import { parseMapping, type Env } from "../env";
import type { Actor } from "./actor";
import { ROLES, type RoleName } from "./permissions";

// Single sign-on with OpenID Connect (docs/identity.md). next-auth runs the authorization code
// flow with PKCE (auth.ts); this decides who the identity is in Baton: the person linked to the
// issuer + subject, else the person with that (verified) e-mail, linked now, else a new person
// created just in time. Their role and groups follow the provider's claims at every sign-in, each
// change audited. A deactivated person, or a service account's e-mail, is refused.

export interface SsoSettings {
  issuer: string;
  roleClaim?: string;
  /** claim value → role; empty: values equal to a role name (any case). */
  roleMap: [string, RoleName][];
  groupsClaim?: string;
  /** claim value → group key; empty: values are group keys. */
  groupMap: [string, string][];
}

export function ssoSettings(e: Env): SsoSettings | null {
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null;
  return {
    issuer: e.OIDC_ISSUER,
    roleClaim: e.OIDC_ROLE_CLAIM,
    roleMap: parseMapping(e.OIDC_ROLE_MAP ?? "") as [string, RoleName][],
    groupsClaim: e.OIDC_GROUPS_CLAIM,
    groupMap: parseMapping(e.OIDC_GROUP_MAP ?? ""),
  };
}

export interface OidcIdentity {
  subject: string;
  email?: string | null;
  emailVerified?: boolean | null;
  name?: string | null;
  /** The ID token's (and user info's) claims, where role and groups are read. */
  claims: Record<string, unknown>;
}

export type SsoRefusal = "deactivated" | "no_email" | "service_account" | "unverified_email" | "linked_elsewhere";
export type SsoResult = { ok: true; user: { id: string; email: string; name: string } } | { ok: false; reason: SsoRefusal };

/** A claim by name; dots reach into objects (Keycloak's `realm_access.roles`). Strings and arrays of strings only. */
export function claimValues(claims: Record<string, unknown>, name: string): string[] | null {
  let v: unknown = name in claims ? claims[name] : name.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), claims);
  if (v === undefined || v === null) return null;
  if (typeof v === "string") v = [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : null;
}

const ROLE_RANK: RoleName[] = ["ADMIN", "SUPERVISOR", "AUDITOR", "MEMBER"];

/** The role the claims give (the highest of those mapped; MEMBER when none is), or null when no role claim is configured. */
export function mappedRole(claims: Record<string, unknown>, s: SsoSettings): RoleName | null {
  if (!s.roleClaim) return null;
  const values = claimValues(claims, s.roleClaim) ?? [];
  const roles = s.roleMap.length
    ? s.roleMap.filter(([claim]) => values.includes(claim)).map(([, role]) => role)
    : values.map((v) => v.toUpperCase()).filter((v): v is RoleName => (ROLES as readonly string[]).includes(v));
  return ROLE_RANK.find((r) => roles.includes(r)) ?? "MEMBER";
}

/**
 * The group keys the claims give, and the groups the claim decides (mapped groups only when
 * there is a map, else every group): null when no groups claim is configured.
 */
export function mappedGroups(claims: Record<string, unknown>, s: SsoSettings): { keys: string[]; managed: string[] | "all" } | null {
  if (!s.groupsClaim) return null;
  const values = claimValues(claims, s.groupsClaim) ?? [];
  if (!s.groupMap.length) return { keys: [...new Set(values)], managed: "all" };
  return { keys: [...new Set(s.groupMap.filter(([claim]) => values.includes(claim)).map(([, key]) => key))], managed: [...new Set(s.groupMap.map(([, key]) => key))] };
}

interface PersonRow {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  kind: string;
  active: boolean;
  oidcIssuer: string | null;
  oidcSubject: string | null;
}

const PERSON = sql`SELECT "id", "email", "name", "role"::text AS "role", "kind"::text AS "kind", "active", "oidcIssuer", "oidcSubject" FROM "User"`;

export async function signInWithOidc(identity: OidcIdentity, s: SsoSettings, meta: { ip?: string; userAgent?: string } = {}): Promise<SsoResult> {
  const email = identity.email?.trim().toLowerCase() || null;
  const system: Actor = { type: "SYSTEM", id: null, name: "single sign-on", role: "ADMIN", permissions: new Set(), ...meta };
  const result = await transaction(async (tx): Promise<SsoResult> => {
    let [person] = await tx.query<PersonRow>(sql`${PERSON} WHERE "oidcIssuer" = ${s.issuer} AND "oidcSubject" = ${identity.subject} FOR UPDATE`);
    if (!person && email) {
      [person] = await tx.query<PersonRow>(sql`${PERSON} WHERE "email" = ${email} FOR UPDATE`);
      if (person) {
        const refusal = linkRefusal(person, identity);
        if (refusal) return refuse(tx, system, refusal, person.id, identity);
        await tx.update("User", { oidcIssuer: s.issuer, oidcSubject: identity.subject }, sql`"id" = ${person.id}`);
        tx.audit(system, { action: "user.sso_linked", subjectType: "user", subjectId: person.id, after: { issuer: s.issuer, subject: identity.subject } });
      }
    }
    if (!person) {
      if (!email) return refuse(tx, system, "no_email", identity.subject, identity);
      person = await createPerson(tx, system, identity, email, s);
    }
    if (person.kind !== "PERSON") return refuse(tx, system, "service_account", person.id, identity);
    if (!person.active) return refuse(tx, system, "deactivated", person.id, identity);
    await applyClaims(tx, system, person, identity.claims, s);
    await tx.update("User", { lastLoginAt: new Date() }, sql`"id" = ${person.id}`);
    tx.audit({ type: "USER", id: person.id, name: person.name, ...meta }, { action: "user.login", subjectType: "user", subjectId: person.id, after: { method: "oidc", issuer: s.issuer } });
    return { ok: true, user: { id: person.id, email: person.email, name: person.name } };
  });
  return result;
}

function linkRefusal(person: PersonRow, identity: OidcIdentity): SsoRefusal | null {
  if (person.kind !== "PERSON") return "service_account";
  // Linked to another subject already: a second identity claiming the same e-mail is not them.
  if (person.oidcSubject) return "linked_elsewhere";
  // An e-mail the provider has not verified never takes over an existing account.
  if (identity.emailVerified === false) return "unverified_email";
  return null;
}

/** The refusal is audited (who tried, why) and nothing else changes. */
function refuse(tx: Tx, system: Actor, reason: SsoRefusal, subjectId: string, identity: OidcIdentity): SsoResult {
  tx.audit(system, { action: "user.login_refused", subjectType: "user", subjectId, reason, after: { method: "oidc", subject: identity.subject, email: identity.email ?? null } });
  return { ok: false, reason };
}

async function createPerson(tx: Tx, system: Actor, identity: OidcIdentity, email: string, s: SsoSettings): Promise<PersonRow> {
  const now = new Date();
  const name = (identity.name?.trim() || email.split("@")[0]!).slice(0, 200);
  const role = mappedRole(identity.claims, s) ?? "MEMBER";
  const row = await tx.insert("User", {
    email,
    name,
    // Never a usable hash: a person created by single sign-on signs in through it.
    passwordHash: "!sso",
    role,
    kind: "PERSON",
    oidcIssuer: s.issuer,
    oidcSubject: identity.subject,
    createdAt: now,
    updatedAt: now,
  });
  tx.audit(system, { action: "user.sso_created", subjectType: "user", subjectId: row.id, after: { email, name, role, issuer: s.issuer, subject: identity.subject } });
  return { id: row.id, email, name, role, kind: "PERSON", active: true, oidcIssuer: s.issuer, oidcSubject: identity.subject };
}

/** Role and groups as the claims say, each change audited with before and after. */
async function applyClaims(tx: Tx, system: Actor, person: PersonRow, claims: Record<string, unknown>, s: SsoSettings): Promise<void> {
  const role = mappedRole(claims, s);
  if (role && role !== person.role) {
    await tx.update("User", { role }, sql`"id" = ${person.id}`);
    tx.audit(system, { action: "user.role_mapped", subjectType: "user", subjectId: person.id, before: { role: person.role }, after: { role }, reason: `claim ${s.roleClaim}` });
    person.role = role;
  }
  const groups = mappedGroups(claims, s);
  if (!groups) return;
  const current = await tx.query<{ id: string; key: string }>(sql`SELECT g."id", g."key" FROM "GroupMembership" m JOIN "Group" g ON g."id" = m."groupId" WHERE m."userId" = ${person.id}`);
  const wanted = groups.keys.length ? await tx.query<{ id: string; key: string }>(sql`SELECT "id", "key" FROM "Group" WHERE "key" = ANY(${groups.keys})`) : [];
  const managed = (key: string) => groups.managed === "all" || groups.managed.includes(key);
  const added = wanted.filter((g) => !current.some((c) => c.id === g.id));
  const removed = current.filter((c) => managed(c.key) && !wanted.some((g) => g.id === c.id));
  if (!added.length && !removed.length) return;
  const now = new Date();
  for (const g of added) await tx.write(sql`INSERT INTO "GroupMembership" ("userId", "groupId", "createdAt") VALUES (${person.id}, ${g.id}, ${now}) ON CONFLICT DO NOTHING`);
  if (removed.length) await tx.write(sql`DELETE FROM "GroupMembership" WHERE "userId" = ${person.id} AND "groupId" = ANY(${removed.map((g) => g.id)})`);
  // A group's members changed: its version (the SCIM ETag) moves on.
  await tx.write(sql`UPDATE "Group" SET "updatedAt" = now() WHERE "id" = ANY(${[...added, ...removed].map((g) => g.id)})`);
  tx.audit(system, {
    action: "user.groups_mapped",
    subjectType: "user",
    subjectId: person.id,
    before: { groups: current.map((g) => g.key).sort() },
    after: { groups: current.filter((c) => !removed.includes(c)).concat(added).map((g) => g.key).sort() },
    reason: `claim ${s.groupsClaim}`,
  });
}
