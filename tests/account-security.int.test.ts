// Account security (issue #20, ADR 037): password reset by e-mail through a real SMTP server on
// loopback (one-time, time-limited, no enumeration, sessions end), and the TOTP second factor
// (enrolment, the code window and replay, recovery codes, turning it off, the admin's requirement,
// re-encryption after a key rotation).
import { generate, generateSecret } from "otplib";
import { afterAll, describe, expect, it } from "vitest";
import { startSmtpServer } from "@/e2e/helpers/smtp";
import { createUser, userActor } from "@/prisma/factories";
import { db, uid } from "./helpers";

const smtp = await startSmtpServer();
const saved = { SMTP_URL: process.env.SMTP_URL, AUTH_URL: process.env.AUTH_URL, BATON_SECRETS_KEY_PREVIOUS: process.env.BATON_SECRETS_KEY_PREVIOUS };
// The key BATON_SECRETS_KEY replaced (a rotation in progress), for secrets:rekey.
const PREVIOUS_KEY = "6f6c642d746f74702d6b65792d6265666f72652d726f746174696f6e2d313233";
Object.assign(process.env, { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, AUTH_URL: "https://baton.example.test", BATON_SECRETS_KEY_PREVIOUS: PREVIOUS_KEY });

const { requestPasswordReset, resetPassword } = await import("@/lib/account/password-reset");
const { confirmTotpEnrolment, disableTotp, reencryptTotpSecrets, secondFactorAtSignIn, startTotpEnrolment, totpStatus } = await import("@/lib/account/totp");
const { keyFrom, open, seal } = await import("@/lib/secrets/crypto");
const { env } = await import("@/lib/env");
const { getSignInPolicy, setSignInPolicy } = await import("@/lib/account/policy");
const { authenticateWithPassword } = await import("@/lib/identity/service");
const { systemActor } = await import("@/prisma/factories");

