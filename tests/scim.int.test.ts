// SCIM 2.0 provisioning (RFC 7643/7644) as Entra ID and Okta drive it, through the real route
// handlers under app/scim/v2: a provisioning token, the user lifecycle (create → group → active:false
// → tokens refused, work back in the queue → reactivate), filters, pagination, ETags and errors.
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SCIM_ROUTES } from "@/app/api/permission-matrix";
import { actorForToken, createApiToken } from "@/lib/identity/service";
import { createServiceAccount } from "@/lib/identity/service-accounts";
import { claimTask, createTask } from "@/lib/tasks";
import { cliActor, db, makeTeam, uid, type Team } from "./helpers";

type Route = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const ROOT = path.resolve(__dirname, "../app/scim/v2");
/** Every route file under app/scim/v2 as its path pattern ("Users/[id]/route.ts" → "/scim/v2/Users/:id"). */
const routeFiles = (readdirSync(ROOT, { recursive: true }) as string[])
  .map((f) => f.split(path.sep).join("/"))
  .filter((f) => f.endsWith("route.ts"))
  .map((f) => ({ file: f, pattern: `/scim/v2/${f.replace(/\/?route\.ts$/, "")}`.replace(/\[(\w+)\]/g, ":$1") }));

const modules = new Map<string, Record<string, Route>>();
beforeAll(async () => {
  for (const r of routeFiles) modules.set(r.pattern, (await import(/* @vite-ignore */ path.join(ROOT, r.file))) as Record<string, Route>);
});

interface Call {
  status: number;
  body: Record<string, unknown> & { Resources?: Record<string, unknown>[] };
  headers: Headers;
}

