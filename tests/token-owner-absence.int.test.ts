// API tokens of covered people (issue #20, ADR 053): while a person is out of office with a
// delegate, their tokens keep acting for them — with their own rights, never the delegate's — and
// the token list says they are away; the work that moved to the delegate is the delegate's to
// decide. Deactivation ends the tokens at once and reactivation does not bring them back.
// Through the real route handlers, with Bearer tokens.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as taskRoute } from "@/app/api/v1/tasks/[id]/route";
import { POST as decideRoute } from "@/app/api/v1/tasks/[id]/decision/route";
import { GET as listTasksRoute } from "@/app/api/v1/tasks/route";
import { GET as tokensRoute } from "@/app/api/v1/tokens/route";
import { POST as deactivateRoute } from "@/app/api/v1/users/[id]/deactivate/route";
import { POST as reactivateRoute } from "@/app/api/v1/users/[id]/reactivate/route";
import { createApiToken } from "@/lib/identity/service";
import type { TokenDto } from "@/lib/identity/schemas";
import { createTask } from "@/lib/tasks";
import { setMyOutOfOffice } from "@/lib/team/my-out-of-office";
import { createUser, userActor } from "@/prisma/factories";
import { cliActor, db, makeTeam, tokenFor, uid, type Team } from "./helpers";

let team: Team;
let adminToken: string;
beforeAll(async () => {
  team = await makeTeam();
  adminToken = (await tokenFor(team, "ADMIN")).token;
});

