import { createHash, randomBytes } from "node:crypto";
import { generateSecret, generateURI, verify as verifyTotp } from "otplib";
import QRCode from "qrcode";
import { db, sql, transaction } from "../db";
import { env } from "../env";
import { AppError, parse } from "../errors";
import type { Actor } from "../identity/actor";
import { recordFailedLogin } from "../identity/login-throttle";
import { verifyPassword } from "../identity/passwords";
import type { RoleName } from "../identity/permissions";
import { keyFrom, open, seal, type SecretsKey } from "../secrets/crypto";
import { mfaRequiredFor } from "./policy";
import { throttle } from "./throttle";
import { confirmTotpSchema, disableTotpSchema, type TotpConfirmedDto, type TotpEnrolmentDto, type TotpStatusDto } from "./schemas";

// The TOTP second factor for password sign-in (RFC 6238: SHA-1, 6 digits, 30 s, as every
// authenticator app reads an otpauth URI), with otplib. The secret is sealed like a named secret
// (AES-256-GCM under BATON_SECRETS_KEY) with the person's id as additional data. A code is taken
// one step either side of now (clock drift) and only for a time step later than the last one
// accepted, so a code seen over someone's shoulder cannot be used again in its window.
// Ten recovery codes (80 random bits each) are shown once and kept as SHA-256 hashes.

const ISSUER = "Baton";
const TOLERANCE_S = 30;
const RECOVERY_CODES = 10;

type Meta = { ip?: string; userAgent?: string };
type Person = { id: string; name: string; email: string };

const nameOf = (userId: string) => `totp:${userId}`;
const hashCode = (code: string) => createHash("sha256").update(`baton-recovery\n${code}`, "utf8").digest("hex");
/** Recovery codes are typed with or without dashes and spaces, in any case. */
const normaliseRecovery = (code: string) => code.replace(/[\s-]/g, "").toLowerCase();

function keys(): { current: SecretsKey | null; previous: SecretsKey | null } {
  const e = env();
  return { current: keyFrom(e.BATON_SECRETS_KEY), previous: keyFrom(e.BATON_SECRETS_KEY_PREVIOUS) };
}

function requireKey(): SecretsKey {
  const k = keys().current;
  if (!k) throw new AppError("SERVICE_UNAVAILABLE", "Two-step sign-in needs BATON_SECRETS_KEY to keep its secrets encrypted; ask an administrator to set it.");
  return k;
}

function personOf(actor: Actor): string {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only people have a second factor.");
  return actor.id;
}

type TotpRow = { userId: string; secretCiphertext: Uint8Array; secretIv: Uint8Array; secretAuthTag: Uint8Array; secretKeyId: string; confirmedAt: Date | null; lastTimeStep: number | null };

function secretOf(row: TotpRow): string {
  const { current, previous } = keys();
  return open(nameOf(row.userId), { ciphertext: row.secretCiphertext, iv: row.secretIv, authTag: row.secretAuthTag, keyId: row.secretKeyId }, [current, previous]);
}

/** Checks a six-digit code; the time step it matched, or null. Replays (a step not after `after`) fail. */
async function matchCode(secret: string, code: string, after: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const r = await verifyTotp({ secret, token: code, epochTolerance: TOLERANCE_S, ...(after !== null ? { afterTimeStep: after } : {}) });
  return r.valid && "timeStep" in r ? r.timeStep : null;
}

function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomBytes(10).toString("hex"); // 80 bits, 20 hex digits
    return raw.match(/.{5}/g)!.join("-");
  });
}

export async function totpStatus(actor: Actor): Promise<TotpStatusDto> {
  const userId = personOf(actor);
  const [row, left, required] = await Promise.all([
    db().userTotp.findUnique({ where: { userId }, select: { confirmedAt: true } }),
    db().recoveryCode.count({ where: { userId, usedAt: null } }),
    mfaRequiredFor(actor.role as RoleName),
  ]);
  const enabled = !!row?.confirmedAt;
  return { enabled, enabledAt: row?.confirmedAt?.toISOString() ?? null, recoveryCodesLeft: enabled ? left : 0, required, passwordSignIn: env().PASSWORD_SIGNIN };
}

