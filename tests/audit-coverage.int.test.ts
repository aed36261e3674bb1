// Every mutating API route writes exactly the audit entries it should — no more, none missing —
// with who (actor), where from (IP, user agent) and the request id; a refused request writes none.
// A guard at the end fails when a mutating route exists that this table does not cover.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { CloudEvent, HTTP } from "cloudevents";
import { createTask as createTaskService } from "@/lib/tasks";
import { invoiceRoutingTable } from "@/lib/rules/examples/invoice-routing";
import { modelToDmnXml } from "@/lib/rules/serialize";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createUser } from "@/prisma/factories";
import { db, failedMaintenanceJob, groupTask, makeTeam, tokenFor, uid, type Team } from "./helpers";

// People reach the API with a next-auth session; the session lookup is replaced by a variable
// the test sets (the database, Redis and services stay real).
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));
// The API reads the session cookie through app/api/_lib/session-token (not auth()).
vi.mock("@/app/api/_lib/session-token", () => ({ sessionUserId: async () => session.userId }));

const { POST: createTask } = await import("@/app/api/v1/tasks/route");
const { POST: claim } = await import("@/app/api/v1/tasks/[id]/claim/route");
const { POST: unclaim } = await import("@/app/api/v1/tasks/[id]/unclaim/route");
const { POST: decide } = await import("@/app/api/v1/tasks/[id]/decision/route");
const { POST: cancel } = await import("@/app/api/v1/tasks/[id]/cancel/route");
const { POST: reassign } = await import("@/app/api/v1/tasks/[id]/reassign/route");
const { POST: bulk } = await import("@/app/api/v1/tasks/bulk/route");
const { POST: undo } = await import("@/app/api/v1/tasks/[id]/undo/route");
const { POST: createToken } = await import("@/app/api/v1/tokens/route");
const { DELETE: revokeToken } = await import("@/app/api/v1/tokens/[id]/route");
const { POST: createServiceAccount } = await import("@/app/api/v1/service-accounts/route");
const { PATCH: updateServiceAccount } = await import("@/app/api/v1/service-accounts/[id]/route");
const { createServiceAccount: newServiceAccount } = await import("@/lib/identity/service-accounts");
const { POST: verify } = await import("@/app/api/v1/audit/verify/route");
const { POST: requestInfo } = await import("@/app/api/v1/tasks/[id]/request-info/route");
const { POST: answer } = await import("@/app/api/v1/tasks/[id]/answer/route");
const { POST: comment } = await import("@/app/api/v1/tasks/[id]/comments/route");
const { POST: attachToTask } = await import("@/app/api/v1/tasks/[id]/attachments/route");
const { POST: attachToInstance } = await import("@/app/api/v1/instances/[id]/attachments/route");
const { POST: publishProcess } = await import("@/app/api/v1/processes/route");
const { POST: startInstance } = await import("@/app/api/v1/processes/[key]/instances/route");
const { POST: deprecate } = await import("@/app/api/v1/processes/[key]/versions/[n]/deprecate/route");
const { POST: cancelInstance } = await import("@/app/api/v1/instances/[id]/cancel/route");
const { POST: submitRequest } = await import("@/app/api/v1/requests/route");
const { POST: uploadRequestFile } = await import("@/app/api/v1/requests/files/route");
const { POST: withdrawRequest } = await import("@/app/api/v1/me/requests/[id]/withdraw/route");
const { POST: postEvent } = await import("@/app/api/v1/events/route");
const { POST: uploadTable } = await import("@/app/api/v1/decision-tables/route");
const { PUT: putTestCases } = await import("@/app/api/v1/decision-tables/[key]/test-cases/route");
const { POST: publishTable } = await import("@/app/api/v1/decision-tables/[key]/publish/route");
const { POST: archiveTable, DELETE: restoreTable } = await import("@/app/api/v1/decision-tables/[key]/archive/route");
const { POST: evaluateTable } = await import("@/app/api/v1/decision-tables/[key]/evaluate/route");
const { POST: uploadModel } = await import("@/app/api/v1/decision-models/route");
const { PUT: putModelTestCases } = await import("@/app/api/v1/decision-models/[key]/test-cases/route");
const { POST: publishModel } = await import("@/app/api/v1/decision-models/[key]/publish/route");
const { POST: archiveModel, DELETE: restoreModel } = await import("@/app/api/v1/decision-models/[key]/archive/route");
const { POST: evaluateModel } = await import("@/app/api/v1/decision-models/[key]/evaluate/route");
const { POST: createSecretRoute } = await import("@/app/api/v1/secrets/route");
const { POST: migrateRoute } = await import("@/app/api/v1/processes/[key]/migrations/route");
const { POST: previewMigrationRoute } = await import("@/app/api/v1/processes/[key]/migrations/preview/route");
const { PUT: rotateSecretRoute, DELETE: deleteSecretRoute } = await import("@/app/api/v1/secrets/[name]/route");
const { PUT: setOutOfOffice, DELETE: clearOutOfOffice } = await import("@/app/api/v1/team/members/[id]/out-of-office/route");
const { PUT: putPreferences } = await import("@/app/api/v1/me/notification-preferences/route");
const { POST: createWebhook } = await import("@/app/api/v1/webhooks/route");
const { PATCH: updateWebhook, DELETE: deleteWebhook } = await import("@/app/api/v1/webhooks/[id]/route");
const { POST: testWebhook } = await import("@/app/api/v1/webhooks/[id]/test/route");
const { POST: redeliverWebhook } = await import("@/app/api/v1/webhooks/[id]/deliveries/[deliveryId]/redeliver/route");
const { PUT: setSplit, DELETE: clearSplit } = await import("@/app/api/v1/processes/[key]/split/route");
const { POST: retryJob } = await import("@/app/api/v1/queues/[queue]/jobs/[id]/retry/route");
const { DELETE: removeJob } = await import("@/app/api/v1/queues/[queue]/jobs/[id]/route");
const { PUT: putCalendar } = await import("@/app/api/v1/groups/[key]/calendar/route");
const { PATCH: updateUser } = await import("@/app/api/v1/users/[id]/route");
const { POST: deactivateUser } = await import("@/app/api/v1/users/[id]/deactivate/route");
const { POST: reactivateUser } = await import("@/app/api/v1/users/[id]/reactivate/route");
const { PUT: setMyOutOfOffice, DELETE: clearMyOutOfOffice } = await import("@/app/api/v1/me/out-of-office/route");
const { POST: startTotp } = await import("@/app/api/v1/me/totp/route");
const { POST: forward } = await import("@/app/api/v1/tasks/[id]/forward/route");
const { PUT: setSignInPolicy } = await import("@/app/api/v1/sign-in-policy/route");
const { POST: invitePerson } = await import("@/app/api/v1/invitations/route");
const { POST: resendInvitation, DELETE: revokeInvitation } = await import("@/app/api/v1/users/[id]/invitation/route");
const { POST: createGroup } = await import("@/app/api/v1/groups/route");
const { PATCH: updateGroup } = await import("@/app/api/v1/groups/[key]/route");
const { POST: archiveGroup, DELETE: restoreGroup } = await import("@/app/api/v1/groups/[key]/archive/route");
const { POST: addGroupMembers } = await import("@/app/api/v1/groups/[key]/members/route");
const { DELETE: removeGroupMember } = await import("@/app/api/v1/groups/[key]/members/[userId]/route");

