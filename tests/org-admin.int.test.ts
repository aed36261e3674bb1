// The organisation in the browser (issue #20): inviting people by e-mail through a real SMTP
// server (one-time, expiring, hashed links; resend, revoke; no enumeration), administering groups
// (create, rename, supervisor, skills, members, archive) with before/after audit entries, and the
// org chart one level at a time.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpServer } from "@/e2e/helpers/smtp";
import { createUser } from "@/prisma/factories";
import { appError, db, makeTeam, uid, type Team } from "./helpers";

const smtp = await startSmtpServer();
const saved = { SMTP_URL: process.env.SMTP_URL, AUTH_URL: process.env.AUTH_URL, MAIL_FROM: process.env.MAIL_FROM };
Object.assign(process.env, { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, AUTH_URL: "https://baton.example.test", MAIL_FROM: "Baton <baton@example.test>" });

const { invitePerson, resendInvitation, revokeInvitation, lookupInvitation, acceptInvitation } = await import("@/lib/people/invitations");
const { authenticateWithPassword } = await import("@/lib/identity/service");
const { getUser, listUsers } = await import("@/lib/people/service");
const groups = await import("@/lib/people/groups");
const { orgChart } = await import("@/lib/people/org-chart");
const { createTask } = await import("@/lib/tasks");

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});
afterAll(async () => {
  await smtp.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const auditOf = (action: string, subjectId: string) => db().auditEntry.findMany({ where: { action, subjectId }, orderBy: { seq: "asc" } });
const linkIn = (to: string) => {
  const mail = smtp.received.filter((m) => m.to.includes(to)).at(-1);
  const link = /https:\/\/baton\.example\.test\/invite#([A-Za-z0-9_-]+)/.exec(mail?.text ?? "");
  return link?.[1];
};

describe("invitations", () => {
  it("invites by e-mail with role, groups, skills and manager; the link works once and sets a password", async () => {
    const email = `new-${uid()}@test.local`;
    const out = await invitePerson(team.as.admin, { name: "Nora New", email: email.toUpperCase(), role: "SUPERVISOR", groups: [team.group.key], skills: ["german"], managerId: team.users.supervisor.email });
    expect(out.emailSent).toBe(true);
    expect(out.user).toMatchObject({ email, role: "SUPERVISOR", skills: ["german"], manager: { id: team.users.supervisor.id }, invitation: { status: "pending" } });
    expect(out.user.groups.map((g) => g.key)).toEqual([team.group.key]);
    const token = linkIn(email)!;
    expect(token).toBeTruthy();
    // Only the hash is stored; the directory shows the person as invited.
    const row = await db().invitation.findFirstOrThrow({ where: { userId: out.user.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect((await listUsers(team.as.admin, { q: "Nora New" })).data[0]?.invitation?.status).toBe("pending");
    const [entry] = await auditOf("user.invited", out.user.id);
    expect(entry?.after).toMatchObject({ email, role: "SUPERVISOR", groups: [team.group.key], skills: ["german"] });

    // Nobody signs in before accepting.
    expect((await authenticateWithPassword({ email, password: "correct horse battery" })).ok).toBe(false);
    expect(await lookupInvitation({ token })).toMatchObject({ name: "Nora New", email, passwordSignIn: true, sso: null });
    expect((await appError(acceptInvitation({ token, password: "short" }))).code).toBe("VALIDATION_FAILED");
    expect(await acceptInvitation({ token, password: "correct horse battery" }, { ip: "203.0.113.9" })).toEqual({ email });
    expect((await authenticateWithPassword({ email, password: "correct horse battery" })).ok).toBe(true);
    const [accepted] = await auditOf("user.invitation_accepted", out.user.id);
    expect(accepted).toMatchObject({ actorType: "USER", actorId: out.user.id, ip: "203.0.113.9" });
    expect((await getUser(team.as.admin, out.user.id)).invitation).toBeNull();

    // Used once: the same answer as an unknown link; and there is nothing left to resend.
    expect((await appError(acceptInvitation({ token, password: "another good password" }))).code).toBe("NOT_FOUND");
    expect((await appError(lookupInvitation({ token: "x".repeat(43) }))).message).toBe((await appError(lookupInvitation({ token }))).message);
    expect((await appError(resendInvitation(team.as.admin, out.user.id))).code).toBe("CONFLICT");
  });

  it("resend replaces the link, revoke ends it, an expired link is refused, and only admins invite", async () => {
    const email = `later-${uid()}@test.local`;
    const { user } = await invitePerson(team.as.admin, { name: "Lee Later", email });
    const first = linkIn(email)!;
    const again = await resendInvitation(team.as.admin, user.id);
    const second = linkIn(email)!;
    expect(again.emailSent).toBe(true);
    expect(second).not.toBe(first);
    expect((await appError(lookupInvitation({ token: first }))).code).toBe("NOT_FOUND");
    expect((await lookupInvitation({ token: second })).email).toBe(email);

    expect((await revokeInvitation(team.as.admin, user.id)).invitation?.status).toBe("revoked");
    expect((await appError(acceptInvitation({ token: second, password: "correct horse battery" }))).code).toBe("NOT_FOUND");
    expect(await auditOf("user.invitation_resent", user.id)).toHaveLength(1);
    expect(await auditOf("user.invitation_revoked", user.id)).toHaveLength(1);

    await resendInvitation(team.as.admin, user.id);
    const third = linkIn(email)!;
    await db().invitation.updateMany({ where: { userId: user.id, revokedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await getUser(team.as.admin, user.id)).invitation?.status).toBe("expired");
    expect((await appError(acceptInvitation({ token: third, password: "correct horse battery" }))).code).toBe("NOT_FOUND");

    expect((await appError(invitePerson(team.as.admin, { name: "Twice", email }))).code).toBe("CONFLICT");
    expect((await appError(invitePerson(team.as.supervisor, { name: "Nope", email: `nope-${uid()}@test.local` }))).code).toBe("FORBIDDEN");
  });
});

describe("groups", () => {
  it("creates, renames, sets supervisor and skills, manages members, archives and restores — each audited", async () => {
    const key = `claims-${uid()}`;
    const g = await groups.createGroup(team.as.admin, { key, name: "Claims", supervisorId: team.users.supervisor.id, skills: ["motor", "home"] });
    expect(g).toMatchObject({ key, name: "Claims", skills: ["home", "motor"], supervisor: { id: team.users.supervisor.id }, memberCount: 0, archivedAt: null });
    expect((await appError(groups.createGroup(team.as.admin, { key, name: "Again" }))).code).toBe("CONFLICT");
    expect((await appError(groups.createGroup(team.as.admin, { key: "Bad Key!", name: "x" }))).code).toBe("VALIDATION_FAILED");

    const renamed = await groups.updateGroup(team.as.admin, key, { name: "Motor claims", skills: ["motor"], supervisorId: null, reason: "reorganised" });
    expect(renamed).toMatchObject({ name: "Motor claims", skills: ["motor"], supervisor: null });
    const [upd] = await auditOf("group.updated", g.id);
    expect(upd).toMatchObject({ before: { name: "Claims", skills: ["home", "motor"], supervisor: { id: team.users.supervisor.id } }, after: { name: "Motor claims", skills: ["motor"], supervisor: null }, reason: "reorganised" });

    const added = await groups.addGroupMembers(team.as.admin, key, { people: [team.users.alice.email, team.users.bob.id] });
    expect(added.memberCount).toBe(2);
    const members = await groups.listGroupMembers(team.as.alice, key, { limit: 1 });
    expect(members.data).toHaveLength(1);
    expect(members.nextCursor).not.toBeNull();
    const rest = await groups.listGroupMembers(team.as.alice, key, { limit: 1, cursor: members.nextCursor! });
    expect([members.data[0]!.id, rest.data[0]!.id].sort()).toEqual([team.users.alice.id, team.users.bob.id].sort());
    expect((await groups.removeGroupMember(team.as.admin, key, team.users.bob.id)).memberCount).toBe(1);
    expect((await auditOf("group.members_added", g.id))[0]?.after).toMatchObject({ memberCount: 2 });
    expect(await auditOf("group.member_removed", g.id)).toHaveLength(1);

    // Archiving waits for the queue to empty; an archived group takes no new work and leaves the list.
    const t = await createTask(team.as.admin, { title: `Claim ${uid()}`, candidateGroup: key });
    expect((await appError(groups.archiveGroup(team.as.admin, key))).code).toBe("CONFLICT");
    await db().task.update({ where: { id: t.id }, data: { status: "CANCELLED" } });
    expect((await groups.archiveGroup(team.as.admin, key, { reason: "merged" })).archivedAt).not.toBeNull();
    expect((await appError(createTask(team.as.admin, { title: "x", candidateGroup: key }))).code).toBe("VALIDATION_FAILED");
    expect((await groups.listGroups(team.as.alice, { q: key })).data).toHaveLength(0);
    expect((await groups.listGroups(team.as.alice, { q: key, status: "archived" })).data.map((x) => x.key)).toEqual([key]);
    expect((await appError(groups.updateGroup(team.as.admin, key, { name: "x" }))).code).toBe("CONFLICT");
    expect((await groups.restoreGroup(team.as.admin, key)).archivedAt).toBeNull();
    expect(await auditOf("group.archived", g.id)).toHaveLength(1);
    expect(await auditOf("group.restored", g.id)).toHaveLength(1);

    expect((await appError(groups.createGroup(team.as.supervisor, { key: `x-${uid()}`, name: "x" }))).code).toBe("FORBIDDEN");
  });
});

describe("org chart", () => {
  it("opens one level at a time with open load and number of reports; search shows the chain of managers", async () => {
    const prisma = db();
    const tag = uid();
    const top = await createUser(prisma, { name: `Top ${tag}` });
    const mid = await createUser(prisma, { name: `Mid ${tag}`, supervisorId: top.id });
    const [a, b] = await Promise.all([createUser(prisma, { name: `Leaf A ${tag}`, supervisorId: mid.id }), createUser(prisma, { name: `Leaf B ${tag}`, supervisorId: mid.id })]);
    await createTask(team.as.admin, { title: `For A ${tag}`, assignee: a.id });
    await createTask(team.as.admin, { title: `For A too ${tag}`, assignee: a.id });

    const level1 = await orgChart(team.as.alice, { manager: top.id });
    expect(level1.data).toEqual([expect.objectContaining({ id: mid.id, reports: 2, openLoad: 0, path: [] })]);
    const level2 = await orgChart(team.as.alice, { manager: mid.id, limit: 1 });
    expect(level2.data[0]).toMatchObject({ id: a.id, openLoad: 2, reports: 0 });
    const next = await orgChart(team.as.alice, { manager: mid.id, limit: 1, cursor: level2.nextCursor! });
    expect(next.data.map((n) => n.id)).toEqual([b.id]);
    expect(next.nextCursor).toBeNull();
    const roots = await orgChart(team.as.alice, { q: `Top ${tag}` });
    expect(roots.data.map((n) => n.id)).toEqual([top.id]);
    const found = await orgChart(team.as.alice, { q: `Leaf B ${tag}` });
    expect(found.data[0]!.path.map((p) => p.id)).toEqual([top.id, mid.id]);
  });
});
