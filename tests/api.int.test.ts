// Token authentication, role checks and the HTTP conventions, through the real route handlers.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/tasks/route";
import { GET as getRoute } from "@/app/api/v1/tasks/[id]/route";
import { POST as decideRoute } from "@/app/api/v1/tasks/[id]/decision/route";
import { POST as claimRoute } from "@/app/api/v1/tasks/[id]/claim/route";
import { POST as createTokenRoute } from "@/app/api/v1/tokens/route";
import { revokeApiToken } from "@/lib/identity/service";
import { db, makeTeam, tokenFor, uid, type Team } from "./helpers";

let team: Team;
let admin: string;
let supervisor: string;
let member: string;
let auditor: string;
/** Alice's token: a member of the group, so it may decide its tasks (a token acts as its owner). */
let alice: string;
beforeAll(async () => {
  team = await makeTeam();
  [admin, supervisor, member, auditor, alice] = await Promise.all([
    tokenFor(team, "ADMIN").then((t) => t.token),
    tokenFor(team, "SUPERVISOR", { owner: "supervisor" }).then((t) => t.token),
    tokenFor(team, "MEMBER").then((t) => t.token),
    tokenFor(team, "AUDITOR").then((t) => t.token),
    tokenFor(team, "MEMBER", { owner: "alice" }).then((t) => t.token),
  ]);
});