type Route = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

let team: Team;
let adminToken: string;
let supervisorToken: string;
beforeAll(async () => {
  team = await makeTeam();
  adminToken = (await tokenFor(team, "ADMIN")).token;
  supervisorToken = (await tokenFor(team, "SUPERVISOR")).token;
});

interface Call {
  as: { user: keyof Team["users"] } | { token: () => string };
  route: Route;
  method?: string;
  params?: () => Promise<Record<string, string>>;
  body?: () => unknown;
  /** A raw body with its own headers (YAML, DMN XML, a CloudEvent). */
  raw?: () => { body: string; headers: Record<string, string> };
}

async function send(c: Call, requestId: string): Promise<Response> {
  // Set-up (params) may itself send requests as someone else: run it before choosing who calls.
  const params = (await c.params?.()) ?? {};
  const headers: Record<string, string> = { "x-request-id": requestId, "user-agent": "audit-coverage-test/1.0", "x-baton-client-ip": "203.0.113.7" };
  if ("token" in c.as) {
    headers.authorization = `Bearer ${c.as.token()}`;
    session.userId = null;
  } else {
    session.userId = team.users[c.as.user].id;
  }
  const raw = c.raw?.();
  const body = raw ? raw.body : c.body?.() === undefined ? undefined : JSON.stringify(c.body!());
  if (raw) Object.assign(headers, raw.headers);
  else if (body !== undefined) headers["content-type"] = "application/json";
  const req = new Request("http://localhost/api/v1/x", { method: c.method ?? "POST", headers, body });
  return c.route(req, { params: Promise.resolve(params) });
}

let bulkIds: string[] = [];
beforeAll(async () => {
  bulkIds = [(await groupTask(team)).id, (await groupTask(team)).id];
});

const claimedTask = async () => {
  const t = await groupTask(team);
  await send({ as: { user: "alice" }, route: claim as Route, params: async () => ({ id: t.id }) }, `setup-${uid()}`);
  return { id: t.id };
};

/** A group task Bob approved with the undo window open. */
const heldTask = async () => {
  const t = await groupTask(team);
  const res = await send({ as: { user: "bob" }, route: decide as Route, params: async () => ({ id: t.id }), body: () => ({ outcome: "approve", hold: true }) }, `setup-${uid()}`);
  expect(res.status).toBe(200);
  return { id: t.id };
};

