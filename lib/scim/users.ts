import { z } from "zod";
import { db, isUniqueViolation, sql, transaction } from "../db";
import type { Actor } from "../identity/actor";
import { timeZoneSchema } from "../identity/schemas";
import { deactivatePerson, reactivatePerson } from "../people/lifecycle";
import { parseFilter } from "./filter";
import { applyPatch, type PatchTarget } from "./patch";
import { checkIfMatch, fromScimZod, invalidPath, invalidValue, listResponse, meta, notFound, requireProvisioning, uniqueness } from "./resources";
import { listQuerySchema, patchRequestSchema, SCIM, scimBoolean, scimReference, scimUserSchema, type ScimUserInput } from "./schemas";

// SCIM Users (RFC 7643 section 4.1) over Baton's people. userName is the person's e-mail (their
// sign-in name); the enterprise extension's manager is their supervisor. Service accounts are not
// users here. Deprovisioning — active:false or DELETE — is deactivatePerson: the person keeps
// their history, their tokens and sessions stop, their open work leaves them.

const SELECT = {
  id: true,
  email: true,
  name: true,
  active: true,
  externalId: true,
  timeZone: true,
  supervisorId: true,
  createdAt: true,
  updatedAt: true,
  supervisor: { select: { id: true, name: true } },
  memberships: { select: { group: { select: { id: true, name: true } } }, orderBy: { groupId: "asc" as const } },
} as const;

type UserRow = {
  id: string;
  email: string;
  name: string;
  active: boolean;
  externalId: string | null;
  timeZone: string;
  supervisorId: string | null;
  createdAt: Date;
  updatedAt: Date;
  supervisor: { id: string; name: string } | null;
  memberships: { group: { id: string; name: string } }[];
};

export function toScimUser(u: UserRow, baseUrl: string) {
  return {
    schemas: [SCIM.USER, SCIM.ENTERPRISE],
    id: u.id,
    ...(u.externalId ? { externalId: u.externalId } : {}),
    userName: u.email,
    name: { formatted: u.name },
    displayName: u.name,
    active: u.active,
    emails: [{ value: u.email, type: "work", primary: true }],
    timezone: u.timeZone,
    groups: u.memberships.map((m) => ({ value: m.group.id, display: m.group.name, $ref: `${baseUrl}/Groups/${m.group.id}` })),
    [SCIM.ENTERPRISE]: u.supervisor ? { manager: { value: u.supervisor.id, displayName: u.supervisor.name, $ref: `${baseUrl}/Users/${u.supervisor.id}` } } : {},
    meta: meta("User", baseUrl, u.id, u.createdAt, u.updatedAt),
  };
}
export type ScimUser = ReturnType<typeof toScimUser>;

/** The attributes a request may set, as one flat record (what PUT replaces and PATCH edits). */
interface UserState {
  userName: string;
  email: string | null;
  displayName: string | null;
  formatted: string | null;
  givenName: string | null;
  familyName: string | null;
  externalId: string | null;
  active: boolean;
  timezone: string | null;
  managerId: string | null;
}

function stateOf(u: UserRow): UserState {
  return { userName: u.email, email: u.email, displayName: u.name, formatted: null, givenName: null, familyName: null, externalId: u.externalId, active: u.active, timezone: u.timeZone, managerId: u.supervisorId };
}

const refValue = (v: z.infer<typeof scimReference>): string | null => (typeof v === "string" ? v || null : (v?.value ?? null) || null);

function primaryEmail(emails: ScimUserInput["emails"]): string | null {
  if (!emails?.length) return null;
  return (emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === "work") ?? emails[0])!.value;
}

function stateFromInput(input: ScimUserInput, current?: UserState): UserState {
  return {
    userName: input.userName,
    email: primaryEmail(input.emails),
    displayName: input.displayName ?? null,
    formatted: input.name?.formatted ?? null,
    givenName: input.name?.givenName ?? null,
    familyName: input.name?.familyName ?? null,
    externalId: input.externalId ?? null,
    // A replacement without `active` leaves it as it is.
    active: input.active ?? current?.active ?? true,
    timezone: input.timezone ?? null,
    managerId: refValue(input[SCIM.ENTERPRISE]?.manager),
  };
}

const emailSchema = z.email();

/** What is stored: the e-mail (userName when it is one, else the primary e-mail), the display name. */
function resolve(state: UserState) {
  const candidates = [state.userName, state.email].filter((v): v is string => !!v).map((v) => v.trim().toLowerCase());
  const email = candidates.find((c) => emailSchema.safeParse(c).success);
  if (!email) throw invalidValue("userName (or the primary e-mail) must be an e-mail address: it is the person's sign-in name.", "userName");
  const composed = [state.givenName, state.familyName].filter(Boolean).join(" ");
  const name = (state.displayName || state.formatted || composed || email.split("@")[0]!).slice(0, 200);
  if (state.timezone && !timeZoneSchema.safeParse(state.timezone).success) throw invalidValue(`timezone "${state.timezone}" is not an IANA time zone.`, "timezone");
  return { email, name, externalId: state.externalId || null, active: state.active, timeZone: state.timezone || "UTC", supervisorId: state.managerId };
}