/** Starts (or restarts) an enrolment: a new secret, shown once as text and as a QR code. */
export async function startTotpEnrolment(actor: Actor): Promise<TotpEnrolmentDto> {
  const userId = personOf(actor);
  if (!env().PASSWORD_SIGNIN) throw new AppError("CONFLICT", "Password sign-in is off: your identity provider asks for your second factor.");
  const key = requireKey();
  const person = await db().user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  if (!person) throw new AppError("UNAUTHENTICATED", "Your account no longer exists.");
  if (person.passwordHash.startsWith("!")) throw new AppError("CONFLICT", "You sign in with single sign-on: your identity provider asks for your second factor.");
  const secret = generateSecret();
  const sealed = seal(nameOf(userId), secret, key);
  await transaction(async (tx) => {
    const rows = await tx.query<{ userId: string }>(sql`
      INSERT INTO "UserTotp" ("userId", "secretCiphertext", "secretIv", "secretAuthTag", "secretKeyId")
      VALUES (${userId}, ${Buffer.from(sealed.ciphertext)}, ${Buffer.from(sealed.iv)}, ${Buffer.from(sealed.authTag)}, ${sealed.keyId})
      ON CONFLICT ("userId") DO UPDATE SET "secretCiphertext" = EXCLUDED."secretCiphertext", "secretIv" = EXCLUDED."secretIv",
        "secretAuthTag" = EXCLUDED."secretAuthTag", "secretKeyId" = EXCLUDED."secretKeyId", "lastTimeStep" = NULL, "createdAt" = now()
      WHERE "UserTotp"."confirmedAt" IS NULL
      RETURNING "userId"`);
    if (rows.length === 0) throw new AppError("CONFLICT", "Two-step sign-in is already on. Turn it off first to move it to another app.");
    tx.audit(actor, { action: "user.totp_enrolment_started", subjectType: "user", subjectId: userId });
  });
  const otpauthUri = generateURI({ issuer: ISSUER, label: person.email, secret });
  const qrCode = `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(otpauthUri, { type: "svg", margin: 1, errorCorrectionLevel: "M" })).toString("base64")}`;
  return { secret, otpauthUri, qrCode };
}

/** Confirms an enrolment with a code from the app: the factor is on, and ten recovery codes are returned once. */
export async function confirmTotpEnrolment(actor: Actor, input: unknown): Promise<TotpConfirmedDto> {
  const userId = personOf(actor);
  const { code } = parse(confirmTotpSchema, input, "Confirmation");
  await throttle("totp-confirm", userId, 10, 15 * 60);
  const row = await db().userTotp.findUnique({ where: { userId } });
  if (!row || row.confirmedAt) throw new AppError("CONFLICT", row ? "Two-step sign-in is already on." : "Start the set-up first: scan the QR code, then enter a code.");
  const step = await matchCode(secretOf(row), code, null);
  if (step === null) throw new AppError("VALIDATION_FAILED", "That code does not match. Check the time on your phone and enter the code your app shows now.", { fieldErrors: [{ path: "code", message: "does not match" }] });
  const codes = newRecoveryCodes();
  const now = new Date();
  await transaction(async (tx) => {
    const done = await tx.updateReturning("UserTotp", { confirmedAt: now, lastTimeStep: step }, sql`"userId" = ${userId} AND "confirmedAt" IS NULL`);
    if (done.length === 0) throw new AppError("CONFLICT", "Two-step sign-in is already on.");
    await tx.write(sql`DELETE FROM "RecoveryCode" WHERE "userId" = ${userId}`);
    for (const c of codes) await tx.insert("RecoveryCode", { userId, codeHash: hashCode(normaliseRecovery(c)) });
    tx.audit(actor, { action: "user.totp_enabled", subjectType: "user", subjectId: userId, before: { enabled: false }, after: { enabled: true, recoveryCodes: RECOVERY_CODES } });
  });
  return { enabled: true, recoveryCodes: codes };
}

/** Turns the second factor off: the password and a code (or a recovery code) are both needed. */
export async function disableTotp(actor: Actor, input: unknown): Promise<TotpStatusDto> {
  const userId = personOf(actor);
  const data = parse(disableTotpSchema, input, "Turning off two-step sign-in");
  await throttle("totp-disable", userId, 10, 15 * 60);
  const person = await db().user.findUnique({ where: { id: userId }, select: { email: true, name: true, passwordHash: true } });
  if (!person) throw new AppError("UNAUTHENTICATED", "Your account no longer exists.");
  const passwordOk = await verifyPassword(person.passwordHash, data.password);
  const codeOk = passwordOk && (await verifySecondFactor({ id: userId, name: person.name, email: person.email }, data.code, { ip: actor.ip, userAgent: actor.userAgent })) === "ok";
  if (!passwordOk || !codeOk) {
    await recordFailedLogin(person.email, actor.ip);
    throw new AppError("VALIDATION_FAILED", "That password and code do not match.", { fieldErrors: [{ path: passwordOk ? "code" : "password", message: "does not match" }] });
  }
  await transaction(async (tx) => {
    const removed = await tx.query<{ userId: string }>(sql`DELETE FROM "UserTotp" WHERE "userId" = ${userId} RETURNING "userId"`);
    if (removed.length === 0) throw new AppError("CONFLICT", "Two-step sign-in is already off.");
    await tx.write(sql`DELETE FROM "RecoveryCode" WHERE "userId" = ${userId}`);
    tx.audit(actor, { action: "user.totp_disabled", subjectType: "user", subjectId: userId, before: { enabled: true }, after: { enabled: false } });
  });
  return totpStatus(actor);
}