/** A task assigned to Alice that Bob asked for (so Bob can be asked for information). */
const aliceTask = async () => createTaskService(team.as.admin, { title: `Cov ${uid()}`, assignee: team.users.alice.id, requestedBy: team.users.bob.id });
const waitingTask = async () => {
  const t = await aliceTask();
  await send({ as: { user: "alice" }, route: requestInfo as Route, params: async () => ({ id: t.id }), body: () => ({ question: "Which PO?" }) }, `setup-${uid()}`);
  return { id: t.id };
};
/** A process every person may request, and one request Alice filed (its first step pending: no worker runs here). */
const requestableProcess = async () => {
  const key = `cov-${uid()}`;
  const res = await send({ as: { token: () => adminToken }, route: publishProcess as Route, raw: () => ({ body: `requesters: ["*"]\n${processYaml(key)}`, headers: { "content-type": "application/yaml" } }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(201);
  return key;
};
let requestKey = "";
const alicesRequest = async () => {
  const key = await requestableProcess();
  const res = await send({ as: { user: "alice" }, route: submitRequest as Route, body: () => ({ process: key }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(201);
  return { id: ((await res.json()) as { id: string }).id };
};
const processYaml = (key: string) => `key: ${key}\nname: Coverage process\nsteps:\n  - id: stamp\n    kind: set\n    assign: { stamped: true }\n    next: done\n  - id: done\n    kind: end\n`;
/** A small PDF as a multipart upload (attachments). */
const pdfUpload = () => ({
  body: `--cov\r\nContent-Disposition: form-data; name="file"; filename="note.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--cov--\r\n`,
  headers: { "content-type": "multipart/form-data; boundary=cov" },
});
/** A bare request (process instance) to attach to. */
const bareInstance = async () => {
  const def = await db().processDefinition.create({ data: { key: `cov-att-${uid()}`, version: 1, name: "Coverage", document: {} } });
  return { id: (await db().processInstance.create({ data: { definitionId: def.id } })).id };
};
const publishedProcess = async () => {
  const key = `cov-${uid()}`;
  const res = await send({ as: { token: () => adminToken }, route: publishProcess as Route, raw: () => ({ body: processYaml(key), headers: { "content-type": "application/yaml" } }) }, `setup-${uid()}`);
  expect(res.status).toBe(201);
  return key;
};
/** A process with two active versions (for an A/B split). */
const twoVersionProcess = async () => {
  const key = await publishedProcess();
  const res = await send({ as: { token: () => adminToken }, route: publishProcess as Route, raw: () => ({ body: processYaml(key), headers: { "content-type": "application/yaml" } }) }, `setup-${uid()}`);
  expect(res.status).toBe(201);
  return key;
};
const splitProcess = async () => {
  const key = await twoVersionProcess();
  const res = await send({ as: { token: () => adminToken }, route: setSplit as Route, method: "PUT", params: async () => ({ key }), body: () => ({ versionA: 1, versionB: 2, percentB: 10 }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return { key };
};
const failedJob = async () => ({ queue: "maintenance", id: await failedMaintenanceJob() });
const tableXml = (key: string) => modelToDmnXml({ ...structuredClone(invoiceRoutingTable), key });
const draftTable = async () => {
  const key = `cov_${uid().replace(/-/g, "")}`;
  const res = await send({ as: { token: () => adminToken }, route: uploadTable as Route, raw: () => ({ body: tableXml(key), headers: { "content-type": "application/xml" } }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(201);
  return key;
};
/** A DMN model of one literal expression (no decision table), under an explicit key. */
const modelXml = (id: string) =>
  `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d_${id}" name="Coverage ${id}" namespace="https://baton.test/cov/${id}"><inputData id="a" name="A"><variable name="A" typeRef="number"/></inputData><decision id="twice" name="Twice"><informationRequirement id="r"><requiredInput href="#a"/></informationRequirement><literalExpression id="t"><text>A * 2</text></literalExpression></decision></definitions>`;
const draftModel = async () => {
  const id = uid().replace(/-/g, "");
  const res = await send({ as: { token: () => adminToken }, route: uploadModel as Route, raw: () => ({ body: modelXml(id), headers: { "content-type": "application/xml" } }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { key: string }).key;
};
const publishedModel = async () => {
  const key = await draftModel();
  const res = await send({ as: { token: () => adminToken }, route: publishModel as Route, params: async () => ({ key }), body: () => ({}) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return { key };
};
const publishedTable = async () => {
  const key = await draftTable();
  const res = await send({ as: { token: () => adminToken }, route: publishTable as Route, params: async () => ({ key }), body: () => ({}) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return { key };
};

const secretName = () => `cov_${uid().replace(/-/g, "")}`;
const existingSecret = async () => {
  const name = secretName();
  const res = await send({ as: { token: () => adminToken }, route: createSecretRoute as Route, body: () => ({ name, value: "coverage-secret-value", allowedHosts: ["erp.example.com"] }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(201);
  return { name };
};
const awayWindow = () => ({ from: new Date().toISOString(), until: new Date(Date.now() + 3 * 86_400_000).toISOString(), delegate: team.users.bob.id, reason: "Holiday" });
const carolAway = async () => {
  const res = await send({ as: { user: "supervisor" }, route: setOutOfOffice as Route, method: "PUT", params: async () => ({ id: team.users.carol.id }), body: awayWindow }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return { id: team.users.carol.id };
};
// Created inactive, so no other test's events are delivered to this address.
const webhookEndpoint = async () => {
  const res = await send({ as: { token: () => adminToken }, route: createWebhook as Route, body: () => ({ url: "http://127.0.0.1:9/coverage", active: false }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(201);
  return { id: ((await res.json()) as { id: string }).id };
};

/** A person of their own (deactivation must not touch the team's). */
const newPerson = async () => ({ id: (await createUser(db(), { name: `Coverage ${uid()}` })).id });
const invitedPerson = async () => {
  const res = await send({ as: { user: "admin" }, route: invitePerson as Route, body: () => ({ name: `Invited ${uid()}`, email: `invited-${uid()}@test.local` }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(201);
  return { id: ((await res.json()) as { user: { id: string } }).user.id };
};
const newGroup = async () => {
  const res = await send({ as: { user: "admin" }, route: createGroup as Route, body: () => ({ key: `cov-${uid()}`, name: "Coverage group" }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(201);
  return { key: ((await res.json()) as { key: string }).key };
};
const archivedGroup = async () => {
  const g = await newGroup();
  const res = await send({ as: { user: "admin" }, route: archiveGroup as Route, params: async () => g }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return g;
};
const groupWithAlice = async () => {
  const g = await newGroup();
  const res = await send({ as: { user: "admin" }, route: addGroupMembers as Route, params: async () => g, body: () => ({ people: [team.users.alice.id] }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return { ...g, userId: team.users.alice.id };
};
const leftPerson = async () => {
  const p = await newPerson();
  const res = await send({ as: { user: "admin" }, route: deactivateUser as Route, params: async () => p, body: () => ({ reason: "Left" }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return p;
};
const daveAway = async () => {
  const res = await send({ as: { user: "outsider" }, route: setMyOutOfOffice as Route, method: "PUT", body: awayWindow }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return {};
};

/** A process with versions 1 and 2 and one instance of v1 (its first step pending: no worker runs here). */
const instanceOnV1 = async () => {
  const key = await publishedProcess();
  const started = await send({ as: { token: () => adminToken }, route: startInstance as Route, params: async () => ({ key }), body: () => ({ variables: {} }) }, `setup-${uid()}`);
  const instance = (await started.json()) as { id: string; version: number };
  const v2 = await send({ as: { token: () => adminToken }, route: publishProcess as Route, raw: () => ({ body: processYaml(key), headers: { "content-type": "application/yaml" } }) }, `setup-${uid()}`);
  expect(v2.status).toBe(201);
  return { key, instance };
};
let migrationTarget: { key: string; instance: { id: string; version: number } };

/** A delivery that failed for good (its endpoint is inactive, so nothing else sends it). */
const failedDelivery = async () => {
  const { id } = await webhookEndpoint();
  const res = await send({ as: { token: () => adminToken }, route: testWebhook as Route, params: async () => ({ id }) }, `setup-${uid()}`);
  expect(res.status, await res.clone().text()).toBe(202);
  const deliveryId = ((await res.json()) as { id: string }).id;
  await db().webhookDelivery.update({ where: { id: deliveryId }, data: { status: "FAILED", attempts: 8, lastError: "HTTP 503" } });
  return { id, deliveryId };
};

const cases: { name: string; call: Call; status: number; actions: string[] }[] = [
  { name: "preview a migration: changes nothing (admin)", call: { as: { user: "admin" }, route: previewMigrationRoute as Route, params: async () => ({ key: (await instanceOnV1()).key }), body: () => ({ targetVersion: 2 }) }, status: 200, actions: [] },
  {
    name: "migrate an instance to v2 (token)",
    call: {
      as: { token: () => adminToken },
      route: migrateRoute as Route,
      params: async () => {
        migrationTarget = await instanceOnV1();
        return { key: migrationTarget.key };
      },
      body: () => ({ targetVersion: 2, instances: [{ id: migrationTarget.instance.id, version: migrationTarget.instance.version }] }),
    },
    status: 200,
    actions: ["instance.migrated"],
  },
  { name: "create a named secret (admin)", call: { as: { user: "admin" }, route: createSecretRoute as Route, body: () => ({ name: secretName(), value: "coverage-secret-value", allowedHosts: ["erp.example.com"] }) }, status: 201, actions: ["secret.created"] },
  { name: "rotate a named secret (token)", call: { as: { token: () => adminToken }, route: rotateSecretRoute as Route, method: "PUT", params: existingSecret, body: () => ({ value: "rotated-secret-value" }) }, status: 200, actions: ["secret.rotated"] },
  { name: "delete a named secret (admin)", call: { as: { user: "admin" }, route: deleteSecretRoute as Route, method: "DELETE", params: existingSecret }, status: 200, actions: ["secret.deleted"] },
  { name: "member creates a secret (403)", call: { as: { user: "alice" }, route: createSecretRoute as Route, body: () => ({ name: secretName(), value: "nope-nope", allowedHosts: ["erp.example.com"] }) }, status: 403, actions: [] },
  { name: "create task (token)", call: { as: { token: () => supervisorToken }, route: createTask as Route, body: () => ({ title: `Cov ${uid()}`, candidateGroup: team.group.key }) }, status: 201, actions: ["task.created", "task.routed"] },
  { name: "claim (person)", call: { as: { user: "alice" }, route: claim as Route, params: async () => ({ id: (await groupTask(team)).id }) }, status: 200, actions: ["task.claimed"] },
  { name: "unclaim (person)", call: { as: { user: "alice" }, route: unclaim as Route, params: claimedTask }, status: 200, actions: ["task.unclaimed"] },
  { name: "approve (person)", call: { as: { user: "bob" }, route: decide as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ outcome: "approve" }) }, status: 200, actions: ["task.approved"] },
  { name: "reject (person)", call: { as: { user: "carol" }, route: decide as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ outcome: "reject", reason: "Duplicate invoice" }) }, status: 200, actions: ["task.rejected"] },
  { name: "cancel (token)", call: { as: { token: () => supervisorToken }, route: cancel as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ reason: "Withdrawn" }) }, status: 200, actions: ["task.cancelled"] },
  { name: "approve with the undo window (person)", call: { as: { user: "bob" }, route: decide as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ outcome: "approve", hold: true }) }, status: 200, actions: ["task.approved"] },
  { name: "undo within the window (person)", call: { as: { user: "bob" }, route: undo as Route, params: heldTask }, status: 200, actions: ["task.decision_undone"] },
  { name: "reassign (supervisor)", call: { as: { user: "supervisor" }, route: reassign as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ assignee: team.users.bob.id, reason: "Cover" }) }, status: 200, actions: ["task.reassigned"] },
  { name: "four-eyes first approval (person)", call: { as: { user: "bob" }, route: decide as Route, params: async () => ({ id: (await groupTask(team, { approvalsRequired: 2 })).id }), body: () => ({ outcome: "approve" }) }, status: 200, actions: ["task.approval_recorded"] },
  { name: "bulk approve, one entry a task (person)", call: { as: { user: "carol" }, route: bulk as Route, body: () => ({ action: "approve", taskIds: bulkIds }) }, status: 200, actions: ["task.approved", "task.approved"] },
  { name: "create API token (admin)", call: { as: { user: "admin" }, route: createToken as Route, body: () => ({ name: `cov-${uid()}`, role: "MEMBER" }) }, status: 201, actions: ["token.created"] },
  { name: "revoke API token (admin token)", call: { as: { token: () => adminToken }, route: revokeToken as Route, method: "DELETE", params: async () => ({ id: (await tokenFor(team, "MEMBER")).id }) }, status: 200, actions: ["token.revoked"] },
  { name: "create a service account (admin)", call: { as: { user: "admin" }, route: createServiceAccount as Route, body: () => ({ name: `cov-sa-${uid()}` }) }, status: 201, actions: ["service_account.created"] },
  { name: "deactivate a service account (admin)", call: { as: { user: "admin" }, route: updateServiceAccount as Route, method: "PATCH", params: async () => ({ id: (await newServiceAccount(team.as.admin, { name: `cov-sa-${uid()}` })).id }), body: () => ({ active: false }) }, status: 200, actions: ["service_account.deactivated"] },
  { name: "verify the chain (auditor)", call: { as: { user: "auditor" }, route: verify as Route }, status: 200, actions: ["audit.verified"] },
  { name: "request info (person)", call: { as: { user: "alice" }, route: requestInfo as Route, params: async () => ({ id: (await aliceTask()).id }), body: () => ({ question: "Which purchase order is this for?" }) }, status: 200, actions: ["task.info_requested"] },
  { name: "answer (person asked)", call: { as: { user: "bob" }, route: answer as Route, params: waitingTask, body: () => ({ answer: "PO-1411" }) }, status: 200, actions: ["task.info_answered"] },
  { name: "attach a file to a task (person)", call: { as: { user: "alice" }, route: attachToTask as Route, params: async () => ({ id: (await aliceTask()).id }), raw: pdfUpload }, status: 201, actions: ["attachment.added"] },
  { name: "attach a file to a request (token)", call: { as: { token: () => adminToken }, route: attachToInstance as Route, params: bareInstance, raw: pdfUpload }, status: 201, actions: ["attachment.added"] },
  { name: "attach HTML named .pdf (415)", call: { as: { user: "alice" }, route: attachToTask as Route, params: async () => ({ id: (await aliceTask()).id }), raw: () => ({ ...pdfUpload(), body: pdfUpload().body.replace("%PDF-1.4", "<html>") }) }, status: 415, actions: [] },
  { name: "comment (person)", call: { as: { user: "alice" }, route: comment as Route, params: async () => ({ id: (await aliceTask()).id }), body: () => ({ body: "Checked the delivery note." }) }, status: 201, actions: ["task.commented"] },
  { name: "publish a process (token)", call: { as: { token: () => adminToken }, route: publishProcess as Route, raw: () => ({ body: processYaml(`cov-${uid()}`), headers: { "content-type": "application/yaml" } }) }, status: 201, actions: ["process.published"] },
  { name: "start an instance (token)", call: { as: { token: () => adminToken }, route: startInstance as Route, params: async () => ({ key: await publishedProcess() }), body: () => ({ variables: { amount: 10 } }) }, status: 201, actions: ["instance.started"] },
  { name: "cancel an instance (admin)", call: { as: { user: "admin" }, route: cancelInstance as Route, params: async () => { const key = await publishedProcess(); const res = await send({ as: { token: () => adminToken }, route: startInstance as Route, params: async () => ({ key }), body: () => ({}) }, `setup-${uid()}`); return { id: ((await res.json()) as { id: string }).id }; }, body: () => ({ reason: "Vendor withdrew the invoice" }) }, status: 200, actions: ["instance.cancelled"] },
  { name: "file a request (person)", call: { as: { user: "alice" }, route: submitRequest as Route, params: async () => ((requestKey = await requestableProcess()), {}), body: () => ({ process: requestKey }) }, status: 201, actions: ["instance.started", "request.submitted"] },
  { name: "upload a file for a request (person)", call: { as: { user: "alice" }, route: uploadRequestFile as Route, raw: pdfUpload }, status: 201, actions: ["attachment.added"] },
  { name: "upload HTML named .pdf for a request (415)", call: { as: { user: "alice" }, route: uploadRequestFile as Route, raw: () => ({ ...pdfUpload(), body: pdfUpload().body.replace("%PDF-1.4", "<html>") }) }, status: 415, actions: [] },
  { name: "file a request with an unknown process (404)", call: { as: { user: "alice" }, route: submitRequest as Route, body: () => ({ process: "no-such-process" }) }, status: 404, actions: [] },
  { name: "withdraw a request (requester)", call: { as: { user: "alice" }, route: withdrawRequest as Route, params: alicesRequest, body: () => ({ reason: "Bought it myself" }) }, status: 200, actions: ["instance.cancelled", "request.withdrawn"] },
  { name: "cancel an instance without a reason (422)", call: { as: { user: "admin" }, route: cancelInstance as Route, params: async () => ({ id: "any" }), body: () => ({}) }, status: 422, actions: [] },
  { name: "deprecate a version (admin)", call: { as: { user: "admin" }, route: deprecate as Route, params: async () => ({ key: await publishedProcess(), n: "1" }), body: () => ({}) }, status: 200, actions: ["process.deprecated"] },
  { name: "post a CloudEvent nobody subscribes to (token)", call: { as: { token: () => adminToken }, route: postEvent as Route, raw: () => { const m = HTTP.structured(new CloudEvent({ id: `evt-${uid()}`, source: "urn:acme:erp", type: `com.acme.coverage.${uid()}`, data: { n: 1 } })); return { body: m.body as string, headers: m.headers as Record<string, string> }; } }, status: 202, actions: ["event.received", "event.processed"] },
  { name: "post a CloudEvent with Prefer: respond-async (token)", call: { as: { token: () => adminToken }, route: postEvent as Route, raw: () => { const m = HTTP.structured(new CloudEvent({ id: `evt-${uid()}`, source: "urn:acme:erp", type: `com.acme.coverage.${uid()}`, data: { n: 1 } })); return { body: m.body as string, headers: { ...(m.headers as Record<string, string>), prefer: "respond-async" } }; } }, status: 202, actions: ["event.received"] },
  { name: "upload a decision table (token)", call: { as: { token: () => adminToken }, route: uploadTable as Route, raw: () => ({ body: tableXml(`cov_${uid().replace(/-/g, "")}`), headers: { "content-type": "application/xml" } }) }, status: 201, actions: ["decision_table.draft_created"] },
  { name: "replace its test cases (admin)", call: { as: { user: "admin" }, route: putTestCases as Route, method: "PUT", params: async () => ({ key: await draftTable() }), body: () => ({ testCases: [] }) }, status: 200, actions: ["decision_table.test_cases_updated"] },
  { name: "publish it (admin)", call: { as: { user: "admin" }, route: publishTable as Route, params: async () => ({ key: await draftTable() }), body: () => ({}) }, status: 200, actions: ["decision_table.published"] },
  { name: "evaluate it (token)", call: { as: { token: () => adminToken }, route: evaluateTable as Route, params: publishedTable, body: () => ({ inputs: { amount: 500, newVendor: false } }) }, status: 200, actions: ["decision_table.evaluated"] },
  { name: "archive a table (admin)", call: { as: { user: "admin" }, route: archiveTable as Route, params: async () => ({ key: await draftTable() }) }, status: 200, actions: ["decision_table.archived"] },
  { name: "restore it (token)", call: { as: { token: () => adminToken }, route: restoreTable as Route, method: "DELETE", params: async () => { const key = await draftTable(); await send({ as: { token: () => adminToken }, route: archiveTable as Route, params: async () => ({ key }) }, `setup-${uid()}`); return { key }; } }, status: 200, actions: ["decision_table.restored"] },
  { name: "upload a decision model (token)", call: { as: { token: () => adminToken }, route: uploadModel as Route, raw: () => ({ body: modelXml(uid().replace(/-/g, "")), headers: { "content-type": "application/xml" } }) }, status: 201, actions: ["decision_model.draft_created"] },
  { name: "replace a model's test cases (admin)", call: { as: { user: "admin" }, route: putModelTestCases as Route, method: "PUT", params: async () => ({ key: await draftModel() }), body: () => ({ testCases: [{ name: "twice", decision: "Twice", inputs: { A: 2 }, expected: 4 }] }) }, status: 200, actions: ["decision_model.test_cases_updated"] },
  { name: "publish a model (admin)", call: { as: { user: "admin" }, route: publishModel as Route, params: async () => ({ key: await draftModel() }), body: () => ({}) }, status: 200, actions: ["decision_model.published"] },
  { name: "evaluate a model's decision (token)", call: { as: { token: () => adminToken }, route: evaluateModel as Route, params: publishedModel, body: () => ({ decision: "Twice", inputs: { A: 21 } }) }, status: 200, actions: ["decision_model.evaluated"] },
  { name: "archive a model (admin)", call: { as: { user: "admin" }, route: archiveModel as Route, params: async () => ({ key: await draftModel() }) }, status: 200, actions: ["decision_model.archived"] },
  { name: "restore a model (token)", call: { as: { token: () => adminToken }, route: restoreModel as Route, method: "DELETE", params: async () => { const key = await draftModel(); await send({ as: { token: () => adminToken }, route: archiveModel as Route, params: async () => ({ key }) }, `setup-${uid()}`); return { key }; } }, status: 200, actions: ["decision_model.restored"] },
  { name: "set a member's out of office (supervisor)", call: { as: { user: "supervisor" }, route: setOutOfOffice as Route, method: "PUT", params: async () => ({ id: team.users.carol.id }), body: awayWindow }, status: 200, actions: ["user.out_of_office_set"] },
  { name: "end it (supervisor)", call: { as: { user: "supervisor" }, route: clearOutOfOffice as Route, method: "DELETE", params: carolAway }, status: 200, actions: ["user.out_of_office_cleared"] },
  { name: "change notification preferences (person)", call: { as: { user: "alice" }, route: putPreferences as Route, method: "PUT", body: () => ({ preferences: [{ kind: "task.mentioned", channel: "EMAIL", enabled: true }] }) }, status: 200, actions: ["user.notification_preferences_updated"] },
  { name: "add a webhook endpoint (admin)", call: { as: { user: "admin" }, route: createWebhook as Route, body: () => ({ url: "http://127.0.0.1:9/hook", active: false }) }, status: 201, actions: ["webhook.created"] },
  { name: "change it (admin token)", call: { as: { token: () => adminToken }, route: updateWebhook as Route, method: "PATCH", params: webhookEndpoint, body: () => ({ description: "ERP", rotateSecret: true }) }, status: 200, actions: ["webhook.updated"] },
  { name: "send it a test event (admin)", call: { as: { user: "admin" }, route: testWebhook as Route, params: webhookEndpoint }, status: 202, actions: ["webhook.test_sent"] },
  { name: "redeliver a failed delivery (admin)", call: { as: { user: "admin" }, route: redeliverWebhook as Route, params: failedDelivery }, status: 202, actions: ["webhook.redelivered"] },
  { name: "delete it (admin)", call: { as: { user: "admin" }, route: deleteWebhook as Route, method: "DELETE", params: webhookEndpoint }, status: 200, actions: ["webhook.deleted"] },
  { name: "set a group's business calendar (admin)", call: { as: { user: "admin" }, route: putCalendar as Route, method: "PUT", params: async () => ({ key: team.group.key }), body: () => ({ timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }) }, status: 200, actions: ["calendar.updated"] },
  { name: "set my own out of office (person)", call: { as: { user: "carol" }, route: setMyOutOfOffice as Route, method: "PUT", body: awayWindow }, status: 200, actions: ["user.out_of_office_set"] },
  { name: "end my own out of office (person)", call: { as: { user: "outsider" }, route: clearMyOutOfOffice as Route, method: "DELETE", params: daveAway }, status: 200, actions: ["user.out_of_office_cleared"] },
  { name: "change a person's role and skills (admin)", call: { as: { user: "admin" }, route: updateUser as Route, method: "PATCH", params: newPerson, body: () => ({ role: "SUPERVISOR", skills: ["german"] }) }, status: 200, actions: ["user.updated"] },
  { name: "deactivate a person (admin token)", call: { as: { token: () => adminToken }, route: deactivateUser as Route, params: newPerson, body: () => ({ reason: "Left the company" }) }, status: 200, actions: ["user.deactivated"] },
  { name: "reactivate them (admin)", call: { as: { user: "admin" }, route: reactivateUser as Route, params: leftPerson }, status: 200, actions: ["user.reactivated"] },
  { name: "invite a person (admin)", call: { as: { user: "admin" }, route: invitePerson as Route, body: () => ({ name: `Invitee ${uid()}`, email: `invitee-${uid()}@test.local`, groups: [team.group.key] }) }, status: 201, actions: ["user.invited"] },
  { name: "resend an invitation (admin token)", call: { as: { token: () => adminToken }, route: resendInvitation as Route, params: invitedPerson }, status: 200, actions: ["user.invitation_resent"] },
  { name: "revoke an invitation (admin)", call: { as: { user: "admin" }, route: revokeInvitation as Route, method: "DELETE", params: invitedPerson }, status: 200, actions: ["user.invitation_revoked"] },
  { name: "supervisor invites (403)", call: { as: { user: "supervisor" }, route: invitePerson as Route, body: () => ({ name: "No", email: `no-${uid()}@test.local` }) }, status: 403, actions: [] },
  { name: "invite someone already in Baton (409)", call: { as: { user: "admin" }, route: invitePerson as Route, body: () => ({ name: "Alice", email: team.users.alice.email }) }, status: 409, actions: [] },
  { name: "create a group (admin)", call: { as: { user: "admin" }, route: createGroup as Route, body: () => ({ key: `cov-${uid()}`, name: "Claims", skills: ["motor"] }) }, status: 201, actions: ["group.created"] },
  { name: "rename a group (admin token)", call: { as: { token: () => adminToken }, route: updateGroup as Route, method: "PATCH", params: newGroup, body: () => ({ name: "Renamed" }) }, status: 200, actions: ["group.updated"] },
  { name: "archive a group (admin)", call: { as: { user: "admin" }, route: archiveGroup as Route, params: newGroup, body: () => ({ reason: "merged" }) }, status: 200, actions: ["group.archived"] },
  { name: "restore a group (admin)", call: { as: { user: "admin" }, route: restoreGroup as Route, method: "DELETE", params: archivedGroup }, status: 200, actions: ["group.restored"] },
  { name: "add group members (admin)", call: { as: { user: "admin" }, route: addGroupMembers as Route, params: newGroup, body: () => ({ people: [team.users.bob.email] }) }, status: 200, actions: ["group.members_added"] },
  { name: "remove a group member (admin)", call: { as: { user: "admin" }, route: removeGroupMember as Route, method: "DELETE", params: groupWithAlice }, status: 200, actions: ["group.member_removed"] },
  { name: "supervisor creates a group (403)", call: { as: { user: "supervisor" }, route: createGroup as Route, body: () => ({ key: `cov-${uid()}`, name: "No" }) }, status: 403, actions: [] },
  { name: "archive a group with open work (409)", call: { as: { user: "admin" }, route: archiveGroup as Route, params: async () => { await groupTask(team); return { key: team.group.key }; } }, status: 409, actions: [] },
  { name: "supervisor changes a person (403)", call: { as: { user: "supervisor" }, route: updateUser as Route, method: "PATCH", params: newPerson, body: () => ({ role: "ADMIN" }) }, status: 403, actions: [] },
  { name: "deactivate without a reason (422)", call: { as: { user: "admin" }, route: deactivateUser as Route, params: newPerson, body: () => ({ reason: "" }) }, status: 422, actions: [] },
  { name: "forward my task to a colleague (person)", call: { as: { user: "alice" }, route: forward as Route, params: claimedTask, body: () => ({ to: team.users.bob.id, reason: "Bob knows this vendor" }) }, status: 200, actions: ["task.forwarded"] },
  { name: "forward someone else's task (403)", call: { as: { user: "bob" }, route: forward as Route, params: claimedTask, body: () => ({ to: team.users.carol.id, reason: "x" }) }, status: 403, actions: [] },
  { name: "start setting up two-step sign-in (person)", call: { as: { user: "carol" }, route: startTotp as Route }, status: 200, actions: ["user.totp_enrolment_started"] },
  // An empty list keeps the shared database's sign-in policy as every other suite expects it.
  { name: "change the sign-in policy (admin)", call: { as: { user: "admin" }, route: setSignInPolicy as Route, method: "PUT", body: () => ({ mfaRequiredRoles: [] }) }, status: 200, actions: ["signin_policy.changed"] },
  { name: "supervisor changes the sign-in policy (403)", call: { as: { user: "supervisor" }, route: setSignInPolicy as Route, method: "PUT", body: () => ({ mfaRequiredRoles: ["MEMBER"] }) }, status: 403, actions: [] },
  { name: "admin requires their own role without a factor, unconfirmed (409)", call: { as: { user: "admin" }, route: setSignInPolicy as Route, method: "PUT", body: () => ({ mfaRequiredRoles: ["ADMIN"] }) }, status: 409, actions: [] },
  // Refused requests change nothing and write nothing.
  { name: "member sets someone's out of office (403)", call: { as: { user: "alice" }, route: setOutOfOffice as Route, method: "PUT", params: async () => ({ id: team.users.bob.id }), body: awayWindow }, status: 403, actions: [] },
  { name: "supervisor sets an outsider's out of office (403)", call: { as: { user: "supervisor" }, route: setOutOfOffice as Route, method: "PUT", params: async () => ({ id: team.users.outsider.id }), body: awayWindow }, status: 403, actions: [] },
  { name: "member adds a webhook (403)", call: { as: { user: "alice" }, route: createWebhook as Route, body: () => ({ url: "http://127.0.0.1:9/hook" }) }, status: 403, actions: [] },
  { name: "set an A/B version split (admin)", call: { as: { user: "admin" }, route: setSplit as Route, method: "PUT", params: async () => ({ key: await twoVersionProcess() }), body: () => ({ versionA: 1, versionB: 2, percentB: 10 }) }, status: 200, actions: ["process.split_set"] },
  { name: "remove it (token)", call: { as: { token: () => adminToken }, route: clearSplit as Route, method: "DELETE", params: splitProcess }, status: 204, actions: ["process.split_cleared"] },
  { name: "retry a failed job (admin)", call: { as: { user: "admin" }, route: retryJob as Route, params: failedJob }, status: 200, actions: ["queue.job_retried"] },
  { name: "remove a failed job (token)", call: { as: { token: () => adminToken }, route: removeJob as Route, method: "DELETE", params: failedJob }, status: 200, actions: ["queue.job_removed"] },
  // Refused requests change nothing and write nothing.
  { name: "supervisor removes a failed job (403)", call: { as: { user: "supervisor" }, route: removeJob as Route, method: "DELETE", params: failedJob }, status: 403, actions: [] },
  { name: "split with a missing version (422)", call: { as: { user: "admin" }, route: setSplit as Route, method: "PUT", params: async () => ({ key: await publishedProcess() }), body: () => ({ versionA: 1, versionB: 7, percentB: 50 }) }, status: 422, actions: [] },
  { name: "decide a decided task (409)", call: { as: { user: "bob" }, route: decide as Route, params: async () => { const t = await groupTask(team); await send({ as: { user: "alice" }, route: decide as Route, params: async () => ({ id: t.id }), body: () => ({ outcome: "approve" }) }, `setup-${uid()}`); return { id: t.id }; }, body: () => ({ outcome: "approve" }) }, status: 409, actions: [] },
  { name: "undo someone else's decision (403)", call: { as: { user: "carol" }, route: undo as Route, params: heldTask }, status: 403, actions: [] },
  { name: "undo a decision without a window (409)", call: { as: { user: "bob" }, route: undo as Route, params: async () => { const t = await groupTask(team); await send({ as: { user: "bob" }, route: decide as Route, params: async () => ({ id: t.id }), body: () => ({ outcome: "approve" }) }, `setup-${uid()}`); return { id: t.id }; } }, status: 409, actions: [] },
  { name: "reject without reason (422)", call: { as: { user: "bob" }, route: decide as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ outcome: "reject" }) }, status: 422, actions: [] },
  { name: "member creates a token (403)", call: { as: { user: "alice" }, route: createToken as Route, body: () => ({ name: "nope", role: "ADMIN" }) }, status: 403, actions: [] },
  { name: "member reassigns a task (403)", call: { as: { user: "alice" }, route: reassign as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ assignee: team.users.bob.id, reason: "x" }) }, status: 403, actions: [] },
  { name: "supervisor sets a calendar (403)", call: { as: { user: "supervisor" }, route: putCalendar as Route, method: "PUT", params: async () => ({ key: team.group.key }), body: () => ({ timeZone: "UTC", workingDays: [1], start: "09:00", end: "17:00" }) }, status: 403, actions: [] },
  { name: "member cancels a task (403)", call: { as: { user: "alice" }, route: cancel as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ reason: "x" }) }, status: 403, actions: [] },
];

describe("audit coverage of mutating routes", () => {
  for (const c of cases) {
    it(`${c.name} → ${c.actions.join(", ") || "no entry"}`, async () => {
      const requestId = `cov-${randomUUID()}`;
      const res = await send(c.call, requestId);
      expect(res.status, await res.clone().text()).toBe(c.status);
      const entries = await db().auditEntry.findMany({ where: { requestId }, orderBy: { seq: "asc" } });
      expect(entries.map((e) => e.action)).toEqual(c.actions);
      for (const e of entries) {
        if ("user" in c.call.as) {
          const user = team.users[c.call.as.user];
          expect(e).toMatchObject({ actorType: "USER", actorId: user.id, actorName: user.name, ip: "203.0.113.7", userAgent: "audit-coverage-test/1.0" });
        } else {
          expect(e.actorType).toBe("TOKEN");
          expect(e.actorName).toMatch(/^token:/);
        }
      }
    });
  }
});

// Every route that can change something is either in the table above or exempt with a reason;
// a new mutating route fails this until someone decides what it must audit.
const COVERED = new Set([
  "app/api/v1/requests/route.ts",
  "app/api/v1/requests/files/route.ts",
  "app/api/v1/me/requests/[id]/withdraw/route.ts",
  "app/api/v1/tasks/route.ts",
  "app/api/v1/tasks/[id]/claim/route.ts",
  "app/api/v1/tasks/[id]/unclaim/route.ts",
  "app/api/v1/tasks/[id]/decision/route.ts",
  "app/api/v1/tasks/[id]/cancel/route.ts",
  "app/api/v1/tasks/[id]/reassign/route.ts",
  "app/api/v1/tasks/[id]/request-info/route.ts",
  "app/api/v1/tasks/[id]/answer/route.ts",
  "app/api/v1/tasks/[id]/comments/route.ts",
  "app/api/v1/tasks/[id]/attachments/route.ts",
  "app/api/v1/instances/[id]/attachments/route.ts",
  "app/api/v1/tasks/bulk/route.ts",
  "app/api/v1/tasks/[id]/undo/route.ts",
  "app/api/v1/tokens/route.ts",
  "app/api/v1/tokens/[id]/route.ts",
  "app/api/v1/service-accounts/route.ts",
  "app/api/v1/service-accounts/[id]/route.ts",
  "app/api/v1/audit/verify/route.ts",
  "app/api/v1/processes/route.ts",
  "app/api/v1/processes/[key]/instances/route.ts",
  "app/api/v1/processes/[key]/versions/[n]/deprecate/route.ts",
  "app/api/v1/instances/[id]/cancel/route.ts",
  "app/api/v1/events/route.ts",
  "app/api/v1/decision-tables/route.ts",
  "app/api/v1/decision-tables/[key]/test-cases/route.ts",
  "app/api/v1/decision-tables/[key]/publish/route.ts",
  "app/api/v1/decision-tables/[key]/evaluate/route.ts",
  "app/api/v1/decision-tables/[key]/archive/route.ts",
  "app/api/v1/decision-models/route.ts",
  "app/api/v1/decision-models/[key]/test-cases/route.ts",
  "app/api/v1/decision-models/[key]/publish/route.ts",
  "app/api/v1/decision-models/[key]/evaluate/route.ts",
  "app/api/v1/decision-models/[key]/archive/route.ts",
  "app/api/v1/secrets/route.ts",
  "app/api/v1/processes/[key]/migrations/route.ts",
  "app/api/v1/processes/[key]/migrations/preview/route.ts",
  "app/api/v1/secrets/[name]/route.ts",
  "app/api/v1/team/members/[id]/out-of-office/route.ts",
  "app/api/v1/me/notification-preferences/route.ts",
  "app/api/v1/webhooks/route.ts",
  "app/api/v1/webhooks/[id]/route.ts",
  "app/api/v1/webhooks/[id]/test/route.ts",
  "app/api/v1/webhooks/[id]/deliveries/[deliveryId]/redeliver/route.ts",
  "app/api/v1/processes/[key]/split/route.ts",
  "app/api/v1/queues/[queue]/jobs/[id]/retry/route.ts",
  "app/api/v1/queues/[queue]/jobs/[id]/route.ts",
  "app/api/v1/groups/[key]/calendar/route.ts",
  "app/api/v1/users/[id]/route.ts",
  "app/api/v1/users/[id]/deactivate/route.ts",
  "app/api/v1/users/[id]/reactivate/route.ts",
  "app/api/v1/me/out-of-office/route.ts",
  "app/api/v1/me/totp/route.ts",
  "app/api/v1/tasks/[id]/forward/route.ts",
  "app/api/v1/sign-in-policy/route.ts",
  "app/api/v1/invitations/route.ts",
  "app/api/v1/users/[id]/invitation/route.ts",
  "app/api/v1/groups/route.ts",
  "app/api/v1/groups/[key]/route.ts",
  "app/api/v1/groups/[key]/archive/route.ts",
  "app/api/v1/groups/[key]/members/route.ts",
  "app/api/v1/groups/[key]/members/[userId]/route.ts",
]);
const EXEMPT: Record<string, string> = {
  "app/api/v1/invitations/lookup/route.ts": "public and read-only (POST only so the link's token stays out of URLs)",
  "app/api/v1/email-actions/[token]/route.ts": "decides through decideTask, whose task.approved / task.rejected entries (with channel email) are asserted in tests/email-action-links.int.test.ts",
  "app/api/v1/invitations/accept/route.ts": "public (no caller to attribute): its user.invitation_accepted entry, made as the invitee, is asserted in tests/org-admin.int.test.ts",
  "app/api/v1/notifications/read/route.ts": "marks the caller's own notifications read: personal state, not an audited subject",
  "app/api/v1/saved-filters/route.ts": "a person's saved inbox view: personal preference",
  "app/api/v1/tasks/[id]/presence/route.ts": "presence heartbeats: ephemeral (Redis, gone after 30 s), no record changes",
  "app/api/v1/me/settings/route.ts": "a person's own preferences (shortcuts on/off, time zone): personal preference",
  "app/api/v1/saved-filters/[id]/route.ts": "a person's saved inbox view: personal preference",
  "app/api/demo/erp/[action]/route.ts": "the demo's stand-in ERP, not Baton's state",
  "app/api/v1/instances/[id]/retry/route.ts": "needs a failed instance; its step.retried entry is asserted in tests/engine.int.test.ts",
  "app/api/v1/instances/[id]/skip/route.ts": "needs a failed instance; its step.skipped entry is asserted in tests/engine-runtime.int.test.ts",
  "app/api/auth/[...nextauth]/route.ts": "sign-in; user.login and user.login_failed are asserted in tests/identity.int.test.ts",
  "app/api/v1/account/password-reset/route.ts": "public (no person calls it): user.password_reset_requested and _refused are asserted in tests/account-security.int.test.ts",
  "app/api/v1/account/password-reset/complete/route.ts": "public (a reset token, no session): user.password_reset is asserted in tests/account-security.int.test.ts",
  "app/api/v1/me/totp/confirm/route.ts": "needs a code of the secret just made: user.totp_enabled is asserted in tests/account-security.int.test.ts",
  "app/api/v1/me/totp/disable/route.ts": "needs a password and a code: user.totp_disabled is asserted in tests/account-security.int.test.ts",
};

function mutatingRoutes(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) mutatingRoutes(full, out);
    else if (name === "route.ts" && /export (const|async function) (POST|PUT|PATCH|DELETE)\b|export const \{[^}]*\bPOST\b/.test(readFileSync(full, "utf8"))) out.push(full);
  }
  return out;
}

describe("audit coverage guard", () => {
  it("every mutating route is in the coverage table or exempt with a reason", () => {
    const root = path.resolve(__dirname, "..");
    const routes = mutatingRoutes(path.join(root, "app", "api")).map((f) => path.relative(root, f).split(path.sep).join("/"));
    const uncovered = routes.filter((r) => !COVERED.has(r) && !(r in EXEMPT));
    expect(uncovered, "add these routes to the coverage table (or EXEMPT with a reason)").toEqual([]);
    for (const r of COVERED) expect(routes, `${r} is listed but is not a mutating route any more`).toContain(r);
  });
});
