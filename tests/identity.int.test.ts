import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { actorForToken, authenticateWithPassword, createApiToken, hashToken, listApiTokens, revokeApiToken } from "@/lib/identity/service";
import { redis, redisKey } from "@/lib/redis";
import { createUser, DEMO_PASSWORD } from "@/prisma/factories";
import { db, makeTeam, uid, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

describe("password sign-in", () => {
  it("accepts the right password (e-mail case-insensitive) and records the login", async () => {
    const user = await createUser(db(), { email: `login-${uid()}@test.local` });
    const result = await authenticateWithPassword({ email: user.email.toUpperCase(), password: DEMO_PASSWORD });
    expect(result).toEqual({ ok: true, user: { id: user.id, email: user.email, name: user.name, role: "MEMBER" } });
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt).toBeInstanceOf(Date);
    expect(await db().auditEntry.count({ where: { action: "user.login", subjectId: user.id } })).toBe(1);
  });

  it("refuses a wrong password, an unknown e-mail and an inactive user the same way", async () => {
    const user = await createUser(db(), { email: `wrong-${uid()}@test.local` });
    expect(await authenticateWithPassword({ email: user.email, password: "nope" })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticateWithPassword({ email: `ghost-${uid()}@test.local`, password: DEMO_PASSWORD })).toEqual({ ok: false, reason: "invalid" });
    const inactive = await createUser(db(), { email: `inactive-${uid()}@test.local` });
    await db().user.update({ where: { id: inactive.id }, data: { active: false } });
    expect(await authenticateWithPassword({ email: inactive.email, password: DEMO_PASSWORD })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticateWithPassword({ email: "not-an-email", password: "x" })).toEqual({ ok: false, reason: "invalid" });
    expect(await db().auditEntry.count({ where: { action: "user.login_failed", subjectId: user.id } })).toBe(1);
  });

  it("locks the e-mail after 5 failures; the right password is refused while locked", async () => {
    const user = await createUser(db(), { email: `throttle-${uid()}@test.local` });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await authenticateWithPassword({ email: user.email, password: `wrong-${i}` }));
    expect(results.slice(0, 4).every((r) => !r.ok && r.reason === "invalid")).toBe(true);
    expect(results[4]).toEqual({ ok: false, reason: "locked", retryAfterS: 30 });

    const whileLocked = await authenticateWithPassword({ email: user.email, password: DEMO_PASSWORD });
    expect(whileLocked).toMatchObject({ ok: false, reason: "locked" });
    expect(whileLocked.ok ? 0 : whileLocked.retryAfterS).toBeGreaterThan(0);
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt).toBeNull();

    // The lock lives in this run's Redis prefix; once it lapses, the right password works and resets the count.
    const lockKey = redisKey("login-lock", user.email, createHash("sha256").update("unknown").digest("hex").slice(0, 32));
    expect(lockKey.startsWith(`${process.env.REDIS_PREFIX}:`)).toBe(true);
    expect(await redis().pttl(lockKey)).toBeGreaterThan(0);
    await redis().del(lockKey);
    expect(await authenticateWithPassword({ email: user.email, password: DEMO_PASSWORD })).toMatchObject({ ok: true });
    expect(await redis().exists(redisKey("login-fail", user.email, createHash("sha256").update("unknown").digest("hex").slice(0, 32)))).toBe(0);
  });

  it("the lock is per e-mail", async () => {
    const [a, b] = await Promise.all([createUser(db(), { email: `a-${uid()}@test.local` }), createUser(db(), { email: `b-${uid()}@test.local` })]);
    for (let i = 0; i < 5; i++) await authenticateWithPassword({ email: a.email, password: "wrong" });
    expect(await authenticateWithPassword({ email: b.email, password: DEMO_PASSWORD })).toMatchObject({ ok: true });
  });
});

describe("API tokens", () => {
  it("stores only a hash; the actor carries the token's role", async () => {
    const created = await createApiToken(team.as.admin, { name: `erp-${uid()}`, role: "SUPERVISOR" });
    expect(created.token).toMatch(/^bat_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    const row = await db().apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(await db().auditEntry.count({ where: { action: "token.created", subjectId: created.id } })).toBe(1);

    const actor = await actorForToken(created.token);
    expect(actor).toMatchObject({ type: "TOKEN", id: created.id, role: "SUPERVISOR" });
    expect(actor?.permissions.has("tasks:create")).toBe(true);
    expect(actor?.permissions.has("tokens:manage")).toBe(false);
  });

  it("only admins manage tokens; validation errors are 422", async () => {
    await expect(createApiToken(team.as.supervisor, { name: "x", role: "ADMIN" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createApiToken(team.as.admin, { name: "", role: "GOD" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(listApiTokens(team.as.alice)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("revoking works once and the token stops authenticating", async () => {
    const created = await createApiToken(team.as.admin, { name: `revoke-${uid()}`, role: "MEMBER" });
    const revoked = await revokeApiToken(team.as.admin, created.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await actorForToken(created.token)).toBeNull();
    await expect(revokeApiToken(team.as.admin, created.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(revokeApiToken(team.as.admin, "no-such-token")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db().apiToken.count({ where: { id: created.id } })).toBe(1);
  });
});
