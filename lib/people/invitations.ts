import { createHash, randomBytes } from "node:crypto";
import { NOW, isUniqueViolation, sql, transaction, type Tx } from "../db";
import { env } from "../env";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { hashPassword } from "../identity/passwords";
import { logger } from "../logger";
import { appUrl, sendSystemEmail } from "../notifications/email";
import { findUserDto } from "./repository";
import {
  invitationAcceptSchema,
  invitationLookupInputSchema,
  inviteInputSchema,
  type InvitationLookup,
  type InvitationResult,
} from "./schemas";
import { resolveGroups, resolveManager } from "./service";

// Inviting people by e-mail (issue #20, ADR 036). An administrator creates the person with their
// role, groups, skills and manager; the person gets a one-time link that expires. Only the
// SHA-256 of the link's token is stored, a resend revokes the earlier link, and the link is in the
// URL's fragment (#…) so it never reaches a server log or a Referer. The invite page asks for a
// password (the same hashing as every password) or, with single sign-on, sends them to it.
// The public endpoints answer the same "not valid" for an unknown, used, revoked or expired link
// and never take an e-mail address, so they reveal nothing about who has an account.

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * Looking up and accepting links, per client address (ApiRoute.clientRateLimit): plenty for a
 * team signing up behind one office address, not for a flood (accepting hashes a password).
 */
export const INVITATION_CLIENT_LIMIT = { bucket: "invitation", points: 30, windowS: 15 * 60 };
/** The password hash of someone invited who has not set one: never verifies. */
const NO_PASSWORD_YET = "!invited";

const tokenHash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

interface Issued {
  token: string;
  expiresAt: Date;
}

/** A fresh link for `userId`, revoking any earlier one still open. */
async function issueInvitation(tx: Tx, actor: Actor, userId: string): Promise<Issued> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  await tx.write(sql`UPDATE "Invitation" SET "revokedAt" = ${NOW} WHERE "userId" = ${userId} AND "acceptedAt" IS NULL AND "revokedAt" IS NULL`);
  await tx.insert("Invitation", { userId, tokenHash: tokenHash(token), invitedById: actor.id, invitedByName: actor.name, expiresAt, createdAt: new Date() });
  return { token, expiresAt };
}

/** The invitation e-mail (pure): who invites whom, the link, and until when it works. */
export function renderInvitationEmail(input: { name: string; invitedBy: string; url: string; expiresAt: Date; sso: string | null; passwordSignIn: boolean }) {
  const until = new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" }).format(input.expiresAt);
  const how = input.passwordSignIn
    ? input.sso
      ? `Open the link to set your password, or to sign in with ${input.sso}.`
      : "Open the link to set your password."
    : `Open the link to sign in with ${input.sso ?? "single sign-on"}.`;
  return {
    subject: "You are invited to Baton",
    text: [`Hello ${input.name},`, "", `${input.invitedBy} invited you to Baton. ${how}`, "", input.url, "", `The link works once, until ${until} UTC.`, "", "--", "If you did not expect this, ignore this e-mail: nothing happens without the link."].join("\n"),
  };
}

async function sendInvitation(person: { id: string; name: string; email: string }, invitedBy: string, issued: Issued): Promise<boolean> {
  if (!env().SMTP_URL) return false;
  const e = env();
  const mail = renderInvitationEmail({
    name: person.name,
    invitedBy,
    url: `${appUrl()}/invite#${issued.token}`,
    expiresAt: issued.expiresAt,
    sso: e.OIDC_ISSUER ? e.OIDC_NAME : null,
    passwordSignIn: e.PASSWORD_SIGNIN,
  });
  try {
    // The Message-ID is the link's hash: a mail server may drop a duplicate of the same message.
    await sendSystemEmail({ to: person.email, subject: mail.subject, text: mail.text, messageKey: `invitation.${tokenHash(issued.token).slice(0, 32)}`, headers: { "X-Baton-Invitation": person.id } });
    return true;
  } catch (err) {
    logger.warn({ err, userId: person.id }, "invitation e-mail not sent");
    return false;
  }
}

