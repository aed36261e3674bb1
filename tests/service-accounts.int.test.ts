// Service accounts are edited and deactivated through PATCH /api/v1/service-accounts/{id} (issue
// #18): grants, groups, name and role, each change audited with before and after; deactivation
// stops every token of the account at once; bad input changes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { PATCH as patchRoute } from "@/app/api/v1/service-accounts/[id]/route";
import { GET as meTokensRoute } from "@/app/api/v1/tokens/route";
import { actorForToken, createApiToken } from "@/lib/identity/service";
import { createServiceAccount } from "@/lib/identity/service-accounts";
import { createGroup } from "@/prisma/factories";
import { db, makeTeam, tokenFor, uid, type Team } from "./helpers";

let team: Team;
let adminToken: string;
beforeAll(async () => {
  team = await makeTeam();
  adminToken = (await tokenFor(team, "ADMIN")).token;
});

async function patch(id: string, body: unknown, token = adminToken) {
  const res = await patchRoute(
    new Request(`http://localhost/api/v1/service-accounts/${id}`, { method: "PATCH", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }),
    { params: Promise.resolve({ id }) },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("PATCH /api/v1/service-accounts/{id}", () => {
  it("changes name, grants and groups, audited with before and after of what changed", async () => {
    const other = await createGroup(db(), { memberIds: [] });
    const sa = await createServiceAccount(team.as.admin, { name: `erp-${uid()}`, groups: [team.group.key], mayPostEvents: ["/erp com.acme.a"] });
    const name = `erp-renamed-${uid()}`;
    const res = await patch(sa.id, { name, groups: [other.key], mayStartProcesses: ["invoice-approval"], mayPostEvents: ["/erp com.acme.a", "/erp com.acme.b"] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sa.id, name, groups: [other.key], mayStartProcesses: ["invoice-approval"], mayPostEvents: ["/erp com.acme.a", "/erp com.acme.b"], active: true });
    expect(await db().groupMembership.count({ where: { userId: sa.id } })).toBe(1);
    const entry = await db().auditEntry.findFirstOrThrow({ where: { action: "service_account.updated", subjectId: sa.id } });
    expect(entry.before).toEqual({ name: sa.name, groups: [team.group.key], mayStartProcesses: [], mayPostEvents: ["/erp com.acme.a"] });
    expect(entry.after).toEqual({ name, groups: [other.key], mayStartProcesses: ["invoice-approval"], mayPostEvents: ["/erp com.acme.a", "/erp com.acme.b"] });
    // The token acts with the new grants on its next request.
    const { token } = await createApiToken(team.as.admin, { name: `t-${uid()}`, role: "MEMBER", owner: sa.id });
    expect((await actorForToken(token))!.owner!.grants).toEqual({ processes: ["invoice-approval"], events: ["/erp com.acme.a", "/erp com.acme.b"] });
  });

  it("deactivation stops its tokens at once (audited); reactivation lets them work again", async () => {
    const sa = await createServiceAccount(team.as.admin, { name: `crm-${uid()}` });
    const { token } = await createApiToken(team.as.admin, { name: `t-${uid()}`, role: "MEMBER", owner: sa.id });
    const call = async () => (await meTokensRoute(new Request("http://localhost/api/v1/tokens", { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) })).status;
    expect(await call()).toBe(403);
    expect((await patch(sa.id, { active: false })).body).toMatchObject({ active: false });
    expect(await call()).toBe(401);
    expect(await actorForToken(token)).toBeNull();
    expect(await db().auditEntry.findFirstOrThrow({ where: { action: "service_account.deactivated", subjectId: sa.id } })).toMatchObject({ before: { active: true }, after: { active: false } });
    await patch(sa.id, { active: true });
    expect(await actorForToken(token)).not.toBeNull();
    expect(await db().auditEntry.count({ where: { action: "service_account.reactivated", subjectId: sa.id } })).toBe(1);
  });

  it("bad input is a 4xx with a reason and changes nothing", async () => {
    const sa = await createServiceAccount(team.as.admin, { name: `bad-${uid()}`, mayPostEvents: ["/erp x"] });
    const taken = await createServiceAccount(team.as.admin, { name: `taken-${uid()}` });
    expect((await patch(sa.id, {})).status).toBe(422);
    expect((await patch(sa.id, { mayPostEvents: ["no-space"] })).status).toBe(422);
    expect((await patch(sa.id, { groups: ["no-such-group"] })).status).toBe(422);
    expect((await patch(sa.id, { kind: "PERSON" })).status).toBe(422);
    expect((await patch(sa.id, { name: taken.name })).status).toBe(409);
    expect((await patch(team.users.alice.id, { active: false })).status).toBe(404);
    expect((await patch("no-such-id", { active: false })).status).toBe(404);
    const row = await db().user.findUniqueOrThrow({ where: { id: sa.id } });
    expect(row).toMatchObject({ name: sa.name, mayPostEvents: ["/erp x"], active: true });
    expect((await db().user.findUniqueOrThrow({ where: { id: team.users.alice.id } })).active).toBe(true);
    expect(await db().auditEntry.count({ where: { subjectId: sa.id, action: { startsWith: "service_account." } } })).toBe(1);
  });
});
