// Every mutating API route writes exactly the audit entries it should — no more, none missing —
// with who (actor), where from (IP, user agent) and the request id; a refused request writes none.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db, groupTask, makeTeam, tokenFor, uid, type Team } from "./helpers";

// People reach the API with a next-auth session; the session lookup is replaced by a variable
// the test sets (the database, Redis and services stay real).
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));

const { POST: createTask } = await import("@/app/api/v1/tasks/route");
const { POST: claim } = await import("@/app/api/v1/tasks/[id]/claim/route");
const { POST: unclaim } = await import("@/app/api/v1/tasks/[id]/unclaim/route");
const { POST: decide } = await import("@/app/api/v1/tasks/[id]/decision/route");
const { POST: cancel } = await import("@/app/api/v1/tasks/[id]/cancel/route");
const { POST: reassign } = await import("@/app/api/v1/tasks/[id]/reassign/route");
const { POST: bulk } = await import("@/app/api/v1/tasks/bulk/route");
const { POST: createToken } = await import("@/app/api/v1/tokens/route");
const { DELETE: revokeToken } = await import("@/app/api/v1/tokens/[id]/route");
const { POST: verify } = await import("@/app/api/v1/audit/verify/route");

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
}

async function send(c: Call, requestId: string): Promise<Response> {
  const headers: Record<string, string> = { "x-request-id": requestId, "user-agent": "audit-coverage-test/1.0", "x-forwarded-for": "203.0.113.7" };
  if ("token" in c.as) {
    headers.authorization = `Bearer ${c.as.token()}`;
    session.userId = null;
  } else {
    session.userId = team.users[c.as.user].id;
  }
  const body = c.body?.();
  if (body !== undefined) headers["content-type"] = "application/json";
  const req = new Request("http://localhost/api/v1/x", { method: c.method ?? "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return c.route(req, { params: Promise.resolve((await c.params?.()) ?? {}) });
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

const cases: { name: string; call: Call; status: number; actions: string[] }[] = [
  { name: "create task (token)", call: { as: { token: () => supervisorToken }, route: createTask as Route, body: () => ({ title: `Cov ${uid()}`, candidateGroup: team.group.key }) }, status: 201, actions: ["task.created", "task.routed"] },
  { name: "claim (person)", call: { as: { user: "alice" }, route: claim as Route, params: async () => ({ id: (await groupTask(team)).id }) }, status: 200, actions: ["task.claimed"] },
  { name: "unclaim (person)", call: { as: { user: "alice" }, route: unclaim as Route, params: claimedTask }, status: 200, actions: ["task.unclaimed"] },
  { name: "approve (person)", call: { as: { user: "bob" }, route: decide as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ outcome: "approve" }) }, status: 200, actions: ["task.approved"] },
  { name: "reject (person)", call: { as: { user: "carol" }, route: decide as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ outcome: "reject", reason: "Duplicate invoice" }) }, status: 200, actions: ["task.rejected"] },
  { name: "cancel (token)", call: { as: { token: () => supervisorToken }, route: cancel as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ reason: "Withdrawn" }) }, status: 200, actions: ["task.cancelled"] },
  { name: "reassign (supervisor)", call: { as: { user: "supervisor" }, route: reassign as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ assignee: team.users.bob.id, reason: "Cover" }) }, status: 200, actions: ["task.reassigned"] },
  { name: "four-eyes first approval (person)", call: { as: { user: "bob" }, route: decide as Route, params: async () => ({ id: (await groupTask(team, { approvalsRequired: 2 })).id }), body: () => ({ outcome: "approve" }) }, status: 200, actions: ["task.approval_recorded"] },
  { name: "bulk approve, one entry a task (person)", call: { as: { user: "carol" }, route: bulk as Route, body: () => ({ action: "approve", taskIds: bulkIds }) }, status: 200, actions: ["task.approved", "task.approved"] },
  { name: "create API token (admin)", call: { as: { user: "admin" }, route: createToken as Route, body: () => ({ name: `cov-${uid()}`, role: "MEMBER" }) }, status: 201, actions: ["token.created"] },
  { name: "revoke API token (admin token)", call: { as: { token: () => adminToken }, route: revokeToken as Route, method: "DELETE", params: async () => ({ id: (await tokenFor(team, "MEMBER")).id }) }, status: 200, actions: ["token.revoked"] },
  { name: "verify the chain (auditor)", call: { as: { user: "auditor" }, route: verify as Route }, status: 200, actions: ["audit.verified"] },
  // Refused requests change nothing and write nothing.
  { name: "decide a decided task (409)", call: { as: { user: "bob" }, route: decide as Route, params: async () => { const t = await groupTask(team); await send({ as: { user: "alice" }, route: decide as Route, params: async () => ({ id: t.id }), body: () => ({ outcome: "approve" }) }, `setup-${uid()}`); return { id: t.id }; }, body: () => ({ outcome: "approve" }) }, status: 409, actions: [] },
  { name: "reject without reason (422)", call: { as: { user: "bob" }, route: decide as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ outcome: "reject" }) }, status: 422, actions: [] },
  { name: "member creates a token (403)", call: { as: { user: "alice" }, route: createToken as Route, body: () => ({ name: "nope", role: "ADMIN" }) }, status: 403, actions: [] },
  { name: "member reassigns a task (403)", call: { as: { user: "alice" }, route: reassign as Route, params: async () => ({ id: (await groupTask(team)).id }), body: () => ({ assignee: team.users.bob.id, reason: "x" }) }, status: 403, actions: [] },
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