/** Invites a new person (users:manage): they exist at once (routable, in groups) and sign in once they accept. */
export async function invitePerson(actor: Actor, raw: unknown): Promise<InvitationResult> {
  requirePermission(actor, "users:manage");
  const input = parse(inviteInputSchema, raw, "Invitation");
  let issued: Issued;
  let userId: string;
  try {
    ({ issued, userId } = await transaction(async (tx) => {
      const [taken] = await tx.query<{ id: string }>(sql`SELECT "id" FROM "User" WHERE "email" = ${input.email}`);
      if (taken) throw new AppError("CONFLICT", "Someone with this e-mail address is already in Baton.", { fieldErrors: [{ path: "email", message: "already in Baton" }] });
      const groups = await resolveGroups(tx, input.groups);
      const archived = await tx.query<{ key: string }>(sql`SELECT "key" FROM "Group" WHERE "id" = ANY(${groups.map((g) => g.id)}::text[]) AND "archivedAt" IS NOT NULL`);
      if (archived.length) throw new AppError("VALIDATION_FAILED", `Group "${archived[0]!.key}" is archived.`, { fieldErrors: [{ path: "groups", message: "archived group" }] });
      const now = new Date();
      const skills = [...new Set(input.skills)].sort();
      const row = await tx.insert("User", { email: input.email, name: input.name, passwordHash: NO_PASSWORD_YET, role: input.role, kind: "PERSON", skills, createdAt: now, updatedAt: now });
      const manager = input.managerId ? await resolveManager(tx, row.id, input.managerId) : null;
      if (manager) await tx.update("User", { supervisorId: manager.id }, sql`"id" = ${row.id}`, { expect: 1 });
      if (groups.length) await tx.write(sql`INSERT INTO "GroupMembership" ("userId", "groupId", "createdAt") SELECT ${row.id}, g, ${NOW} FROM unnest(${groups.map((g) => g.id)}::text[]) AS g`);
      const issuedNow = await issueInvitation(tx, actor, row.id);
      tx.audit(actor, {
        action: "user.invited",
        subjectType: "user",
        subjectId: row.id,
        after: { email: input.email, name: input.name, role: input.role, groups: groups.map((g) => g.key), skills, manager, expiresAt: issuedNow.expiresAt.toISOString() },
      });
      return { issued: issuedNow, userId: row.id };
    }));
  } catch (err) {
    // Two administrators inviting the same address at once: the second is told, as above.
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", "Someone with this e-mail address is already in Baton.", { fieldErrors: [{ path: "email", message: "already in Baton" }] });
    throw err;
  }
  const user = (await findUserDto(userId))!;
  const emailSent = await sendInvitation(user, actor.name, issued);
  return { user, expiresAt: issued.expiresAt.toISOString(), emailSent };
}

/** The person as someone still to accept: 404 for nobody, 409 once they are in. */
async function lockInvitee(tx: Tx, userId: string): Promise<{ id: string; name: string; email: string; active: boolean }> {
  const [p] = await tx.query<{ id: string; name: string; email: string; active: boolean; passwordHash: string; lastLoginAt: Date | null; accepted: boolean }>(sql`
    SELECT u."id", u."name", u."email", u."active", u."passwordHash", u."lastLoginAt",
           EXISTS (SELECT 1 FROM "Invitation" i WHERE i."userId" = u."id" AND i."acceptedAt" IS NOT NULL) AS "accepted"
      FROM "User" u WHERE u."id" = ${userId} AND u."kind" = 'PERSON' FOR UPDATE OF u`);
  if (!p) throw new AppError("NOT_FOUND", "No such person.");
  if (p.accepted || p.lastLoginAt || p.passwordHash !== NO_PASSWORD_YET) throw new AppError("CONFLICT", `${p.name} has already joined: there is nothing to invite them to.`);
  return p;
}

/** A new link for someone who has not joined yet (users:manage); the earlier link stops working. */
export async function resendInvitation(actor: Actor, userId: string): Promise<InvitationResult> {
  requirePermission(actor, "users:manage");
  const { person, issued } = await transaction(async (tx) => {
    const p = await lockInvitee(tx, userId);
    if (!p.active) throw new AppError("CONFLICT", `${p.name} is deactivated: reactivate them first.`);
    const i = await issueInvitation(tx, actor, p.id);
    tx.audit(actor, { action: "user.invitation_resent", subjectType: "user", subjectId: p.id, after: { expiresAt: i.expiresAt.toISOString() } });
    return { person: p, issued: i };
  });
  const emailSent = await sendInvitation(person, actor.name, issued);
  return { user: (await findUserDto(userId))!, expiresAt: issued.expiresAt.toISOString(), emailSent };
}

