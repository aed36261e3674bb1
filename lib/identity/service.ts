import { createHash, randomBytes } from "node:crypto";
import { db, sql, transaction } from "../db";
import { env } from "../env";
import { AppError, fromZodError } from "../errors";
import { principalId, requirePermission, type Actor } from "./actor";
import { permissionsFor, tokenPermissions, type RoleName } from "./permissions";
import { burnPasswordCheck, verifyPassword } from "./passwords";
import { clearFailedLogins, lockedOutFor, recordFailedLogin, withHashSlot } from "./login-throttle";
import { tokenRowFromJson, type TokenJson, type TokenRow, findTokenByHash, findUserByEmail, findUserById, loadUserScope, loadUserWithScope, touchToken } from "./repository";
import { rememberScope } from "./scope";
import { sessionIsCurrent, type SessionClaims } from "./sessions";
import { createTokenSchema, credentialsSchema, updateUserSettingsSchema, type CreatedTokenDto, type MeDto, type TokenDto, type UserSettings } from "./schemas";

type LoginResult =
  | { ok: true; user: { id: string; email: string; name: string; role: RoleName }; mustEnrolSecondFactor?: boolean }
  | { ok: false; reason: "invalid" | "locked" | "second_factor" | "second_factor_invalid"; retryAfterS?: number };

/**
 * The second step of a password sign-in (lib/account, ADR 037), run once the password is right:
 * "ok" (no second factor, or a good code), "required" (the person has one and no code came),
 * "invalid" (a wrong or replayed code), "enrol" (the policy requires one the person has not set up).
 */
export type SecondFactorCheck = (
  user: { id: string; email: string; name: string; role: RoleName },
  code: string | undefined,
  meta: { ip?: string; userAgent?: string },
) => Promise<"ok" | "required" | "invalid" | "enrol">;

const systemActor = (name: string, meta: { ip?: string; userAgent?: string } = {}): Actor => ({
  type: "SYSTEM",
  id: null,
  name,
  role: "ADMIN",
  permissions: new Set(),
  ...meta,
});

/**
 * Checks e-mail and password. Failures never say which part was wrong, take the same time for
 * unknown e-mails, and lock the e-mail out for a growing while after repeated failures.
 */
export async function authenticateWithPassword(raw: unknown, meta: { ip?: string; userAgent?: string } = {}, secondFactor?: SecondFactorCheck): Promise<LoginResult> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password, code } = parsed.data;
  // Every lock is checked before any password hashing (lib/identity/login-throttle.ts).
  const locked = await lockedOutFor(email, meta.ip);
  if (locked > 0) return { ok: false, reason: "locked", retryAfterS: locked };
  const user = await findUserByEmail(email);
  // Service accounts never sign in: they act only through their tokens (ADR 021).
  const valid = await withHashSlot(async () =>
    user && user.active && user.kind === "PERSON" ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false),
  );
  // Too many checks running at once here: a short wait, not a failure counted against anyone.
  if (valid === null) return { ok: false, reason: "locked", retryAfterS: 1 };
  if (!user || !valid) {
    const lock = await recordFailedLogin(email, meta.ip);
    await transaction(async (tx) =>
      tx.audit(systemActor("login", meta), { action: "user.login_failed", subjectType: "user", subjectId: user?.id ?? email, reason: "invalid credentials" }),
    );
    return lock > 0 ? { ok: false, reason: "locked", retryAfterS: lock } : { ok: false, reason: "invalid" };
  }
  const who = { id: user.id, email: user.email, name: user.name, role: user.role };
  // The password alone never makes a session for a person with a second factor.
  const factor = secondFactor ? await secondFactor(who, code, meta) : "ok";
  if (factor === "required") return { ok: false, reason: "second_factor" };
  if (factor === "invalid") {
    const lock = await recordFailedLogin(email, meta.ip);
    await transaction(async (tx) =>
      tx.audit(systemActor("login", meta), { action: "user.login_failed", subjectType: "user", subjectId: user.id, reason: "invalid second factor" }),
    );
    return lock > 0 ? { ok: false, reason: "locked", retryAfterS: lock } : { ok: false, reason: "second_factor_invalid" };
  }
  await clearFailedLogins(email, meta.ip);
  await transaction(
    async (tx) => {
      await tx.update("User", { lastLoginAt: new Date() }, sql`"id" = ${user.id}`);
      tx.audit({ type: "USER", id: user.id, name: user.name, ...meta }, { action: "user.login", subjectType: "user", subjectId: user.id });
    },
    { batched: true },
  );
  return { ok: true, user: who, ...(factor === "enrol" ? { mustEnrolSecondFactor: true } : {}) };
}