/** Calls /scim/v2/<path> as an identity provider would (the route the path matches, its params). */
async function scim(method: string, pathAndQuery: string, opts: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Call> {
  const url = new URL(`http://baton.test/scim/v2${pathAndQuery}`);
  const segments = url.pathname.split("/").slice(3);
  const [pattern, params]: [string, Record<string, string>] =
    segments.length === 1 ? [`/scim/v2/${segments[0]}`, {}] : [`/scim/v2/${segments[0]}/:id`, { id: decodeURIComponent(segments.slice(1).join("/")) }];
  const mod = modules.get(pattern);
  if (!mod?.[method]) throw new Error(`no route ${method} ${pattern}`);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? provisioning}`;
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers["content-type"] ??= "application/scim+json";
  const res = await mod[method](new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Call["body"]) : {}, headers: res.headers };
}

/** A user as the routes answer it (the enterprise extension by its URN). */
interface UserBody {
  id: string;
  displayName: string;
  userName: string;
  active: boolean;
  externalId?: string;
  meta: { version: string };
  [ENTERPRISE]?: { manager?: { value: string; displayName: string } };
}

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" as const;
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** A user as Entra ID creates one. */
function entraUser(extra: Record<string, unknown> = {}) {
  const id = uid();
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
    externalId: `ext-${id}`,
    userName: `Scim.Person-${id}@Example.com`,
    active: true,
    displayName: `Scim Person ${id}`,
    name: { givenName: "Scim", familyName: `Person ${id}` },
    emails: [{ primary: true, type: "work", value: `scim.person-${id}@example.com` }],
    title: "Clerk",
    ...extra,
  };
}

let team: Team;
let provisioning: string;
let readOnly: string;
let supervisorToken: string;
beforeAll(async () => {
  team = await makeTeam();
  const sa = await createServiceAccount(team.as.admin, { name: `entra-${uid()}`, role: "ADMIN" });
  provisioning = (await createApiToken(team.as.admin, { name: `scim-${uid()}`, role: "ADMIN", scopes: ["scim:provision"], owner: sa.id, rateLimitPerMinute: 0 })).token;
  readOnly = (await createApiToken(team.as.admin, { name: `ro-${uid()}`, role: "ADMIN", scopes: ["tasks:read"], rateLimitPerMinute: 0 })).token;
  supervisorToken = (await createApiToken(cliActor, { name: `sup-${uid()}`, role: "SUPERVISOR", owner: team.users.supervisor.id, rateLimitPerMinute: 0 })).token;
});

describe("the SCIM routes and who may call them", () => {
  it("are exactly the routes the permission matrix lists", () => {
    const served = routeFiles.flatMap((r) => Object.keys(modules.get(r.pattern)!).filter((k) => /^[A-Z]+$/.test(k)).map((m) => `${m} ${r.pattern}`)).sort();
    expect(served).toEqual(SCIM_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("answer 401 without a token and 403 to tokens without scim:provision, as SCIM errors", async () => {
    for (const r of SCIM_ROUTES) {
      const p = r.path.replace(":id", "x1");
      const body = ["POST", "PUT", "PATCH"].includes(r.method) ? {} : undefined;
      const anonymous = await scim(r.method, p.slice("/scim/v2".length), { token: null, body });
      expect(anonymous.status, `${r.method} ${r.path} anonymous`).toBe(401);
      expect(anonymous.headers.get("content-type")).toMatch(/^application\/scim\+json/);
      expect(anonymous.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
      for (const token of [readOnly, supervisorToken]) {
        const refused = await scim(r.method, p.slice("/scim/v2".length), { token, body });
        expect(refused.status, `${r.method} ${r.path}`).toBe(403);
        expect(refused.body.status).toBe("403");
      }
    }
  });

  it("describe themselves: ServiceProviderConfig, ResourceTypes, Schemas", async () => {
    const config = await scim("GET", "/ServiceProviderConfig");
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({ patch: { supported: true }, filter: { supported: true }, etag: { supported: true }, bulk: { supported: false } });
    const types = await scim("GET", "/ResourceTypes");
    expect(types.body.Resources!.map((t) => t.id)).toEqual(["User", "Group"]);
    expect((await scim("GET", "/ResourceTypes/Group")).body.endpoint).toBe("/Groups");
    const schemas = await scim("GET", "/Schemas");
    expect(schemas.body.Resources!.map((s) => s.id)).toContain(ENTERPRISE);
    expect((await scim("GET", `/Schemas/${encodeURIComponent(ENTERPRISE)}`)).body.name).toBe("EnterpriseUser");
    expect((await scim("GET", "/Schemas/urn:nope")).status).toBe(404);
  });
});

describe("the user lifecycle", () => {
  it("create → add to a group → PATCH active:false (tokens refused, work back in the queue) → reactivate", async () => {
    const input = entraUser();
    const created = await scim("POST", "/Users", { body: input });
    expect(created.status).toBe(201);
    const user = created.body as unknown as UserBody;
    expect(user).toMatchObject({ userName: input.userName.toLowerCase(), displayName: input.displayName, active: true, externalId: input.externalId });
    expect(created.headers.get("location")).toBe(`http://baton.test/scim/v2/Users/${user.id}`);
    expect(created.headers.get("etag")).toBe(user.meta.version);
    const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ email: input.userName.toLowerCase(), role: "MEMBER", kind: "PERSON", externalId: input.externalId });
    // Provisioning the same person again is a conflict the provider resolves by filtering first.
    const again = await scim("POST", "/Users", { body: { ...input, externalId: `other-${uid()}` } });
    expect(again.status).toBe(409);
    expect(again.body.scimType).toBe("uniqueness");

    // A group, and the person added to it the way Entra ID does it.
    const group = await scim("POST", "/Groups", { body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: `Finance AP ${uid()}`, externalId: `grp-${uid()}` } });
    expect(group.status).toBe(201);
    const groupId = group.body.id as string;
    const added = await scim("PATCH", `/Groups/${groupId}`, { body: patch({ op: "Add", path: "members", value: [{ value: user.id }] }) });
    expect(added.status).toBe(200);
    expect(added.body.members).toEqual([expect.objectContaining({ value: user.id, display: input.displayName })]);
    expect((await scim("GET", `/Users/${user.id}`)).body.groups).toEqual([expect.objectContaining({ value: groupId })]);
    const groupKey = (await db().group.findUniqueOrThrow({ where: { id: groupId } })).key;

    // They take a task from their new queue and make a token of their own.
    const task = await createTask(team.as.admin, { title: `SCIM queue ${uid()}`, candidateGroup: groupKey });
    const person = { type: "USER" as const, id: user.id, name: user.displayName, role: "MEMBER" as const, permissions: new Set(["tasks:read", "tasks:decide"] as const) };
    await claimTask(person, task.id);
    const { token } = await createApiToken(cliActor, { name: `own-${uid()}`, role: "MEMBER", owner: user.id });
    expect(await actorForToken(token)).not.toBeNull();

    // Entra ID deprovisions with a string boolean and a capitalised op.
    const off = await scim("PATCH", `/Users/${user.id}`, { body: patch({ op: "Replace", path: "active", value: "False" }) });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect(await actorForToken(token)).toBeNull();
    expect(await db().task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ assigneeId: null, status: "OPEN" });
    const audit = await db().auditEntry.findFirstOrThrow({ where: { subjectId: user.id, action: "user.deactivated" } });
    expect(audit).toMatchObject({ actorType: "TOKEN" });
    // Deprovisioning again changes nothing and is not an error.
    expect((await scim("PATCH", `/Users/${user.id}`, { body: patch({ op: "replace", value: { active: false } }) })).status).toBe(200);
    expect(await db().auditEntry.count({ where: { subjectId: user.id, action: "user.deactivated" } })).toBe(1);

    // Okta reactivates with a replace without a path.
    const on = await scim("PATCH", `/Users/${user.id}`, { body: patch({ op: "replace", value: { active: true } }) });
    expect(on.body.active).toBe(true);
    // Deactivation revoked their tokens for good (lib/people/lifecycle.ts): a returning person is issued new ones.
    expect(await actorForToken(token)).toBeNull();
    expect(await db().auditEntry.count({ where: { subjectId: user.id, action: "user.reactivated" } })).toBe(1);

    // Removed from the group by a filter path (Okta and Entra ID both send it).
    const removed = await scim("PATCH", `/Groups/${groupId}`, { body: patch({ op: "remove", path: `members[value eq "${user.id}"]` }) });
    expect(removed.body.members).toEqual([]);

    // DELETE deprovisions too: the person stays, inactive.
    expect((await scim("DELETE", `/Users/${user.id}`)).status).toBe(204);
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).active).toBe(false);
  });

  it("keeps the manager of the enterprise extension as the person's supervisor", async () => {
    const manager = (await scim("POST", "/Users", { body: entraUser() })).body as unknown as UserBody;
    const report = await scim("POST", "/Users", { body: entraUser({ [ENTERPRISE]: { manager: { value: manager.id } } }) });
    expect(report.status).toBe(201);
    const id = report.body.id as string;
    expect((report.body as unknown as UserBody)[ENTERPRISE]!.manager).toMatchObject({ value: manager.id, displayName: manager.displayName });
    expect((await db().user.findUniqueOrThrow({ where: { id } })).supervisorId).toBe(manager.id);
    // Entra ID sets it by path with the bare id; removing it clears it.
    const other = (await scim("POST", "/Users", { body: entraUser() })).body.id as string;
    const moved = await scim("PATCH", `/Users/${id}`, { body: patch({ op: "Add", path: `${ENTERPRISE}:manager`, value: other }) });
    expect((moved.body as unknown as UserBody)[ENTERPRISE]!.manager!.value).toBe(other);
    await scim("PATCH", `/Users/${id}`, { body: patch({ op: "remove", path: `${ENTERPRISE}:manager` }) });
    expect((await db().user.findUniqueOrThrow({ where: { id } })).supervisorId).toBeNull();
    const unknown = await scim("PATCH", `/Users/${id}`, { body: patch({ op: "replace", path: `${ENTERPRISE}:manager`, value: "nobody" }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.scimType).toBe("invalidValue");
  });

  it("applies Entra ID's attribute paths and Okta's replace of the whole user", async () => {
    const id = (await scim("POST", "/Users", { body: entraUser() })).body.id as string;
    const renamed = await scim("PATCH", `/Users/${id}`, {
      body: patch({ op: "Replace", path: "displayName", value: "Ana Lima" }, { op: "Replace", path: "title", value: "Lead" }, { op: "Add", path: "timezone", value: "Europe/Lisbon" }),
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ displayName: "Ana Lima", timezone: "Europe/Lisbon" });
    const email = `ana-${uid()}@example.com`;
    const replaced = await scim("PUT", `/Users/${id}`, { body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: email, name: { givenName: "Ana", familyName: "Lima" }, active: true } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ userName: email, displayName: "Ana Lima", active: true });
    const audit = await db().auditEntry.findMany({ where: { subjectId: id, action: "user.provisioned_update" }, orderBy: { seq: "asc" } });
    expect(audit.at(-1)!.after).toMatchObject({ email });
  });
});