const BASE = "http://localhost:3000/api/v1";
function call<P>(
  route: (req: Request, ctx: { params: Promise<P> }) => Promise<Response>,
  path: string,
  opts: { method?: string; token?: string; body?: unknown; headers?: Record<string, string>; params?: P } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const req = new Request(`${BASE}${path}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body });
  return route(req, { params: Promise.resolve((opts.params ?? {}) as P) });
}

async function problemOf(res: Response) {
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  return (await res.json()) as { type: string; title: string; status: number; detail: string; code: string; errors?: { path: string; message: string }[] };
}

const newTask = () => ({ title: `API task ${uid()}`, candidateGroup: team.group.key, context: { amount: 120 } });

describe("POST /api/v1/tasks with a Bearer token", () => {
  it("201 with ETag and Location; the task can be read back", async () => {
    const body = newTask();
    const res = await call(createRoute, "/tasks", { token: supervisor, body });
    expect(res.status).toBe(201);
    const task = (await res.json()) as { id: string; version: number; title: string };
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.headers.get("location")).toBe(`/api/v1/tasks/${task.id}`);
    expect(res.headers.get("x-request-id")).toBeTruthy();

    const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
    // The requester is a fact (H2): the token's owner, who is also recorded as its creator.
    expect(row).toMatchObject({ title: body.title, candidateGroupId: team.group.id, requestedById: team.users.supervisor.id });
    expect(row.createdByActor).toBe(`user:${team.users.supervisor.id}`);
    const audit = await db().auditEntry.findFirstOrThrow({ where: { taskId: task.id } });
    expect(audit.actorType).toBe("TOKEN");

    const got = await call(getRoute, `/tasks/${task.id}`, { token: admin, params: { id: task.id } });
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toBe('"1"');
    expect(((await got.json()) as { title: string }).title).toBe(body.title);
  });

  it("401 for garbage, unknown, revoked and expired tokens", async () => {
    const revoked = await tokenFor(team, "ADMIN");
    await revokeApiToken(team.as.admin, revoked.id);
    const expired = await tokenFor(team, "ADMIN", { expiresInDays: 1 });
    await db().apiToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    for (const token of ["garbage", `bat_${"x".repeat(43)}`, revoked.token, expired.token]) {
      const res = await call(createRoute, "/tasks", { token, body: newTask() });
      expect(res.status, token.slice(0, 12)).toBe(401);
      const p = await problemOf(res);
      expect(p).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    }
    const basic = await call(listRoute, "/tasks", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(basic.status).toBe(401);
  });

  it("403 for roles and scopes without tasks:create", async () => {
    const scoped = await tokenFor(team, "ADMIN", { scopes: ["tasks:read"] });
    for (const token of [member, auditor, scoped.token]) {
      const title = `Forbidden ${uid()}`;
      const res = await call(createRoute, "/tasks", { token, body: { title, candidateGroup: team.group.key } });
      expect(res.status).toBe(403);
      expect(await problemOf(res)).toMatchObject({ code: "FORBIDDEN", status: 403 });
      expect(await db().task.count({ where: { title } })).toBe(0);
    }
    // The read scope still reads.
    expect((await call(listRoute, "/tasks?view=all&limit=5", { token: scoped.token })).status).toBe(200);
  });

  it("only admins create tokens", async () => {
    const denied = await call(createTokenRoute, "/tokens", { token: supervisor, body: { name: "x", role: "ADMIN" } });
    expect(denied.status).toBe(403);
    const ok = await call(createTokenRoute, "/tokens", { token: admin, body: { name: `ci-${uid()}`, role: "MEMBER" } });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { token: string }).token).toMatch(/^bat_/);
  });

  it("422 problem+json with field errors for invalid bodies", async () => {
    const res = await call(createRoute, "/tasks", { token: admin, body: { title: "", priority: "ASAP" } });
    expect(res.status).toBe(422);
    const p = await problemOf(res);
    expect(p).toMatchObject({ status: 422, code: "VALIDATION_FAILED", title: "Validation failed", type: "https://baton.dev/problems/validation-failed" });
    const paths = (p.errors ?? []).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["title", "priority"]));

    const unknownGroup = await call(createRoute, "/tasks", { token: admin, body: { title: "x", candidateGroup: "nope" } });
    expect(unknownGroup.status).toBe(422);
    expect((await problemOf(unknownGroup)).errors).toEqual([{ path: "candidateGroup", message: "unknown group" }]);
  });

  it("415 for a non-JSON body, 400 for malformed JSON", async () => {
    const res = await call(createRoute, "/tasks", { token: admin, body: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(415);
    expect(await problemOf(res)).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    const bad = await call(createRoute, "/tasks", { token: admin, body: "{not json" });
    expect(bad.status).toBe(400);
  });

  it("Idempotency-Key: a replay returns the first response and creates one task", async () => {
    const body = newTask();
    const key = `erp-${uid()}`;
    const first = await call(createRoute, "/tasks", { token: admin, body, headers: { "idempotency-key": key } });
    expect(first.status).toBe(201);
    const firstBody = (await first.json()) as { id: string };

    const replay = await call(createRoute, "/tasks", { token: admin, body, headers: { "idempotency-key": key } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { id: string }).id).toBe(firstBody.id);
    expect(await db().task.count({ where: { title: body.title } })).toBe(1);

    // Same key, different body: refused, still one task.
    const reused = await call(createRoute, "/tasks", { token: admin, body: { ...body, title: `${body.title} (changed)` }, headers: { "idempotency-key": key } });
    expect(reused.status).toBe(409);
    expect(await problemOf(reused)).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });

    // Keys are per caller: another token may use the same key for its own request.
    const other = await call(createRoute, "/tasks", { token: supervisor, body, headers: { "idempotency-key": key } });
    expect(other.status).toBe(201);
    expect(await db().task.count({ where: { title: body.title } })).toBe(2);

    const badKey = await call(createRoute, "/tasks", { token: admin, body: newTask(), headers: { "idempotency-key": "no spaces allowed" } });
    expect(badKey.status).toBe(400);
  });

  it("a failed request's key is not burnt: fixing the body with the same key works", async () => {
    const key = `retry-${uid()}`;
    const bad = await call(createRoute, "/tasks", { token: admin, body: { title: "" }, headers: { "idempotency-key": key } });
    expect(bad.status).toBe(422);
    const replayedBad = await call(createRoute, "/tasks", { token: admin, body: { title: "" }, headers: { "idempotency-key": key } });
    expect(replayedBad.status).toBe(422);
    const body = newTask();
    const fixed = await call(createRoute, "/tasks", { token: admin, body, headers: { "idempotency-key": key } });
    expect(fixed.status).toBe(201);
    expect(await db().task.count({ where: { title: body.title } })).toBe(1);
  });
});

describe("decision and claim routes", () => {
  async function created(token = supervisor) {
    const res = await call(createRoute, "/tasks", { token, body: newTask() });
    return (await res.json()) as { id: string };
  }

  it("tokens decide as their owner; the second decision is 409 TASK_ALREADY_DECIDED", async () => {
    const { id } = await created();
    const first = await call(decideRoute, `/tasks/${id}/decision`, { token: alice, body: { outcome: "approve" }, params: { id } });
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).toBe('"2"');
    const second = await call(decideRoute, `/tasks/${id}/decision`, { token: alice, body: { outcome: "approve" }, params: { id } });
    expect(second.status).toBe(409);
    expect(await problemOf(second)).toMatchObject({ code: "TASK_ALREADY_DECIDED" });
  });

  it("If-Match with an old version is 412; the current one succeeds", async () => {
    const { id } = await created();
    const stale = await call(decideRoute, `/tasks/${id}/decision`, { token: alice, body: { outcome: "approve" }, params: { id }, headers: { "if-match": '"7"' } });
    expect(stale.status).toBe(412);
    expect(await problemOf(stale)).toMatchObject({ code: "VERSION_MISMATCH", currentVersion: 1 });
    expect((await db().task.findUniqueOrThrow({ where: { id } })).status).toBe("OPEN");
    const fresh = await call(decideRoute, `/tasks/${id}/decision`, { token: alice, body: { outcome: "approve" }, params: { id }, headers: { "if-match": '"1"' } });
    expect(fresh.status).toBe(200);
  });

  it("a token claims only what its owner may (the admin is not in the group); auditor tokens cannot decide", async () => {
    const { id } = await created();
    const claim = await call(claimRoute, `/tasks/${id}/claim`, { token: admin, method: "POST", params: { id } });
    expect(claim.status).toBe(403);
    const decide = await call(decideRoute, `/tasks/${id}/decision`, { token: auditor, body: { outcome: "approve" }, params: { id } });
    expect(decide.status).toBe(403);
  });

  it("404 problem for an unknown task", async () => {
    const res = await call(getRoute, "/tasks/nope", { token: admin, params: { id: "nope" } });
    expect(res.status).toBe(404);
    expect(await problemOf(res)).toMatchObject({ code: "TASK_NOT_FOUND" });
  });
});