/** Whether this person has a confirmed second factor. */
export async function hasSecondFactor(userId: string): Promise<boolean> {
  const row = await db().userTotp.findUnique({ where: { userId }, select: { confirmedAt: true } });
  return !!row?.confirmedAt;
}

/**
 * Checks a second-factor code at sign-in: a six-digit TOTP code (never the same time step twice)
 * or an unused recovery code (spent now, audited). "ok" or "invalid".
 */
export async function verifySecondFactor(person: Person, rawCode: string, meta: Meta = {}): Promise<"ok" | "invalid"> {
  const code = rawCode.trim();
  const row = await db().userTotp.findUnique({ where: { userId: person.id } });
  if (!row?.confirmedAt) return "invalid";
  if (/^\d{6}$/.test(code)) {
    const step = await matchCode(secretOf(row), code, row.lastTimeStep);
    if (step === null) return "invalid";
    // Two sign-ins racing with the same code: only one moves the step on.
    const moved = await transaction((tx) =>
      tx.updateReturning("UserTotp", { lastTimeStep: step }, sql`"userId" = ${person.id} AND ("lastTimeStep" IS NULL OR "lastTimeStep" < ${step})`),
    );
    return moved.length === 1 ? "ok" : "invalid";
  }
  const hash = hashCode(normaliseRecovery(code));
  const now = new Date();
  return transaction(async (tx) => {
    const [used] = await tx.updateReturning("RecoveryCode", { usedAt: now }, sql`"userId" = ${person.id} AND "codeHash" = ${hash} AND "usedAt" IS NULL`);
    if (!used) return "invalid" as const;
    const [left] = await tx.query<{ n: number }>(sql`SELECT count(*)::int AS "n" FROM "RecoveryCode" WHERE "userId" = ${person.id} AND "usedAt" IS NULL`);
    tx.audit({ type: "USER", id: person.id, name: person.name, ...meta }, { action: "user.recovery_code_used", subjectType: "user", subjectId: person.id, after: { recoveryCodesLeft: left?.n ?? 0 } });
    return "ok" as const;
  });
}

/**
 * The second step of a password sign-in (authenticateWithPassword's SecondFactorCheck): with a
 * second factor, a good code is needed; without one, the policy may send the person to set one up.
 */
export async function secondFactorAtSignIn(
  person: Person & { role: RoleName },
  code: string | undefined,
  meta: Meta = {},
): Promise<"ok" | "required" | "invalid" | "enrol"> {
  if (await hasSecondFactor(person.id)) {
    if (!code) return "required";
    return verifySecondFactor(person, code, meta);
  }
  return (await mfaRequiredFor(person.role)) ? "enrol" : "ok";
}

/**
 * After BATON_SECRETS_KEY changed (the old key kept as BATON_SECRETS_KEY_PREVIOUS): re-encrypts
 * every TOTP secret not under the current key, so the previous key can be retired. Each row is
 * changed only if it is still the one read (a person re-enrolling meanwhile keeps their new
 * secret) and audited like a named secret's re-encryption. `npm run secrets:rekey`.
 */
export async function reencryptTotpSecrets(): Promise<{ reencrypted: number; alreadyCurrent: number }> {
  const key = requireKey();
  const rows = await db().userTotp.findMany();
  let reencrypted = 0;
  for (const row of rows) {
    if (row.secretKeyId === key.id) continue;
    const sealed = seal(nameOf(row.userId), secretOf(row), key);
    await transaction(async (tx) => {
      const changed = await tx.updateReturning(
        "UserTotp",
        { secretCiphertext: sealed.ciphertext, secretIv: sealed.iv, secretAuthTag: sealed.authTag, secretKeyId: sealed.keyId },
        sql`"userId" = ${row.userId} AND "secretKeyId" = ${row.secretKeyId} AND "secretCiphertext" = ${Buffer.from(row.secretCiphertext)}`,
      );
      if (changed.length !== 1) return;
      tx.audit({ type: "SYSTEM", id: null, name: "secrets:rekey" }, {
        action: "user.totp_reencrypted",
        subjectType: "user",
        subjectId: row.userId,
        before: { keyId: row.secretKeyId },
        after: { keyId: key.id },
      });
      reencrypted++;
    });
  }
  return { reencrypted, alreadyCurrent: rows.length - reencrypted };
}
