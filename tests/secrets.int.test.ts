// Named secrets for HTTP steps: encrypted at rest, never returned by the API, resolved only in
// the worker at call time, and redacted from everything Baton keeps about a call (step run error,
// attempt log, output, variables, audit entries), even when the receiver echoes them back.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "@/lib/env";
import { QUEUES } from "@/lib/queues";
import { createRedis } from "@/lib/redis";
import { getInstance, retryFailedStep, startInstance } from "@/lib/engine";
import { publishDefinition } from "@/lib/processes/service";
import { createSecret, deleteSecret, rotateSecret } from "@/lib/secrets/service";
import { processEngineJob } from "@/workers/processors/engine";
import { appError, db, makeTeam, uid, waitFor, type Team } from "./helpers";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));
// The API reads the session cookie through app/api/_lib/session-token (not auth()).
vi.mock("@/app/api/_lib/session-token", () => ({ sessionUserId: async () => session.userId }));
const secretsRoute = await import("@/app/api/v1/secrets/route");
const secretRoute = await import("@/app/api/v1/secrets/[name]/route");
const processesRoute = await import("@/app/api/v1/processes/route");

let team: Team;
let worker: Worker;
let server: http.Server;
let base = "";
const received: string[] = [];

beforeAll(async () => {
  team = await makeTeam();
  server = http.createServer((req, res) => {
    const auth = String(req.headers.authorization ?? "");
    received.push(auth);
    res.writeHead(req.url?.startsWith("/reject") ? 422 : 200, { "content-type": "application/json" });
    // A careless receiver that quotes the credential back, in success and in failure.
    res.end(JSON.stringify({ authorization: auth, message: `token ${auth} seen` }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const connection = createRedis({ forWorker: true });
  worker = new Worker(QUEUES.engine, processEngineJob, { connection, prefix: env().REDIS_PREFIX, concurrency: 2 });
  worker.on("error", () => undefined);
  worker.on("closed", () => void connection.quit().catch(() => undefined));
});
afterAll(async () => {
  await worker?.close();
  await new Promise((r) => server?.close(r));
});

function call(route: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>, as: keyof Team["users"], method: string, body?: unknown, params: Record<string, string> = {}) {
  session.userId = team.users[as].id;
  const req = new Request("http://localhost/api/v1/secrets", {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return route(req, { params: Promise.resolve(params) });
}
type R = Parameters<typeof call>[0];

const definition = (key: string, secret: string, path: string) => ({
  key,
  name: "Calls with a secret",
  steps: [
    { id: "call", kind: "http", url: `${base}${path}`, headers: { Authorization: `Bearer {{ secrets.${secret} }}`, "X-Vendor": "{{vendor}}" }, retries: { max: 0 }, output: { echoed: "body.authorization" }, next: "done" },
    { id: "done", kind: "end" },
  ],
});

async function everythingKeptAbout(instanceId: string) {
  const [instance, runs, audit] = await Promise.all([
    db().processInstance.findUnique({ where: { id: instanceId } }),
    db().stepRun.findMany({ where: { instanceId } }),
    db().auditEntry.findMany({ where: { instanceId } }),
  ]);
  return JSON.stringify({ instance, runs, audit, dto: await getInstance(team.as.admin, instanceId) }, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
}

describe("named secrets: API", () => {
  it("creates a secret whose value is never returned and is encrypted at rest", async () => {
    const name = `erp_${uid().replace(/-/g, "")}`;
    const value = `tok-${uid()}-${uid()}`;
    const res = await call(secretsRoute.POST as R, "admin", "POST", { name, value, description: "ERP API token", allowedHosts: ["ERP.example.com"] });
    expect(res.status).toBe(201);
    const created = await res.text();
    expect(created).not.toContain(value);
    expect(JSON.parse(created)).toMatchObject({ name, description: "ERP API token", allowedHosts: ["erp.example.com"], revision: 1, readable: true, usedBy: [] });

    const list = await (await call(secretsRoute.GET as R, "admin", "GET")).text();
    expect(list).toContain(name);
    expect(list).not.toContain(value);
    expect(JSON.parse(list).enabled).toBe(true);

    // The raw row: ciphertext, IV and tag, none of which contains the value.
    const [raw] = await db().$queryRaw<{ ciphertext: Buffer; iv: Buffer; authTag: Buffer; keyId: string }[]>`SELECT ciphertext, iv, "authTag", "keyId" FROM "Secret" WHERE name = ${name}`;
    expect(raw!.iv).toHaveLength(12);
    expect(raw!.authTag).toHaveLength(16);
    expect(Buffer.from(raw!.ciphertext).toString("utf8")).not.toContain(value);
    expect(Buffer.from(raw!.ciphertext).toString("latin1")).not.toContain(value);
    const audit = await db().auditEntry.findMany({ where: { subjectType: "secret", subjectId: (await db().secret.findUnique({ where: { name } }))!.id } });
    expect(audit.map((a) => a.action)).toEqual(["secret.created"]);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after, a.reason]))).not.toContain(value);

    // Rotating returns metadata only and is audited without the value.
    const rotated = await call(secretRoute.PUT as R, "admin", "PUT", { value: `${value}-2` }, { name });
    expect(rotated.status).toBe(200);
    const rotatedText = await rotated.text();
    expect(rotatedText).not.toContain(value);
    expect(JSON.parse(rotatedText)).toMatchObject({ revision: 2, rotatedByName: team.users.admin.name });

    expect((await call(secretsRoute.POST as R, "admin", "POST", { name, value: "again-again", allowedHosts: ["erp.example.com"] })).status).toBe(409);
    expect((await call(secretsRoute.POST as R, "admin", "POST", { name: "Bad-Name", value: "x1234" })).status).toBe(422);
    expect((await call(secretsRoute.GET as R, "supervisor", "GET")).status).toBe(403);
    expect((await call(secretsRoute.POST as R, "alice", "POST", { name: `n_${uid().slice(0, 4)}`, value: "x1234" })).status).toBe(403);
    const del = await call(secretRoute.DELETE as R, "admin", "DELETE", undefined, { name });
    expect(del.status).toBe(200);
    expect(await db().secret.findUnique({ where: { name } })).toBeNull();
    expect((await call(secretRoute.DELETE as R, "admin", "DELETE", undefined, { name })).status).toBe(404);
  });

  it("publishing checks that referenced secrets exist and are used only in headers, naming the step", async () => {
    const missing = `missing_${uid().replace(/-/g, "")}`;
    session.userId = team.users.admin.id;
    const res = await processesRoute.POST(
      new Request("http://localhost/api/v1/processes", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(definition(`sec-${uid()}`, missing, "/ok")) }),
      { params: Promise.resolve({}) } as never,
    );
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { detail: string; steps: string[] };
    expect(problem.detail).toContain(`Step "call": headers refer to the secret "${missing}", which does not exist`);
    expect(problem.steps).toEqual(["call"]);

    const inBody = definition(`sec-${uid()}`, "x", "/ok");
    (inBody.steps[0] as Record<string, unknown>).body = { token: "{{secrets.x}}" };
    const err = await appError(publishDefinition(team.as.admin, inBody));
    expect(err.message).toContain("secrets can only be used in an http step's headers");
  });

  it("a secret goes only to the hosts it names: publishing a step that sends it elsewhere is refused (M6)", async () => {
    const name = `hosted_${uid().replace(/-/g, "")}`;
    await createSecret(team.as.admin, { name, value: "hosted-value", allowedHosts: ["erp.example.com"] });
    session.userId = team.users.admin.id;
    const publish = (doc: unknown) =>
      processesRoute.POST(new Request("http://localhost/api/v1/processes", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(doc) }), { params: Promise.resolve({}) } as never);
    const elsewhere = definition(`sec-${uid()}`, name, "/ok");
    (elsewhere.steps[0] as { url: string }).url = "https://attacker.example/x";
    const res = await publish(elsewhere);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe("SECRET_HOST_NOT_ALLOWED");
    expect(problem.detail).toContain(`would send the secret "${name}" to attacker.example`);

    const templated = definition(`sec-${uid()}`, name, "/ok");
    (templated.steps[0] as { url: string }).url = "{{target}}/x";
    const res2 = await publish(templated);
    expect(res2.status).toBe(400);
    expect(((await res2.json()) as { detail: string }).detail).toContain("host is a template");

    const allowed = definition(`sec-${uid()}`, name, "/ok");
    (allowed.steps[0] as { url: string }).url = "https://erp.example.com/{{vendor}}";
    expect((await publish(allowed)).status).toBe(201);
    expect(await db().processDefinition.count({ where: { key: { in: [elsewhere.key, templated.key] } } })).toBe(0);
  });

  it("refuses to delete a secret an active version uses", async () => {
    const name = `inuse_${uid().replace(/-/g, "")}`;
    await createSecret(team.as.admin, { name, value: "in-use-value", allowedHosts: ["127.0.0.1"] });
    const key = `sec-${uid()}`;
    await publishDefinition(team.as.admin, definition(key, name, "/ok"));
    const err = await appError(deleteSecret(team.as.admin, name));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toContain(`${key} v1`);
  });
});

describe("named secrets: the worker", () => {
  it("sends the value, keeps only [redacted] where the receiver echoed it, and uses a rotated value at once", async () => {
    const name = `erp_${uid().replace(/-/g, "")}`;
    const value = `v1-${uid()}${uid()}`;
    await createSecret(team.as.admin, { name, value, allowedHosts: ["127.0.0.1"] });
    const key = `sec-${uid()}`;
    await publishDefinition(team.as.admin, definition(key, name, "/ok"));
    const started = await startInstance(team.as.admin, key, { variables: { vendor: "ACME" } });
    const done = await waitFor("completed", async () => {
      const i = await getInstance(team.as.admin, started.id);
      return i.status === "COMPLETED" ? i : null;
    });
    expect(received).toContain(`Bearer ${value}`);
    expect(done.variables.echoed).toBe("Bearer [redacted]");
    const kept = await everythingKeptAbout(started.id);
    expect(kept).not.toContain(value);
    expect(kept).toContain("[redacted]");
    expect((await db().secret.findUnique({ where: { name } }))!.lastUsedAt).not.toBeNull();

    const value2 = `v2-${uid()}${uid()}`;
    await rotateSecret(team.as.admin, name, { value: value2 });
    const again = await startInstance(team.as.admin, key, { variables: { vendor: "ACME" } });
    await waitFor("second completed", async () => (await getInstance(team.as.admin, again.id)).status === "COMPLETED");
    expect(received).toContain(`Bearer ${value2}`);
    expect(await everythingKeptAbout(again.id)).not.toContain(value2);
  });

  it("a failed call's error, attempt log and audit entries carry no value", async () => {
    const name = `erp_${uid().replace(/-/g, "")}`;
    const value = `fail-${uid()}${uid()}`;
    await createSecret(team.as.admin, { name, value, allowedHosts: ["127.0.0.1"] });
    const key = `sec-${uid()}`;
    await publishDefinition(team.as.admin, definition(key, name, "/reject"));
    const started = await startInstance(team.as.admin, key, { variables: { vendor: "ACME" } });
    const failed = await waitFor("failed", async () => {
      const i = await getInstance(team.as.admin, started.id);
      return i.status === "FAILED" ? i : null;
    });
    expect(received).toContain(`Bearer ${value}`);
    expect(failed.error).toContain("answered 422");
    expect(failed.error).toContain("[redacted]");
    const kept = await everythingKeptAbout(started.id);
    expect(kept).not.toContain(value);
    const actions = (await db().auditEntry.findMany({ where: { instanceId: started.id }, orderBy: { seq: "asc" } })).map((a) => a.action);
    expect(actions).toContain("step.failed");
  });

  it("a secret deleted after publishing fails the step clearly, and a retry after re-creating it succeeds", async () => {
    const name = `gone_${uid().replace(/-/g, "")}`;
    await createSecret(team.as.admin, { name, value: "soon-gone-value", allowedHosts: ["127.0.0.1"] });
    const key = `sec-${uid()}`;
    await publishDefinition(team.as.admin, definition(key, name, "/ok"));
    await db().processDefinition.updateMany({ where: { key }, data: { status: "DEPRECATED" } });
    await deleteSecret(team.as.admin, name);
    await db().processDefinition.updateMany({ where: { key }, data: { status: "ACTIVE" } });
    const started = await startInstance(team.as.admin, key, { variables: {} });
    const failed = await waitFor("failed", async () => {
      const i = await getInstance(team.as.admin, started.id);
      return i.status === "FAILED" ? i : null;
    });
    expect(failed.error).toBe(`Step "call" cannot call its API: the secret "${name}" does not exist (deleted after the definition was published?)`);
    await createSecret(team.as.admin, { name, value: "back-again-value", allowedHosts: ["127.0.0.1"] });
    await retryFailedStep(team.as.admin, started.id, {});
    await waitFor("completed after retry", async () => (await getInstance(team.as.admin, started.id)).status === "COMPLETED");
  });
});
