// The process routes through the real handlers with API tokens: YAML upload, errors naming the
// step, Idempotency-Key on a manual start, deprecation, and who may do it.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute, POST as publishRoute } from "@/app/api/v1/processes/route";
import { GET as getRoute } from "@/app/api/v1/processes/[key]/route";
import { POST as startRoute } from "@/app/api/v1/processes/[key]/instances/route";
import { POST as deprecateRoute } from "@/app/api/v1/processes/[key]/versions/[n]/deprecate/route";
import { GET as instanceRoute } from "@/app/api/v1/instances/[id]/route";
import { db, makeTeam, tokenFor, uid, type Team } from "./helpers";

let team: Team;
let admin: string;
let supervisor: string;
beforeAll(async () => {
  team = await makeTeam();
  admin = (await tokenFor(team, "ADMIN")).token;
  supervisor = (await tokenFor(team, "SUPERVISOR")).token;
});

function call<P>(route: (req: Request, ctx: { params: Promise<P> }) => Promise<Response>, path: string, opts: { token: string; body?: string; type?: string; headers?: Record<string, string>; params?: P }) {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token}`, ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = opts.type ?? "application/json";
  return route(new Request(`http://localhost:3000/api/v1${path}`, { method: opts.body !== undefined ? "POST" : "GET", headers, body: opts.body }), {
    params: Promise.resolve((opts.params ?? {}) as P),
  });
}

const yaml = (key: string, next = "done") => `key: ${key}
name: API process
steps:
  - id: stamp
    kind: set
    assign: { stamped: true }
    next: ${next}
  - id: done
    kind: end
`;

describe("process routes", () => {
  it("publishes YAML as version 1, then 2; lists and reads it", async () => {
    const key = `api-${uid()}`;
    const res = await call(publishRoute, "/processes", { token: admin, body: yaml(key), type: "application/yaml" });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ key, version: 1, status: "ACTIVE" });
    const again = await call(publishRoute, "/processes", { token: admin, body: JSON.stringify({ document: yaml(key) }) });
    expect(((await again.json()) as { version: number }).version).toBe(2);
    const list = (await (await call(listRoute, "/processes", { token: admin })).json()) as { data: { key: string; latestVersion: number }[] };
    expect(list.data.find((p) => p.key === key)).toMatchObject({ latestVersion: 2 });
    const one = await call(getRoute, `/processes/${key}`, { token: admin, params: { key } });
    expect(((await one.json()) as { versions: unknown[] }).versions).toHaveLength(2);
  });

  it("an invalid definition is a 422 problem whose errors name the step", async () => {
    const res = await call(publishRoute, "/processes", { token: admin, body: yaml(`api-${uid()}`, "nowhere"), type: "application/yaml" });
    expect(res.status).toBe(422);
    const p = (await res.json()) as { code: string; errors: { path: string; message: string }[]; steps: string[] };
    expect(p.code).toBe("VALIDATION_FAILED");
    expect(p.errors).toEqual([{ path: "steps.0.next", message: 'Step "stamp": next points to unknown step "nowhere"' }]);
    expect(p.steps).toEqual(["stamp"]);
  });

  it("a manual start honours Idempotency-Key: the retry answers with the same instance", async () => {
    const key = `api-${uid()}`;
    await call(publishRoute, "/processes", { token: admin, body: yaml(key), type: "application/yaml" });
    const body = JSON.stringify({ variables: { amount: 10 }, businessKey: "B-1" });
    const headers = { "idempotency-key": `start-${uid()}` };
    const first = await call(startRoute, `/processes/${key}/instances`, { token: admin, body, headers, params: { key } });
    expect(first.status).toBe(201);
    const a = (await first.json()) as { id: string; process: { version: number } };
    const second = await call(startRoute, `/processes/${key}/instances`, { token: admin, body, headers, params: { key } });
    expect(second.status).toBe(201);
    expect(((await second.json()) as { id: string }).id).toBe(a.id);
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(1);
    const read = await call(instanceRoute, `/instances/${a.id}`, { token: admin, params: { id: a.id } });
    expect(await read.json()).toMatchObject({ id: a.id, businessKey: "B-1", variables: { amount: 10 } });
  });

  it("deprecating twice is a 409; supervisors cannot manage processes", async () => {
    const key = `api-${uid()}`;
    await call(publishRoute, "/processes", { token: admin, body: yaml(key), type: "application/yaml" });
    const params = { key, n: "1" };
    expect((await call(deprecateRoute, `/processes/${key}/versions/1/deprecate`, { token: admin, body: "{}", params })).status).toBe(200);
    expect((await call(deprecateRoute, `/processes/${key}/versions/1/deprecate`, { token: admin, body: "{}", params })).status).toBe(409);
    expect((await call(startRoute, `/processes/${key}/instances`, { token: admin, body: "{}", params: { key } })).status).toBe(409);
    expect((await call(listRoute, "/processes", { token: supervisor })).status).toBe(403);
    expect((await call(publishRoute, "/processes", { token: supervisor, body: yaml(key), type: "application/yaml" })).status).toBe(403);
  });
});