/**
 * Builds the actor for a signed-in person from the database (role changes and deactivation apply
 * at once). With the session's claims, a signed-out or ended session is refused too (sessions.ts).
 */
export async function actorForUser(userId: string, meta: Partial<Actor> = {}, session?: SessionClaims): Promise<Actor | null> {
  const user = await loadUserWithScope(userId, session?.sid ?? null);
  if (!user || !user.active || !sessionIsCurrent(user, session)) return null;
  const role = user.role as RoleName;
  const actor: Actor = {
    type: "USER",
    id: user.id,
    name: user.name,
    role,
    permissions: permissionsFor(role),
    timeZone: user.timeZone,
    ...(session ? { session } : {}),
    // Read with the person (loadUserWithScope): a policy set, or a factor turned off, after sign-in applies at
    // once. The policy covers password sign-in: not single sign-on sessions, nor an installation without passwords.
    ...(session && !session.sso && user.secondFactorMissing && env().PASSWORD_SIGNIN ? { enrolmentRequired: true as const } : {}),
    ...meta,
  };
  rememberScope(actor, user.scope);
  return actor;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function actorForToken(token: string, meta: Partial<Actor> = {}): Promise<Actor | null> {
  if (!/^bat_[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await findTokenByHash(hashToken(token));
  const actor = row ? tokenActorOf(row, meta) : null;
  // Recording last use is best effort and must not slow the request.
  if (actor) void touchToken(actor.id!).catch(() => undefined);
  return actor;
}

/** The actor of a token read as JSON inside another statement (tokenJsonSql): a token as it stands now, without a round trip of its own: null when it was revoked or expired or its owner deactivated. */
export function actorFromTokenJson(json: TokenJson | null, meta: Partial<Actor> = {}): Actor | null {
  return json ? tokenActorOf(tokenRowFromJson(json), meta) : null;
}

function tokenActorOf(row: TokenRow, meta: Partial<Actor>): Actor | null {
  if (row.revokedAt || (row.expiresAt && row.expiresAt < new Date())) return null;
  // A token acts for its owner (ADR 021): an ownerless one, or one whose owner was deactivated, is refused.
  if (!row.ownerId || !row.ownerActive || !row.ownerRole) return null;
  const kind = row.ownerKind ?? "PERSON";
  const owner = {
    id: row.ownerId,
    name: row.ownerName ?? row.ownerId,
    kind,
    role: row.ownerRole,
    ...(kind === "SERVICE" ? { grants: { processes: row.ownerProcesses ?? [], events: row.ownerEvents ?? [] } } : {}),
  };
  const actor: Actor = {
    type: "TOKEN",
    id: row.id,
    name: `token:${row.name}`,
    role: row.role,
    permissions: tokenPermissions(row.role, row.scopes, owner.role),
    rateLimitPerMinute: row.rateLimitPerMinute,
    owner,
    onBehalfOfId: owner.id,
    ...meta,
  };
  if (row.ownerScope) rememberScope(actor, row.ownerScope);
  return actor;
}

type TokenOwnerRow = {
  id: string;
  name: string;
  kind: "PERSON" | "SERVICE";
  active?: boolean;
  outOfOfficeFrom?: Date | null;
  outOfOfficeUntil?: Date | null;
  delegate?: { name: string } | null;
} | null;

/** The owner's absence now (from ≤ now < until, either end open), as the token list shows it. */
function ownerAway(o: NonNullable<TokenOwnerRow>, now = new Date()): NonNullable<TokenDto["owner"]>["outOfOffice"] {
  const from = o.outOfOfficeFrom ?? null;
  const until = o.outOfOfficeUntil ?? null;
  if (!from && !until) return null;
  if ((from && from > now) || (until && until <= now)) return null;
  return { until: until?.toISOString() ?? null, delegate: o.delegate?.name ?? null };
}

function toTokenDto(t: {
  id: string;
  name: string;
  prefix: string;
  role: RoleName;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  rateLimitPerMinute?: number | null;
  createdBy?: { name: string } | null;
  owner?: TokenOwnerRow;
}): TokenDto {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    scopes: t.scopes,
    createdAt: t.createdAt.toISOString(),
    createdBy: t.createdBy?.name ?? null,
    owner: t.owner ? { id: t.owner.id, name: t.owner.name, kind: t.owner.kind, active: t.owner.active ?? true, outOfOffice: ownerAway(t.owner) } : null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    rateLimitPerMinute: t.rateLimitPerMinute ?? null,
  };
}

const TOKEN_INCLUDE = {
  createdBy: { select: { name: true } },
  owner: { select: { id: true, name: true, kind: true, active: true, outOfOfficeFrom: true, outOfOfficeUntil: true, delegate: { select: { name: true } } } },
} as const;

/**
 * Whom a new token acts for (ADR 021): the caller themself by default; a service account when
 * named; another person never (they mint their own). The CLI (a system actor) names anyone.
 */
async function tokenOwner(actor: Actor, ref: string | undefined) {
  const callerId = principalId(actor);
  const id = ref ?? callerId;
  if (!id) throw new AppError("VALIDATION_FAILED", "Name the person or service account the token acts for (owner).", { fieldErrors: [{ path: "owner", message: "required" }] });
  const owner = await db().user.findFirst({
    where: ref ? { OR: [{ id: ref }, { email: ref.toLowerCase() }, { kind: "SERVICE", name: ref }] } : { id },
    select: { id: true, name: true, role: true, kind: true, active: true },
  });
  if (!owner || !owner.active) throw new AppError("VALIDATION_FAILED", `No active person or service account "${id}".`, { fieldErrors: [{ path: "owner", message: "unknown owner" }] });
  if (actor.type !== "SYSTEM" && owner.id !== callerId && owner.kind !== "SERVICE") {
    throw new AppError("FORBIDDEN", `A token can act for you or for a service account, not for ${owner.name}: they create their own.`, { fieldErrors: [{ path: "owner", message: "not you or a service account" }] });
  }
  return owner;
}

/** Creates an API token; the secret is returned once and only its hash is stored. */
export async function createApiToken(actor: Actor, input: unknown): Promise<CreatedTokenDto> {
  requirePermission(actor, "tokens:manage");
  const parsed = createTokenSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, "Token");
  const data = parsed.data;
  const owner = await tokenOwner(actor, data.owner);
  // Never more than its owner, and never more than whoever mints it (M7).
  const granted = tokenPermissions(data.role, data.scopes, owner.role);
  const beyond = actor.type === "SYSTEM" ? [] : [...granted].filter((p) => !actor.permissions.has(p));
  if (beyond.length) {
    throw new AppError("FORBIDDEN", `A token cannot have permissions you do not have yourself: ${beyond.join(", ")}. Narrow its role or scopes.`, {
      fieldErrors: [{ path: "scopes", message: `beyond yours: ${beyond.join(", ")}` }],
    });
  }
  const token = `bat_${randomBytes(32).toString("base64url")}`;
  const row = await transaction(
    async (tx) => {
      const created = await tx.insert("ApiToken", {
        name: data.name,
        prefix: token.slice(0, 12),
        tokenHash: hashToken(token),
        role: data.role,
        scopes: data.scopes,
        createdById: actor.type === "USER" ? actor.id : null,
        ownerId: owner.id,
        expiresAt: new Date(Date.now() + data.expiresInDays * 86_400_000),
        rateLimitPerMinute: data.rateLimitPerMinute ?? null,
      });
      tx.audit(actor, {
        action: "token.created",
        subjectType: "token",
        subjectId: created.id,
        after: {
          name: created.name,
          role: created.role,
          scopes: created.scopes,
          ownerId: owner.id,
          ownerKind: owner.kind,
          prefix: created.prefix,
          expiresAt: created.expiresAt?.toISOString() ?? null,
          rateLimitPerMinute: created.rateLimitPerMinute,
        },
      });
      return created;
    },
    { batched: true },
  );
  const createdBy = actor.type === "USER" ? { name: actor.name } : null;
  return { ...toTokenDto({ ...row, lastUsedAt: null, revokedAt: null, createdBy, owner }), token };
}

export async function listApiTokens(actor: Actor): Promise<{ data: TokenDto[] }> {
  requirePermission(actor, "tokens:manage");
  const rows = await db().apiToken.findMany({ orderBy: { createdAt: "desc" }, include: TOKEN_INCLUDE, take: 500 });
  return { data: rows.map(toTokenDto) };
}

export async function revokeApiToken(actor: Actor, id: string): Promise<TokenDto> {
  requirePermission(actor, "tokens:manage");
  const now = new Date();
  await transaction(async (tx) => {
    const revoked = await tx.updateReturning("ApiToken", { revokedAt: now }, sql`"id" = ${id} AND "revokedAt" IS NULL`);
    if (revoked.length === 0) {
      const [current] = await tx.query<{ revokedAt: Date | null }>(sql`SELECT "revokedAt" FROM "ApiToken" WHERE "id" = ${id}`);
      if (!current) throw new AppError("NOT_FOUND", "Token not found.");
      throw new AppError("CONFLICT", "This token is already revoked.", { details: { revokedAt: current.revokedAt?.toISOString() } });
    }
    tx.audit(actor, { action: "token.revoked", subjectType: "token", subjectId: id, before: { revokedAt: null }, after: { revokedAt: now.toISOString() } });
  });
  const row = await db().apiToken.findUniqueOrThrow({ where: { id }, include: TOKEN_INCLUDE });
  return toTokenDto(row);
}

export async function getMe(actor: Actor): Promise<MeDto> {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only people have a profile.");
  const [user, scope] = await Promise.all([findUserById(actor.id), loadUserScope(actor.id)]);
  if (!user) throw new AppError("UNAUTHENTICATED", "Your account no longer exists.");
  const [mine, group, infoRequested, askedOfMe, unreadNotifications] = await Promise.all([
    db().task.count({ where: { assigneeId: user.id, status: "OPEN" } }),
    db().task.count({ where: { assigneeId: null, status: "OPEN", candidateGroupId: { in: scope.groupIds } } }),
    db().task.count({ where: { assigneeId: user.id, status: "INFO_REQUESTED" } }),
    db().task.count({ where: { infoRequestedOfId: user.id, status: "INFO_REQUESTED" } }),
    db().notification.count({ where: { userId: user.id, readAt: null, inApp: true } }),
  ]);
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    permissions: [...actor.permissions],
    groups: scope.groups,
    skills: user.skills,
    counts: { mine, group, infoRequested, askedOfMe, unreadNotifications },
    settings: { shortcutsEnabled: user.shortcutsEnabled, timeZone: user.timeZone },
  };
}

export async function getMySettings(actor: Actor): Promise<UserSettings> {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only people have settings.");
  const user = await db().user.findUnique({ where: { id: actor.id }, select: { shortcutsEnabled: true, timeZone: true } });
  if (!user) throw new AppError("UNAUTHENTICATED", "Your account no longer exists.");
  return user;
}

/** Changes the signed-in person's own preferences (personal state: not audited, like saved filters). */
export async function updateMySettings(actor: Actor, input: unknown): Promise<UserSettings> {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only people have settings.");
  const parsed = updateUserSettingsSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, "Settings");
  const [user] = await transaction((tx) => tx.updateReturning("User", parsed.data, sql`"id" = ${actor.id}`));
  if (!user) throw new AppError("UNAUTHENTICATED", "Your account no longer exists.");
  return { shortcutsEnabled: user.shortcutsEnabled, timeZone: user.timeZone };
}
