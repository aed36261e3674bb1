import { createHash, randomBytes } from "node:crypto";
import { sql, transaction } from "../db";
import { env } from "../env";
import { AppError, parse } from "../errors";
import type { Actor } from "../identity/actor";
import { hashPassword } from "../identity/passwords";
import { findUserByEmail } from "../identity/repository";
import { announceSessionsEnded } from "../identity/sessions";
import { logger } from "../logger";
import { appUrl, sendSystemEmail } from "../notifications/email";
import { throttle } from "./throttle";
import { passwordResetRequestSchema, passwordResetSchema, type PasswordResetDoneDto, type PasswordResetRequestedDto } from "./schemas";

// Password reset by e-mail (issue #20, ADR 037). A random 256-bit token is e-mailed as a link; only
// its SHA-256 is stored, valid RESET_TTL_MIN minutes and spent by one guarded UPDATE. Asking never
// says whether the address has an account: the same answer, the same database work (one
// transaction with an audit entry) and no SMTP round trip in the request — the e-mail goes after
// the answer. Setting the new password ends every session of the person (sessionsValidAfter).

export const RESET_TTL_MIN = 30;
/**
 * Both reset routes, per client address (ApiRoute.clientRateLimit): a flood is refused openly with
 * 429, which says nothing about any address. Per address, requestPasswordReset sends at most three
 * e-mails a quarter hour, silently.
 */
export const PASSWORD_RESET_CLIENT_LIMIT = { bucket: "password-reset", points: 20, windowS: 15 * 60 };
const REQUESTED: PasswordResetRequestedDto = {
  accepted: true,
  message: "If an account with a password uses that address, we have e-mailed it a link to choose a new password. The link works once, for 30 minutes.",
};

type Meta = { ip?: string; userAgent?: string; requestId?: string };

const hashResetToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

const systemActor = (name: string, meta: Meta): Actor => ({ type: "SYSTEM", id: null, name, role: "ADMIN", permissions: new Set(), ...meta });

/** Password reset exists only while password sign-in does. */
function assertPasswordSignIn(): void {
  if (!env().PASSWORD_SIGNIN) throw new AppError("NOT_FOUND", "Password sign-in is switched off here: sign in with single sign-on.");
}

/** A person who signs in with a password: active, a person (not a service account), not single-sign-on only. */
export function hasUsablePassword(user: { active: boolean; kind: string; passwordHash: string }): boolean {
  return user.active && user.kind === "PERSON" && !user.passwordHash.startsWith("!");
}

/** "Forgot password": e-mails a one-time link when the address belongs to a person with a password; the answer is the same either way. */
export async function requestPasswordReset(input: unknown, meta: Meta = {}): Promise<PasswordResetRequestedDto> {
  assertPasswordSignIn();
  const { email } = parse(passwordResetRequestSchema, input, "Password reset");
  // Per address: a few e-mails a quarter hour, then silently none (the answer stays the same).
  const addressAllowed = await throttle("reset-address", email, 3, 15 * 60, { silent: true });
  const user = await findUserByEmail(email);
  const eligible = !!user && hasUsablePassword(user) && addressAllowed;
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + RESET_TTL_MIN * 60_000);
  const row = await transaction(
    async (tx) => {
      const actor = systemActor("password reset", meta);
      if (!eligible) {
        tx.audit(actor, { action: "user.password_reset_refused", subjectType: "user", subjectId: user?.id ?? email, reason: !user ? "no such account" : !addressAllowed ? "throttled" : "no password sign-in" });
        return null;
      }
      const created = await tx.insert("PasswordResetToken", { userId: user.id, tokenHash: hashResetToken(token), expiresAt });
      tx.audit(actor, { action: "user.password_reset_requested", subjectType: "user", subjectId: user.id, after: { expiresAt: expiresAt.toISOString() } });
      return created;
    },
    { batched: true },
  );
  if (row && user) void sendResetEmail(user, token, row.id);
  return REQUESTED;
}

async function sendResetEmail(user: { email: string; name: string }, token: string, rowId: string): Promise<void> {
  if (!env().SMTP_URL) {
    logger.warn({ subject: "password reset" }, "password reset not e-mailed: SMTP_URL is not set");
    return;
  }
  const link = `${appUrl()}/reset-password#token=${token}`;
  try {
    await sendSystemEmail({
      to: user.email,
      subject: "Reset your Baton password",
      messageKey: `password-reset.${rowId}`,
      text: [
        `Hello ${user.name},`,
        "",
        "Someone (we hope you) asked to reset the password of your Baton account. Choose a new one here:",
        "",
        link,
        "",
        `The link works once, for ${RESET_TTL_MIN} minutes. If you did not ask, ignore this e-mail: your password stays as it is.`,
      ].join("\n"),
    });
  } catch (err) {
    logger.error({ err: String(err) }, "password reset e-mail not sent");
  }
}

/** Sets a new password with a reset token: once, in time; every session of the person ends. */
export async function resetPassword(input: unknown, meta: Meta = {}): Promise<PasswordResetDoneDto> {
  assertPasswordSignIn();
  const data = parse(passwordResetSchema, input, "Password reset");
  const passwordHash = await hashPassword(data.password);
  const now = new Date();
  const spent = () =>
    new AppError("VALIDATION_FAILED", "This reset link has expired or was used already. Ask for a new one.", { fieldErrors: [{ path: "token", message: "expired or used" }] });
  const user = await transaction(async (tx) => {
    const [used] = await tx.updateReturning("PasswordResetToken", { usedAt: now }, sql`"tokenHash" = ${hashResetToken(data.token)} AND "usedAt" IS NULL AND "expiresAt" > ${now}`);
    if (!used) throw spent();
    const [person] = await tx.query<{ id: string; email: string; name: string; active: boolean; kind: string; passwordHash: string; sessionsValidAfter: Date | null }>(
      sql`SELECT "id", "email", "name", "active", "kind", "passwordHash", "sessionsValidAfter" FROM "User" WHERE "id" = ${used.userId} FOR UPDATE`,
    );
    // Deactivated (or moved to single sign-on) since the link was sent: the link is dead.
    if (!person || !hasUsablePassword(person)) throw spent();
    await tx.update("User", { passwordHash, sessionsValidAfter: now }, sql`"id" = ${person.id}`);
    // Any other link still out there dies with this one.
    await tx.update("PasswordResetToken", { usedAt: now }, sql`"userId" = ${person.id} AND "usedAt" IS NULL`);
    tx.audit(
      { type: "USER", id: person.id, name: person.name, ...meta },
      {
        action: "user.password_reset",
        subjectType: "user",
        subjectId: person.id,
        before: { sessionsValidAfter: person.sessionsValidAfter?.toISOString() ?? null },
        after: { passwordChanged: true, sessionsValidAfter: now.toISOString() },
      },
    );
    return person;
  });
  await announceSessionsEnded(user.id);
  return { reset: true, email: user.email };
}