afterAll(async () => {
  await smtp.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
const actions = async (subjectId: string) => (await db().auditEntry.findMany({ where: { subjectId }, orderBy: { seq: "asc" } })).map((e) => e.action);

async function mailTo(email: string, timeoutMs = 5000): Promise<string> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    const mail = smtp.received.find((m) => m.to.includes(email));
    if (mail) return mail.text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no e-mail to ${email}`);
}
const tokenIn = (text: string) => /\/reset-password#token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? null;

describe("password reset by e-mail", () => {
  it("e-mails a one-time link; the new password works, the old one not, and every session ends", async () => {
    const person = await createUser(db(), { email: `reset-${uid()}@test.local` });
    const answer = await requestPasswordReset({ email: person.email.toUpperCase() }, { ip: ip() });
    const text = await mailTo(person.email);
    expect(text).toContain("https://baton.example.test/reset-password#token=");
    const token = tokenIn(text)!;
    // Only the hash is stored.
    const stored = await db().passwordResetToken.findFirstOrThrow({ where: { userId: person.id } });
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);

    const before = Date.now();
    await expect(resetPassword({ token, password: "a brand new secret" }, { ip: ip() })).resolves.toEqual({ reset: true, email: person.email });
    const after = await db().user.findUniqueOrThrow({ where: { id: person.id } });
    expect(after.sessionsValidAfter!.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect((await authenticateWithPassword({ email: person.email, password: "a brand new secret" }, { ip: ip() })).ok).toBe(true);
    expect((await authenticateWithPassword({ email: person.email, password: "baton-demo" }, { ip: ip() })).ok).toBe(false);
    // Single use.
    await expect(resetPassword({ token, password: "yet another secret" }, { ip: ip() })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(answer.accepted).toBe(true);
    expect(await actions(person.id)).toEqual(expect.arrayContaining(["user.password_reset_requested", "user.password_reset"]));
  });

  it("an expired link is refused", async () => {
    const person = await createUser(db(), { email: `expired-${uid()}@test.local` });
    await requestPasswordReset({ email: person.email }, { ip: ip() });
    const token = tokenIn(await mailTo(person.email))!;
    await db().passwordResetToken.updateMany({ where: { userId: person.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(resetPassword({ token, password: "too late for this" }, { ip: ip() })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await authenticateWithPassword({ email: person.email, password: "baton-demo" }, { ip: ip() })).ok).toBe(true);
  });

  it("answers the same for an unknown address and a single-sign-on-only person, and e-mails neither", async () => {
    const known = await createUser(db(), { email: `known-${uid()}@test.local` });
    const sso = await createUser(db(), { email: `sso-${uid()}@test.local` });
    await db().user.update({ where: { id: sso.id }, data: { passwordHash: "!sso" } });
    const unknown = `nobody-${uid()}@test.local`;
    const answers = [];
    for (const email of [known.email, unknown, sso.email]) answers.push(await requestPasswordReset({ email }, { ip: ip() }));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    await mailTo(known.email);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received.some((m) => m.to.includes(unknown) || m.to.includes(sso.email))).toBe(false);
    expect(await actions(unknown)).toEqual(["user.password_reset_refused"]);
    expect(await db().passwordResetToken.count({ where: { userId: sso.id } })).toBe(0);
  });

  it("throttles an address silently: at most three e-mails a quarter hour (a flood from one client: tests/rate-limit.int.test.ts)", async () => {
    const person = await createUser(db(), { email: `flood-${uid()}@test.local` });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await requestPasswordReset({ email: person.email }, { ip: ip() }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await db().passwordResetToken.count({ where: { userId: person.id } })).toBe(3);
  });
});

describe("TOTP second factor", () => {
  async function enrolled() {
    const person = await createUser(db(), { email: `totp-${uid()}@test.local` });
    const actor = userActor(person);
    const start = await startTotpEnrolment(actor);
    expect(start.otpauthUri).toMatch(/^otpauth:\/\/totp\/Baton:.+\?.*secret=/);
    expect(start.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    // The secret is encrypted at rest.
    const row = await db().userTotp.findUniqueOrThrow({ where: { userId: person.id } });
    expect(Buffer.from(row.secretCiphertext).toString("utf8")).not.toContain(start.secret);
    await expect(confirmTotpEnrolment(actor, { code: "000000" === (await generate({ secret: start.secret })) ? "111111" : "000000" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    // Confirmed with the previous step's code (clock drift), so the current one is still unused.
    const confirmed = await confirmTotpEnrolment(actor, { code: await generate({ secret: start.secret, epoch: Math.floor(Date.now() / 1000) - 30 }) });
    return { person, actor, secret: start.secret, recoveryCodes: confirmed.recoveryCodes };
  }
  const signIn = (person: { email: string }, code?: string) => authenticateWithPassword({ email: person.email, password: "baton-demo", code }, { ip: ip() }, secondFactorAtSignIn);

  it("the password alone makes no session; a current code does, once (replay refused), an older one never", async () => {
    const { person, actor, secret, recoveryCodes } = await enrolled();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await totpStatus(actor)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    expect(await signIn(person)).toEqual({ ok: false, reason: "second_factor" });
    expect(await signIn(person, "123")).toMatchObject({ ok: false });
    const now = await generate({ secret });
    expect((await signIn(person, now)).ok).toBe(true);
    // The same code again within its window: refused.
    expect(await signIn(person, now)).toEqual({ ok: false, reason: "second_factor_invalid" });
    // The step before the accepted one: refused too.
    expect((await signIn(person, await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 30 }))).ok).toBe(false);
    // A code two steps away is outside the window.
    expect((await signIn(person, await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 90 }))).ok).toBe(false);
    expect(await actions(person.id)).toEqual(expect.arrayContaining(["user.totp_enrolment_started", "user.totp_enabled", "user.login", "user.login_failed"]));
  });

  it("recovery codes work once each, with or without dashes, and are audited", async () => {
    const { person, actor, recoveryCodes } = await enrolled();
    const code = recoveryCodes[3]!;
    expect((await signIn(person, code.replace(/-/g, "").toUpperCase())).ok).toBe(true);
    expect(await signIn(person, code)).toEqual({ ok: false, reason: "second_factor_invalid" });
    expect((await totpStatus(actor)).recoveryCodesLeft).toBe(9);
    const stored = await db().recoveryCode.findMany({ where: { userId: person.id } });
    expect(stored.some((r) => r.codeHash.includes(code.replace(/-/g, "")))).toBe(false);
    const used = await db().auditEntry.findFirstOrThrow({ where: { subjectId: person.id, action: "user.recovery_code_used" } });
    expect(used.after).toMatchObject({ recoveryCodesLeft: 9 });
  });

  it("turning it off needs the password and a code", async () => {
    const { person, actor, recoveryCodes } = await enrolled();
    await expect(disableTotp(actor, { password: "wrong password", code: recoveryCodes[0] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(disableTotp(actor, { password: "baton-demo", code: "nope-nope" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await totpStatus(actor)).enabled).toBe(true);
    expect(await disableTotp(actor, { password: "baton-demo", code: recoveryCodes[1] })).toMatchObject({ enabled: false });
    expect(await db().recoveryCode.count({ where: { userId: person.id } })).toBe(0);
    expect((await signIn(person)).ok).toBe(true);
    expect(await actions(person.id)).toContain("user.totp_disabled");
  });

  it("secrets:rekey re-encrypts a secret left under the previous key; the codes of the person's app keep working", async () => {
    const person = await createUser(db(), { email: `rekey-${uid()}@test.local` });
    const secret = generateSecret();
    const sealed = seal(`totp:${person.id}`, secret, keyFrom(PREVIOUS_KEY)!);
    await db().userTotp.create({
      data: { userId: person.id, secretCiphertext: sealed.ciphertext, secretIv: sealed.iv, secretAuthTag: sealed.authTag, secretKeyId: sealed.keyId, confirmedAt: new Date() },
    });
    const current = keyFrom(env().BATON_SECRETS_KEY)!;
    expect(sealed.keyId).not.toBe(current.id);

    const first = await reencryptTotpSecrets();
    expect(first.reencrypted).toBeGreaterThanOrEqual(1);
    const row = await db().userTotp.findUniqueOrThrow({ where: { userId: person.id } });
    expect(row.secretKeyId).toBe(current.id);
    // Readable with the current key alone: the previous one can be retired.
    expect(open(`totp:${person.id}`, { ciphertext: row.secretCiphertext, iv: row.secretIv, authTag: row.secretAuthTag, keyId: row.secretKeyId }, [current, null])).toBe(secret);
    const [entry] = await db().auditEntry.findMany({ where: { action: "user.totp_reencrypted", subjectId: person.id } });
    expect(entry).toMatchObject({ actorName: "secrets:rekey", before: { keyId: sealed.keyId }, after: { keyId: current.id } });
    // Nothing left to do the second time.
    expect(await reencryptTotpSecrets()).toMatchObject({ reencrypted: 0 });
    expect((await signIn(person, await generate({ secret }))).ok).toBe(true);
  });

  it("an admin's requirement sends people without a second factor to set one up; it is audited", async () => {
    const before = await getSignInPolicy(systemActor());
    try {
      const member = await createUser(db(), { email: `policy-${uid()}@test.local`, role: "MEMBER" });
      const supervisor = await createUser(db(), { email: `policy-${uid()}@test.local`, role: "SUPERVISOR" });
      await setSignInPolicy(systemActor("policy test"), { mfaRequiredRoles: ["MEMBER"] });
      expect(await signIn(member)).toMatchObject({ ok: true, mustEnrolSecondFactor: true });
      expect(await signIn(supervisor)).not.toHaveProperty("mustEnrolSecondFactor");
      expect(await totpStatus(userActor(member))).toMatchObject({ required: true, enabled: false });
      const entry = await db().auditEntry.findFirstOrThrow({ where: { action: "signin_policy.changed", actorName: "policy test" }, orderBy: { seq: "desc" } });
      expect(entry.after).toMatchObject({ mfaRequiredRoles: ["MEMBER"] });
    } finally {
      await setSignInPolicy(systemActor(), before);
    }
  });
});