/** Revokes the open link (users:manage). The person stays in the directory; deactivate them to remove them from work. */
export async function revokeInvitation(actor: Actor, userId: string): Promise<NonNullable<Awaited<ReturnType<typeof findUserDto>>>> {
  requirePermission(actor, "users:manage");
  await transaction(async (tx) => {
    const p = await lockInvitee(tx, userId);
    const open = await tx.query<{ id: string; expiresAt: Date }>(sql`
      UPDATE "Invitation" SET "revokedAt" = ${NOW} WHERE "userId" = ${p.id} AND "acceptedAt" IS NULL AND "revokedAt" IS NULL RETURNING "id", "expiresAt"`);
    if (!open.length) throw new AppError("CONFLICT", `${p.name} has no open invitation.`);
    tx.audit(actor, { action: "user.invitation_revoked", subjectType: "user", subjectId: p.id, before: { invitation: "pending" }, after: { invitation: "revoked" } });
  });
  return (await findUserDto(userId))!;
}

const NOT_VALID = () => new AppError("NOT_FOUND", "This invitation link is not valid any more. Ask your administrator for a new one.");

interface OpenInvitation {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: string;
  expiresAt: Date;
}

async function openInvitation(reader: { query: Tx["query"] }, token: string, lock = false): Promise<OpenInvitation> {
  const [i] = await reader.query<OpenInvitation>(sql`
    SELECT i."id", i."userId", u."name", u."email", u."role"::text AS "role", i."expiresAt"
      FROM "Invitation" i JOIN "User" u ON u."id" = i."userId"
     WHERE i."tokenHash" = ${tokenHash(token)} AND i."acceptedAt" IS NULL AND i."revokedAt" IS NULL
       AND i."expiresAt" > now() AND u."active" AND u."kind" = 'PERSON'
       ${lock ? sql`FOR UPDATE OF i, u` : sql``}`);
  if (!i) throw NOT_VALID();
  return i;
}

/** Public: what the invite page shows for a link still good (else 404, the same for every reason). */
export async function lookupInvitation(raw: unknown): Promise<InvitationLookup> {
  const { token } = parse(invitationLookupInputSchema, raw, "Invitation");
  const i = await transaction((tx) => openInvitation(tx, token));
  const e = env();
  return { name: i.name, email: i.email, expiresAt: i.expiresAt.toISOString(), passwordSignIn: e.PASSWORD_SIGNIN, sso: e.OIDC_ISSUER ? e.OIDC_NAME : null };
}

/** Public: the invitee sets their password with the link, once. Audited as the person themselves. */
export async function acceptInvitation(raw: unknown, meta: { ip?: string; userAgent?: string; requestId?: string } = {}): Promise<{ email: string }> {
  const { token, password } = parse(invitationAcceptSchema, raw, "Invitation");
  if (!env().PASSWORD_SIGNIN) throw new AppError("CONFLICT", "Password sign-in is switched off here: sign in with single sign-on instead.");
  // Hash before the transaction (it is slow on purpose); only a link still open is used.
  const passwordHash = await hashPassword(password);
  return transaction(async (tx) => {
    const i = await openInvitation(tx, token, true);
    await tx.update("Invitation", { acceptedAt: new Date() }, sql`"id" = ${i.id} AND "acceptedAt" IS NULL`, { expect: 1 });
    await tx.update("User", { passwordHash }, sql`"id" = ${i.userId}`, { expect: 1 });
    tx.audit(
      { type: "USER", id: i.userId, name: i.name, ip: meta.ip, userAgent: meta.userAgent, requestId: meta.requestId },
      { action: "user.invitation_accepted", subjectType: "user", subjectId: i.userId, before: { invitation: "pending" }, after: { invitation: "accepted", password: "set" } },
    );
    return { email: i.email };
  });
}