describe("finding users and groups", () => {
  it("filters by userName and externalId, pages with startIndex and count", async () => {
    const input = entraUser();
    const id = (await scim("POST", "/Users", { body: input })).body.id as string;
    const byName = await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${input.userName}"`)}`);
    expect(byName.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(byName.body.Resources![0]!.id).toBe(id);
    const byExternal = await scim("GET", `/Users?filter=${encodeURIComponent(`externalId eq "${input.externalId}"`)}`);
    expect(byExternal.body.Resources!.map((r) => r.id)).toEqual([id]);
    const none = await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`);
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });

    for (let i = 0; i < 3; i++) await scim("POST", "/Users", { body: entraUser() });
    const first = await scim("GET", "/Users?startIndex=1&count=2");
    const second = await scim("GET", "/Users?startIndex=3&count=2");
    expect(first.body).toMatchObject({ startIndex: 1, itemsPerPage: 2 });
    expect(second.body.startIndex).toBe(3);
    expect(first.body.totalResults as number).toBeGreaterThanOrEqual(4);
    const ids = [...first.body.Resources!, ...second.body.Resources!].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // count=0 answers only the total; service accounts are not users here.
    const counted = await scim("GET", "/Users?count=0");
    expect(counted.body).toMatchObject({ itemsPerPage: 0, Resources: [] });
    expect(counted.body.totalResults).toBe(await db().user.count({ where: { kind: "PERSON" } }));

    const group = (await scim("POST", "/Groups", { body: { displayName: `Paging ${uid()}` } })).body;
    const byDisplay = await scim("GET", `/Groups?filter=${encodeURIComponent(`displayName eq "${group.displayName as string}"`)}&excludedAttributes=members`);
    expect(byDisplay.body.Resources).toEqual([expect.not.objectContaining({ members: expect.anything() })]);
    expect(byDisplay.body.Resources![0]!.id).toBe(group.id);
  });

  it("refuses filters it cannot answer with 400 invalidFilter", async () => {
    for (const filter of ['userName co "a"', 'title eq "x"', "userName eq nobody", 'userName eq "a" or userName eq "b"']) {
      const r = await scim("GET", `/Users?filter=${encodeURIComponent(filter)}`);
      expect(r.status, filter).toBe(400);
      expect(r.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
    }
    expect((await scim("GET", `/Groups?filter=${encodeURIComponent('members eq "x"')}`)).body.scimType).toBe("invalidFilter");
  });
});

describe("versions and errors", () => {
  it("honours If-Match: 412 for a stale version, the change with the current one", async () => {
    const created = await scim("POST", "/Users", { body: entraUser() });
    const id = created.body.id as string;
    const etag = created.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"\d+"$/);
    expect((await scim("GET", `/Users/${id}`)).headers.get("etag")).toBe(etag);
    await new Promise((r) => setTimeout(r, 5));
    const changed = await scim("PATCH", `/Users/${id}`, { body: patch({ op: "replace", path: "displayName", value: "First" }), headers: { "if-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    const stale = await scim("PATCH", `/Users/${id}`, { body: patch({ op: "replace", path: "displayName", value: "Second" }), headers: { "if-match": etag } });
    expect(stale.status).toBe(412);
    expect((await db().user.findUniqueOrThrow({ where: { id } })).name).toBe("First");

    const group = await scim("POST", "/Groups", { body: { displayName: `Versioned ${uid()}` } });
    await new Promise((r) => setTimeout(r, 5));
    const put = await scim("PUT", `/Groups/${group.body.id as string}`, { body: { displayName: `Renamed ${uid()}`, members: [{ value: id }] }, headers: { "if-match": group.headers.get("etag")! } });
    expect(put.status).toBe(200);
    expect(put.body.members).toEqual([expect.objectContaining({ value: id })]);
    const stalePut = await scim("PUT", `/Groups/${group.body.id as string}`, { body: { displayName: "Again", members: [] }, headers: { "if-match": group.headers.get("etag")! } });
    expect(stalePut.status).toBe(412);
  });

  it("answers bad input with the SCIM error and scimType, changing nothing", async () => {
    const before = await db().user.count();
    const noName = await scim("POST", "/Users", { body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], displayName: "No Name" } });
    expect(noName.status).toBe(400);
    expect(noName.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "400", scimType: "invalidValue" });
    const notEmail = await scim("POST", "/Users", { body: { userName: "just-a-name" } });
    expect(notEmail.body.scimType).toBe("invalidValue");
    const broken = await scim("POST", "/Users", { raw: "{nope" });
    expect(broken.body).toMatchObject({ status: "400", scimType: "invalidSyntax" });
    expect(await db().user.count()).toBe(before);

    const id = (await scim("POST", "/Users", { body: entraUser() })).body.id as string;
    const badPath = await scim("PATCH", `/Users/${id}`, { body: patch({ op: "replace", path: "shoeSize", value: 44 }) });
    expect(badPath.body).toMatchObject({ status: "400", scimType: "invalidPath" });
    const badOp = await scim("PATCH", `/Users/${id}`, { body: patch({ op: "move", path: "displayName", value: "x" }) });
    expect(badOp.status).toBe(400);
    const noSchema = await scim("PATCH", `/Users/${id}`, { body: { Operations: [{ op: "replace", path: "active", value: false }] } });
    expect(noSchema.status).toBe(400);
    expect((await db().user.findUniqueOrThrow({ where: { id } })).active).toBe(true);
    expect((await scim("GET", "/Users/does-not-exist")).status).toBe(404);
    const unknownMember = await scim("POST", "/Groups", { body: { displayName: `Bad ${uid()}`, members: [{ value: "nobody" }] } });
    expect(unknownMember.body).toMatchObject({ status: "400", scimType: "invalidValue" });
  });

  it("deletes a group only when no open task waits in it", async () => {
    const group = (await scim("POST", "/Groups", { body: { displayName: `Temp ${uid()}` } })).body;
    const key = (await db().group.findUniqueOrThrow({ where: { id: group.id as string } })).key;
    const task = await createTask(team.as.admin, { title: `Waiting ${uid()}`, candidateGroup: key });
    const refused = await scim("DELETE", `/Groups/${group.id as string}`);
    expect(refused.status).toBe(409);
    await db().task.update({ where: { id: task.id }, data: { status: "CANCELLED" } });
    expect((await scim("DELETE", `/Groups/${group.id as string}`)).status).toBe(204);
    expect((await scim("GET", `/Groups/${group.id as string}`)).status).toBe(404);
  });
});