async function findUser(id: string): Promise<UserRow | null> {
  return db().user.findFirst({ where: { id, kind: "PERSON" }, select: SELECT });
}

async function loadUser(id: string): Promise<UserRow> {
  const user = await findUser(id);
  if (!user) throw notFound("User", id);
  return user;
}

async function checkManager(managerId: string | null, selfId: string | null): Promise<void> {
  if (!managerId) return;
  if (managerId === selfId) throw invalidValue("A person cannot be their own manager.", "manager");
  const manager = await db().user.findFirst({ where: { id: managerId, kind: "PERSON" }, select: { id: true } });
  if (!manager) throw invalidValue(`manager "${managerId}" is not a provisioned user.`, "manager");
}

function conflictOf(e: unknown): never {
  if (isUniqueViolation(e)) throw uniqueness("Another user already has this userName (e-mail) or externalId.");
  throw e;
}

export async function getUser(actor: Actor, baseUrl: string, id: string): Promise<ScimUser> {
  requireProvisioning(actor);
  return toScimUser(await loadUser(id), baseUrl);
}

const USER_FILTERS = ["username", "emails.value", "emails", "externalid", "id", "displayname"] as const;

export async function listUsers(actor: Actor, baseUrl: string, rawQuery: Record<string, string>) {
  requireProvisioning(actor);
  const query = listQuerySchema.parse(rawQuery);
  const where: Record<string, unknown> = { kind: "PERSON" };
  for (const term of query.filter ? parseFilter(query.filter, USER_FILTERS) : []) {
    if (term.attribute === "username" || term.attribute.startsWith("emails")) where.email = { equals: term.value.trim(), mode: "insensitive" };
    else if (term.attribute === "externalid") where.externalId = term.value;
    else if (term.attribute === "id") where.id = term.value;
    else where.name = term.value;
  }
  const [total, rows] = await Promise.all([
    db().user.count({ where }),
    query.count === 0 ? Promise.resolve([]) : db().user.findMany({ where, select: SELECT, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: query.startIndex - 1, take: query.count }),
  ]);
  return listResponse((rows as UserRow[]).map((r) => toScimUser(r, baseUrl)), total, query);
}

export async function createUser(actor: Actor, baseUrl: string, body: unknown): Promise<ScimUser> {
  requireProvisioning(actor);
  const parsed = scimUserSchema.safeParse(body);
  if (!parsed.success) throw fromScimZod(parsed.error, "The user");
  const next = resolve(stateFromInput(parsed.data));
  await checkManager(next.supervisorId, null);
  if (await db().user.findUnique({ where: { email: next.email }, select: { id: true } })) throw uniqueness(`A user with userName "${next.email}" exists already.`);
  const id = await transaction(async (tx) => {
    const now = new Date();
    const user = await tx.insert("User", {
      email: next.email,
      name: next.name,
      // Never a usable hash: a provisioned person signs in through single sign-on (or sets a password later).
      passwordHash: "!provisioned",
      role: "MEMBER",
      kind: "PERSON",
      active: next.active,
      externalId: next.externalId,
      timeZone: next.timeZone,
      supervisorId: next.supervisorId,
      createdAt: now,
      updatedAt: now,
    });
    tx.audit(actor, { action: "user.provisioned", subjectType: "user", subjectId: user.id, after: next });
    return user.id;
  }).catch(conflictOf);
  return toScimUser(await loadUser(id), baseUrl);
}