function call<P>(route: (req: Request, ctx: { params: Promise<P> }) => Promise<Response>, path: string, token: string, opts: { body?: unknown; params?: P } = {}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const req = new Request(`http://localhost/api/v1${path}`, { method: opts.body !== undefined ? "POST" : "GET", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  return route(req, { params: Promise.resolve((opts.params ?? {}) as P) });
}

async function tokenRow(id: string): Promise<TokenDto> {
  const res = await call(tokensRoute, "/tokens", adminToken);
  expect(res.status).toBe(200);
  const row = ((await res.json()) as { data: TokenDto[] }).data.find((t) => t.id === id);
  expect(row).toBeDefined();
  return row!;
}

describe("API tokens of a person out of office", () => {
  it("keep acting for the person with their own rights; the moved work is the delegate's; the list shows the absence", async () => {
    const prisma = db();
    const [away, delegate] = await Promise.all([createUser(prisma, { name: `Away ${uid()}` }), createUser(prisma, { name: `Delegate ${uid()}` })]);
    const awayToken = await createApiToken(cliActor, { name: `away-${uid()}`, role: "MEMBER", owner: away.id });
    const delegateToken = await createApiToken(cliActor, { name: `delegate-${uid()}`, role: "MEMBER", owner: delegate.id });
    const mine = await createTask(team.as.admin, { title: `Mine ${uid()}`, assignee: away.id });

    const until = new Date(Date.now() + 7 * 86_400_000);
    const ooo = await setMyOutOfOffice(userActor(away), { from: new Date(Date.now() - 60_000).toISOString(), until: until.toISOString(), delegate: delegate.email, moveOpenWork: true });
    expect(ooo.movedTasks).toBe(1);
    expect(await prisma.task.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ assigneeId: delegate.id, delegatedFromId: away.id });

    // The absent person's token still authenticates, as them (a script keeps running)…
    const list = await call(listTasksRoute, "/tasks", awayToken.token);
    expect(list.status).toBe(200);
    // …but gains nothing: the task now held by the delegate is not theirs to see or decide.
    expect((await call(taskRoute, `/tasks/${mine.id}`, awayToken.token, { params: { id: mine.id } })).status).toBe(404);
    const refused = await call(decideRoute, `/tasks/${mine.id}/decision`, awayToken.token, { body: { outcome: "approve" }, params: { id: mine.id } });
    expect(refused.status).toBe(404);
    expect((await prisma.task.findUniqueOrThrow({ where: { id: mine.id } })).status).toBe("OPEN");

    // The delegate decides it with their own token; the audit names the token and the person it acts for.
    const decided = await call(decideRoute, `/tasks/${mine.id}/decision`, delegateToken.token, { body: { outcome: "approve" }, params: { id: mine.id } });
    expect(decided.status).toBe(200);
    const entry = await prisma.auditEntry.findFirstOrThrow({ where: { action: "task.approved", taskId: mine.id } });
    expect(entry).toMatchObject({ actorType: "TOKEN", onBehalfOfId: delegate.id });

    // The token list: the owner is away (until when, and who stands in), still active.
    expect((await tokenRow(awayToken.id)).owner).toEqual({ id: away.id, name: away.name, kind: "PERSON", active: true, outOfOffice: { until: until.toISOString(), delegate: delegate.name } });
    expect((await tokenRow(delegateToken.id)).owner).toMatchObject({ active: true, outOfOffice: null });
  });

  it("an absence that has not started yet, or has ended, shows nothing", async () => {
    const prisma = db();
    const later = await createUser(prisma, { name: `Later ${uid()}` });
    const t = await createApiToken(cliActor, { name: `later-${uid()}`, role: "MEMBER", owner: later.id });
    await prisma.user.update({ where: { id: later.id }, data: { outOfOfficeFrom: new Date(Date.now() + 86_400_000), outOfOfficeUntil: new Date(Date.now() + 2 * 86_400_000) } });
    expect((await tokenRow(t.id)).owner?.outOfOffice).toBeNull();
    await prisma.user.update({ where: { id: later.id }, data: { outOfOfficeFrom: new Date(Date.now() - 2 * 86_400_000), outOfOfficeUntil: new Date(Date.now() - 86_400_000) } });
    expect((await tokenRow(t.id)).owner?.outOfOffice).toBeNull();
  });
});

describe("API tokens of a deactivated person", () => {
  it("stop at once (401) through the admin route, show as revoked, and stay revoked after reactivation", async () => {
    const prisma = db();
    const leaver = await createUser(prisma, { name: `Leaver ${uid()}` });
    const t = await createApiToken(cliActor, { name: `leaver-${uid()}`, role: "MEMBER", owner: leaver.id });
    expect((await call(listTasksRoute, "/tasks", t.token)).status).toBe(200);

    const off = await call(deactivateRoute, `/users/${leaver.id}/deactivate`, adminToken, { body: { reason: "Left the company" }, params: { id: leaver.id } });
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ active: false, revokedTokens: 1 });
    const refused = await call(listTasksRoute, "/tasks", t.token);
    expect(refused.status).toBe(401);
    const row = await tokenRow(t.id);
    expect(row.revokedAt).not.toBeNull();
    expect(row.owner).toMatchObject({ active: false });
    const entry = await prisma.auditEntry.findFirstOrThrow({ where: { action: "user.deactivated", subjectId: leaver.id } });
    expect((entry.after as { revokedTokenIds: string[] }).revokedTokenIds).toEqual([t.id]);

    expect((await call(reactivateRoute, `/users/${leaver.id}/reactivate`, adminToken, { body: {}, params: { id: leaver.id } })).status).toBe(200);
    expect((await call(listTasksRoute, "/tasks", t.token)).status).toBe(401);
    expect((await tokenRow(t.id)).owner).toMatchObject({ active: true });
  });

  it("a token whose owner is inactive is refused even if it was never revoked (a direct database change, a SCIM race)", async () => {
    const prisma = db();
    const person = await createUser(prisma, { name: `Direct ${uid()}` });
    const t = await createApiToken(cliActor, { name: `direct-${uid()}`, role: "MEMBER", owner: person.id });
    await prisma.user.update({ where: { id: person.id }, data: { active: false } });
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: t.id } })).revokedAt).toBeNull();
    expect((await call(listTasksRoute, "/tasks", t.token)).status).toBe(401);
  });
});
