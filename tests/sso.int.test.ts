// Single sign-on (lib/identity/sso.ts) against the real database: just-in-time people, linking by
// verified e-mail, role and groups from claims at every sign-in (audited when they change), and
// the refusals — a deactivated person, a service account, an unverified e-mail.
import { beforeAll, describe, expect, it } from "vitest";
import { createServiceAccount } from "@/lib/identity/service-accounts";
import { signInWithOidc, type SsoSettings } from "@/lib/identity/sso";
import { deactivatePerson } from "@/lib/people/lifecycle";
import { createGroup, createUser } from "@/prisma/factories";
import { db, makeTeam, uid, type Team } from "./helpers";

let team: Team;
let finance: { id: string; key: string };
let procurement: { id: string; key: string };
let settings: SsoSettings;
beforeAll(async () => {
  team = await makeTeam();
  finance = await createGroup(db(), {});
  procurement = await createGroup(db(), {});
  settings = {
    issuer: `https://idp-${uid()}.test`,
    roleClaim: "roles",
    roleMap: [["baton-leads", "SUPERVISOR"]],
    groupsClaim: "groups",
    groupMap: [
      ["Finance AP", finance.key],
      ["Procurement", procurement.key],
    ],
  };
});

const audit = (subjectId: string, action: string) => db().auditEntry.findMany({ where: { subjectId, action }, orderBy: { seq: "asc" } });
const groupKeys = async (userId: string) => (await db().groupMembership.findMany({ where: { userId }, include: { group: true } })).map((m) => m.group.key).sort();

describe("single sign-on", () => {
  it("creates the person at their first sign-in with the mapped role and groups, then follows the claims", async () => {
    const subject = `sub-${uid()}`;
    const email = `Rita.${uid()}@Example.com`;
    const first = await signInWithOidc({ subject, email, emailVerified: true, name: "Rita Ops", claims: { roles: ["baton-leads"], groups: ["Finance AP", "Unmapped"] } }, settings);
    expect(first.ok).toBe(true);
    const id = first.ok ? first.user.id : "";
    expect(await db().user.findUniqueOrThrow({ where: { id } })).toMatchObject({ email: email.toLowerCase(), name: "Rita Ops", role: "SUPERVISOR", kind: "PERSON", oidcIssuer: settings.issuer, oidcSubject: subject });
    expect(await groupKeys(id)).toEqual([finance.key]);
    expect(await audit(id, "user.sso_created")).toHaveLength(1);

    // The same claims again: nothing to change, nothing audited but the sign-in.
    await signInWithOidc({ subject, email, claims: { roles: ["baton-leads"], groups: ["Finance AP"] } }, settings);
    expect(await audit(id, "user.role_mapped")).toHaveLength(0);
    expect(await audit(id, "user.groups_mapped")).toHaveLength(1);
    expect(await audit(id, "user.login")).toHaveLength(2);

    // The provider moved her: role and groups follow, each change audited with before and after.
    const outside = await createGroup(db(), { memberIds: [id] });
    await signInWithOidc({ subject, email, claims: { roles: [], groups: ["Procurement"] } }, settings);
    expect((await db().user.findUniqueOrThrow({ where: { id } })).role).toBe("MEMBER");
    const [role] = await audit(id, "user.role_mapped");
    expect(role).toMatchObject({ before: { role: "SUPERVISOR" }, after: { role: "MEMBER" } });
    // Groups outside the map stay as administrators set them.
    expect(await groupKeys(id)).toEqual([outside.key, procurement.key].sort());
    expect((await audit(id, "user.groups_mapped")).at(-1)).toMatchObject({ before: { groups: [finance.key, outside.key].sort() }, after: { groups: [outside.key, procurement.key].sort() } });
  });

  it("links an existing person by their verified e-mail, never by an unverified one", async () => {
    const person = await createUser(db(), { name: "Maya" });
    const unverified = await signInWithOidc({ subject: `sub-${uid()}`, email: person.email, emailVerified: false, claims: {} }, settings);
    expect(unverified).toEqual({ ok: false, reason: "unverified_email" });
    expect((await db().user.findUniqueOrThrow({ where: { id: person.id } })).oidcSubject).toBeNull();
    const subject = `sub-${uid()}`;
    const linked = await signInWithOidc({ subject, email: person.email.toUpperCase(), emailVerified: true, claims: {} }, settings);
    expect(linked).toMatchObject({ ok: true, user: { id: person.id } });
    expect(await db().user.findUniqueOrThrow({ where: { id: person.id } })).toMatchObject({ oidcIssuer: settings.issuer, oidcSubject: subject });
    // Another identity with the same e-mail is someone else.
    expect(await signInWithOidc({ subject: `sub-${uid()}`, email: person.email, emailVerified: true, claims: {} }, settings)).toEqual({ ok: false, reason: "linked_elsewhere" });
  });

  it("refuses a deactivated person and a service account, with an audit entry and no change", async () => {
    const subject = `sub-${uid()}`;
    const email = `leaver-${uid()}@example.com`;
    const first = await signInWithOidc({ subject, email, claims: { roles: ["baton-leads"] } }, settings);
    const id = first.ok ? first.user.id : "";
    await deactivatePerson({ personId: id, reason: "left the company" }, team.as.admin);
    const refused = await signInWithOidc({ subject, email, claims: { roles: [] } }, settings);
    expect(refused).toEqual({ ok: false, reason: "deactivated" });
    expect((await db().user.findUniqueOrThrow({ where: { id } })).role).toBe("SUPERVISOR");
    expect(await audit(id, "user.login_refused")).toEqual([expect.objectContaining({ reason: "deactivated" })]);

    const sa = await createServiceAccount(team.as.admin, { name: `bridge-${uid()}` });
    const saEmail = (await db().user.findUniqueOrThrow({ where: { id: sa.id } })).email;
    expect(await signInWithOidc({ subject: `sub-${uid()}`, email: saEmail, claims: {} }, settings)).toEqual({ ok: false, reason: "service_account" });
    expect(await signInWithOidc({ subject: `sub-${uid()}`, email: null, claims: {} }, settings)).toEqual({ ok: false, reason: "no_email" });
  });
});