/** Stores `state` over the user (If-Match checked under the row's lock), then (de)activates them. */
async function save(actor: Actor, baseUrl: string, current: UserRow, state: UserState, ifMatch: string | null): Promise<ScimUser> {
  const next = resolve(state);
  await checkManager(next.supervisorId, current.id);
  const before = { email: current.email, name: current.name, externalId: current.externalId, timeZone: current.timeZone, supervisorId: current.supervisorId };
  const after = { email: next.email, name: next.name, externalId: next.externalId, timeZone: next.timeZone, supervisorId: next.supervisorId };
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
  await transaction(async (tx) => {
    const [row] = await tx.query<{ updatedAt: Date }>(sql`SELECT "updatedAt" FROM "User" WHERE "id" = ${current.id} FOR UPDATE`);
    if (!row) throw notFound("User", current.id);
    checkIfMatch(ifMatch, row.updatedAt);
    if (changed.length === 0) return;
    await tx.update("User", after, sql`"id" = ${current.id}`);
    tx.audit(actor, {
      action: "user.provisioned_update",
      subjectType: "user",
      subjectId: current.id,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
  }).catch(conflictOf);
  if (current.active && !next.active) await deactivatePerson({ personId: current.id, reason: `Deprovisioned through SCIM by ${actor.owner?.name ?? actor.name}` }, actor);
  if (!current.active && next.active) await reactivatePerson({ personId: current.id }, actor);
  return toScimUser(await loadUser(current.id), baseUrl);
}

export async function replaceUser(actor: Actor, baseUrl: string, id: string, body: unknown, ifMatch: string | null): Promise<ScimUser> {
  requireProvisioning(actor);
  const current = await loadUser(id);
  const parsed = scimUserSchema.safeParse(body);
  if (!parsed.success) throw fromScimZod(parsed.error, "The user");
  return save(actor, baseUrl, current, stateFromInput(parsed.data, stateOf(current)), ifMatch);
}

/** The attributes of the core and enterprise schemas Baton does not keep: accepted and ignored, as RFC 7644 allows. */
const IGNORED = new Set(
  [
    "nickName", "title", "userType", "preferredLanguage", "locale", "profileUrl", "phoneNumbers", "addresses", "ims", "photos", "roles", "entitlements", "x509Certificates", "password",
    `${SCIM.ENTERPRISE}:employeeNumber`, `${SCIM.ENTERPRISE}:costCenter`, `${SCIM.ENTERPRISE}:organization`, `${SCIM.ENTERPRISE}:division`, `${SCIM.ENTERPRISE}:department`,
  ].map((a) => a.toLowerCase()),
);

const USER_PATCH: PatchTarget<UserState> = {
  set(state, path, value, op) {
    const p = path.toLowerCase().replace(`${SCIM.USER.toLowerCase()}:`, "");
    const clear = op === "remove";
    const str = (v: unknown) => (clear || v === null ? null : z.string().trim().max(255).parse(v));
    switch (p) {
      case "active":
        state.active = clear ? state.active : scimBoolean.parse(value);
        return;
      case "username":
        if (clear) throw invalidValue("userName cannot be removed.", "userName");
        state.userName = z.string().trim().min(1).max(254).parse(value);
        return;
      case "displayname":
        state.displayName = str(value);
        return;
      case "externalid":
        state.externalId = str(value);
        return;
      case "timezone":
        state.timezone = str(value);
        return;
      case "name.givenname":
        state.givenName = str(value);
        return;
      case "name.familyname":
        state.familyName = str(value);
        return;
      case "name.formatted":
        state.formatted = str(value);
        return;
      case "name": {
        const n = clear ? {} : scimUserSchema.shape.name.parse(value) ?? {};
        state.formatted = n.formatted ?? null;
        state.givenName = n.givenName ?? null;
        state.familyName = n.familyName ?? null;
        return;
      }
      case "emails":
        if (!clear) state.email = primaryEmail(scimUserSchema.shape.emails.parse(Array.isArray(value) ? value : [value]));
        return;
      case 'emails[type eq "work"].value':
      case "emails[primary eq true].value":
        state.email = str(value);
        return;
      case SCIM.ENTERPRISE.toLowerCase():
        if (clear) state.managerId = null;
        else {
          const ext = z.object({ manager: scimReference }).loose().parse(value);
          if ("manager" in ext) state.managerId = refValue(ext.manager);
        }
        return;
      case `${SCIM.ENTERPRISE}:manager`.toLowerCase():
      case `${SCIM.ENTERPRISE}:manager.value`.toLowerCase():
      case "manager":
        state.managerId = clear ? null : refValue(scimReference.parse(value));
        return;
      default:
        if (IGNORED.has(p) || IGNORED.has(p.split(/[.[]/)[0]!) || p.startsWith(`${SCIM.ENTERPRISE.toLowerCase()}:`)) return;
        throw invalidPath(path);
    }
  },
};

export async function patchUser(actor: Actor, baseUrl: string, id: string, body: unknown, ifMatch: string | null): Promise<ScimUser> {
  requireProvisioning(actor);
  const current = await loadUser(id);
  const parsed = patchRequestSchema.safeParse(body);
  if (!parsed.success) throw fromScimZod(parsed.error, "The PATCH request");
  const state = stateOf(current);
  applyPatch(state, parsed.data.Operations, USER_PATCH);
  return save(actor, baseUrl, current, state, ifMatch);
}

/** DELETE: deprovisioning. The person stays (their decisions and audit trail name them), inactive. */
export async function deleteUser(actor: Actor, id: string, ifMatch: string | null): Promise<void> {
  requireProvisioning(actor);
  const current = await loadUser(id);
  checkIfMatch(ifMatch, current.updatedAt);
  await deactivatePerson({ personId: id, reason: `Deleted through SCIM by ${actor.owner?.name ?? actor.name}` }, actor);
}
