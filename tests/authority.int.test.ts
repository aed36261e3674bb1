// Issue #18 part 1: one authority model. One test per finding of the security review
// (../shared/notes/security-review.md) that it closes; each one passed the attack on the code
// before (86ce12b) and is refused now.
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createTaskRoute } from "@/app/api/v1/tasks/route";
import { POST as createTokenRoute } from "@/app/api/v1/tokens/route";
import { addComment } from "@/lib/comments/service";
import { actorForToken, authenticateWithPassword, createApiToken } from "@/lib/identity/service";
import { createServiceAccount } from "@/lib/identity/service-accounts";
import { acceptEvent } from "@/lib/events/service";
import { getInstance, startInstance } from "@/lib/engine";
import { publishDefinition } from "@/lib/processes/service";
import type { Actor } from "@/lib/identity/actor";
import { cancelTask, createTask, decideTask, getTask, getTaskHistory, reassignTask, requestInfo } from "@/lib/tasks";
import { createGroup, createUser, userActor } from "@/prisma/factories";
import { appError, auditFor, cliActor, db, groupTask, makeTeam, tokenFor, startEngineWorker, uid, waitFor, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

async function tokenActor(token: string): Promise<Actor> {
  const actor = await actorForToken(token);
  expect(actor).not.toBeNull();
  return actor!;
}

function post(route: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>, token: string, body: unknown, headers: Record<string, string> = {}) {
  const req = new Request("http://localhost:3000/api/v1/x", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return route(req, { params: Promise.resolve({}) });
}

describe("H1: a token acts as its owner — never more", () => {
  it("a MEMBER-role token of someone outside the group cannot decide the group's task", async () => {
    const task = await groupTask(team);
    const token = await tokenActor((await tokenFor(team, "MEMBER")).token); // the admin's, who is not in the group
    expect((await appError(decideTask(token, task.id, { outcome: "approve" }))).code).toBe("FORBIDDEN");
    expect((await getTask(team.as.alice, task.id)).status).toBe("OPEN");
  });

  it("an admin cannot approve their own request through a token", async () => {
    const group = await createGroup(db(), { memberIds: [team.users.admin.id, team.users.bob.id] });
    const own = await createTask(team.as.admin, { title: `Refund ${uid()}`, candidateGroup: group.key });
    const token = await tokenActor((await tokenFor(team, "ADMIN")).token);
    expect((await appError(decideTask(token, own.id, { outcome: "approve" }))).code).toBe("SOD_VIOLATION");
    expect((await appError(decideTask(token, own.id, { outcome: "reject", reason: "no" }))).code).toBe("SOD_VIOLATION");
  });

  it("a supervisor's token is scoped to the supervisor's teams; a decision through a token names its owner", async () => {
    const otherLead = await createUser(db(), { role: "SUPERVISOR", name: "Other lead" });
    const otherGroup = await createGroup(db(), { memberIds: [team.users.outsider.id], supervisorId: otherLead.id });
    const foreign = await createTask(team.as.admin, { title: `Foreign ${uid()}`, candidateGroup: otherGroup.key });
    const supToken = await tokenActor((await createApiToken(cliActor, { name: `sup-${uid()}`, role: "SUPERVISOR", owner: team.users.supervisor.id })).token);
    expect((await appError(reassignTask(supToken, foreign.id, { assignee: team.users.alice.id, reason: "mine now" }))).code).toBe("TASK_NOT_FOUND");
    expect((await appError(cancelTask(supToken, foreign.id, { reason: "x" }))).code).toBe("TASK_NOT_FOUND");

    const task = await groupTask(team);
    const aliceToken = await tokenActor((await tokenFor(team, "MEMBER", { owner: "alice" })).token);
    const decided = await decideTask(aliceToken, task.id, { outcome: "approve" });
    expect(decided).toMatchObject({ status: "DECIDED", decidedBy: { id: team.users.alice.id } });
    const entry = (await auditFor(task.id)).find((a) => a.action === "task.approved");
    expect(entry).toMatchObject({ actorType: "TOKEN", onBehalfOfId: team.users.alice.id });
  });
});

describe("H2: the requester is a fact", () => {
  it("a supervisor cannot create a task 'requested by' someone else, assign it to themself and approve it", async () => {
    const { token } = await tokenFor(team, "SUPERVISOR", { owner: "supervisor" });
    const before = await db().task.count();
    const res = await post(createTaskRoute, token, { title: `Refund 9,999 ${uid()}`, assignee: team.users.supervisor.email, requestedBy: team.users.alice.email });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/tasks:create_on_behalf/);
    expect(await db().task.count()).toBe(before);
    const self = await createTask(team.as.supervisor, { title: `Own ${uid()}`, assignee: team.users.supervisor.email });
    expect(self.requestedBy?.id).toBe(team.users.supervisor.id);
    expect((await appError(decideTask(team.as.supervisor, self.id, { outcome: "approve" }))).code).toBe("SOD_VIOLATION");
  });

  it("on someone's behalf (tasks:create_on_behalf) records both, and the creator can never decide it", async () => {
    const group = await createGroup(db(), { memberIds: [team.users.admin.id, team.users.bob.id] });
    const task = await createTask(team.as.admin, { title: `For Alice ${uid()}`, candidateGroup: group.key, requestedBy: team.users.alice.email });
    expect(task.requestedBy?.id).toBe(team.users.alice.id);
    const created = (await auditFor(task.id)).find((a) => a.action === "task.created")!;
    expect(created).toMatchObject({ actorId: team.users.admin.id });
    expect(created.after).toMatchObject({ requestedById: team.users.alice.id, onBehalfOf: team.users.alice.id, createdBy: team.users.admin.id });
    expect((await appError(decideTask(team.as.admin, task.id, { outcome: "approve" }))).code).toBe("SOD_VIOLATION");
    expect((await appError(reassignTask(team.as.admin, task.id, { assignee: team.users.admin.id, reason: "x" }))).code).toBe("SOD_VIOLATION");
    expect((await decideTask(team.as.bob, task.id, { outcome: "approve" })).status).toBe("DECIDED");
  });
});

describe("M3: cancel follows the team scoping of reading", () => {
  it("a supervisor who can see a task outside their team (they created it) cannot cancel it", async () => {
    const otherLead = await createUser(db(), { role: "SUPERVISOR", name: "Omar" });
    const task = await createTask(userActor(otherLead), { title: `Finance ${uid()}`, candidateGroup: team.group.key });
    expect((await getTask(userActor(otherLead), task.id)).id).toBe(task.id);
    expect((await appError(cancelTask(userActor(otherLead), task.id, { reason: "x" }))).code).toBe("FORBIDDEN");
    expect((await cancelTask(team.as.supervisor, task.id, { reason: "Not needed" })).status).toBe("CANCELLED");
  });
});

describe("M4: seeing is not granting", () => {
  it("auditors and read-only tokens cannot comment; nobody can mention or ask someone who cannot see the task", async () => {
    const task = await groupTask(team);
    expect((await appError(addComment(team.as.auditor, task.id, { body: "Noted" }))).code).toBe("FORBIDDEN");
    const readOnly = await tokenActor((await tokenFor(team, "ADMIN", { scopes: ["tasks:read"] })).token);
    expect((await appError(addComment(readOnly, task.id, { body: "Noted" }))).code).toBe("FORBIDDEN");
    const mention = await appError(addComment(team.as.alice, task.id, { body: `@${team.users.outsider.email} please look` }));
    expect(mention).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/Outsider cannot see this task/) });
    const ask = await appError(requestInfo(team.as.alice, task.id, { question: "PO?", askTo: team.users.outsider.email }));
    expect(ask.code).toBe("FORBIDDEN");
    expect((await appError(getTask(team.as.outsider, task.id))).code).toBe("TASK_NOT_FOUND");
    expect((await db().task.findUniqueOrThrow({ where: { id: task.id } })).participantIds).toEqual([]);
  });
});

describe("M5: four-eyes on every path", () => {
  it("a custom approving outcome is one vote, not a final decision; a rejecting one ends it", async () => {
    const outcomes = [
      { id: "approve_partial", label: "Approve partially" },
      { id: "send_back", label: "Send back", rejecting: true },
    ];
    const task = await groupTask(team, { approvalsRequired: 2, outcomes });
    const first = await decideTask(team.as.alice, task.id, { outcome: "approve_partial" });
    expect(first.status).toBe("OPEN");
    expect((await appError(decideTask(team.as.alice, task.id, { outcome: "approve_partial" }))).code).toBe("DUPLICATE_APPROVAL");
    expect((await decideTask(team.as.bob, task.id, { outcome: "approve" })).status).toBe("DECIDED");

    const other = await groupTask(team, { approvalsRequired: 2, outcomes });
    expect((await decideTask(team.as.carol, other.id, { outcome: "send_back" })).status).toBe("DECIDED");
  });

  it("no automatic approval of a four-eyes task: auto_decide approve is refused at creation", async () => {
    const e = await appError(
      groupTask(team, { approvalsRequired: 2, escalation: { levels: [{ after: "PT1M", action: "auto_decide", outcome: "approve", reason: "timeout" }] } }),
    );
    expect(e.code).toBe("VALIDATION_FAILED");
    // Rejecting on timeout is fine.
    const ok = await groupTask(team, { approvalsRequired: 2, escalation: { levels: [{ after: "PT1M", action: "auto_decide", outcome: "reject", reason: "timeout" }] } });
    expect(ok.status).toBe("OPEN");
  });
});

describe("M7: token management", () => {
  it("a tokens:manage-scoped token cannot mint an unscoped ADMIN token; a replay never returns the secret", async () => {
    const { token: rotator } = await tokenFor(team, "ADMIN", { scopes: ["tokens:manage"] });
    const res = await post(createTokenRoute, rotator, { name: `escalate-${uid()}`, role: "ADMIN" });
    expect(res.status).toBe(403);
    const narrow = await post(createTokenRoute, rotator, { name: `rotate-${uid()}`, role: "ADMIN", scopes: ["tokens:manage"] }, { "idempotency-key": `k-${uid()}` });
    expect(narrow.status).toBe(201);
    const first = (await narrow.json()) as { token?: string; expiresAt: string | null; owner: { id: string } };
    expect(first.token).toMatch(/^bat_/);
    expect(first.owner.id).toBe(team.users.admin.id);
    // Expires by default (90 days).
    expect(Date.parse(first.expiresAt!) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    const stored = await db().idempotencyRecord.findMany({ where: { scope: { contains: "/api/v1/x" } } });
    expect(JSON.stringify(stored.map((r) => r.body))).not.toContain(first.token!);
  });

  it("a person cannot mint a token for another person; a deactivated owner's tokens stop at once", async () => {
    const e = await appError(createApiToken(team.as.admin, { name: "for-bob", role: "MEMBER", owner: team.users.bob.id }));
    expect(e.code).toBe("FORBIDDEN");
    const leaver = await createUser(db(), { name: "Leaver" });
    const { token } = await createApiToken(cliActor, { name: `leaver-${uid()}`, role: "MEMBER", owner: leaver.id });
    expect(await actorForToken(token)).not.toBeNull();
    await db().user.update({ where: { id: leaver.id }, data: { active: false } });
    expect(await actorForToken(token)).toBeNull();
  });
});

describe("L3: history follows the token's scopes", () => {
  it("an events:write-only token cannot read a task's history", async () => {
    const task = await groupTask(team);
    const producer = await tokenActor((await tokenFor(team, "ADMIN", { scopes: ["events:write"] })).token);
    expect((await appError(getTaskHistory(producer, task.id))).code).toBe("FORBIDDEN");
  });
});

describe("service accounts and M13: machines act only through explicit grants", () => {
  it("a service account decides its groups' tasks, never gives a four-eyes vote, never signs in and is never routed work", async () => {
    const sa = await createServiceAccount(team.as.admin, { name: `erp-bridge-${uid()}`, groups: [team.group.key], mayPostEvents: ["/erp com.acme.invoice.received"] });
    expect(sa).toMatchObject({ role: "MEMBER", groups: [team.group.key] });
    const token = await tokenActor((await createApiToken(team.as.admin, { name: `sa-${uid()}`, role: "MEMBER", owner: sa.name })).token);
    expect(token.owner).toMatchObject({ id: sa.id, kind: "SERVICE" });

    const task = await groupTask(team);
    expect((await decideTask(token, task.id, { outcome: "approve" })).decidedBy?.id).toBe(sa.id);
    const fourEyes = await groupTask(team, { approvalsRequired: 2 });
    expect((await appError(decideTask(token, fourEyes.id, { outcome: "approve" }))).code).toBe("FORBIDDEN");
    const elsewhere = await createTask(team.as.admin, { title: `Elsewhere ${uid()}`, assignee: team.users.outsider.email });
    expect((await appError(decideTask(token, elsewhere.id, { outcome: "approve" }))).code).toBe("TASK_NOT_FOUND");

    const row = await db().user.findUniqueOrThrow({ where: { id: sa.id } });
    expect(await authenticateWithPassword({ email: row.email, password: "!service-account" })).toMatchObject({ ok: false });
    for (let i = 0; i < 4; i++) {
      const routed = await groupTask(team);
      expect(routed.assignee?.id ?? null).not.toBe(sa.id);
    }
  });

  it("a service account posts only its granted source/type pairs and starts only its granted processes", async () => {
    const sa = await createServiceAccount(team.as.admin, { name: `crm-${uid()}`, role: "ADMIN", mayPostEvents: ["/crm com.acme.lead.created"] });
    const token = await tokenActor((await createApiToken(team.as.admin, { name: `crm-${uid()}`, role: "ADMIN", scopes: ["events:write", "processes:manage"], owner: sa.id })).token);
    const ev = (source: string, type: string) => ({ id: uid(), source, type, subject: null, correlationKey: null, data: {} });
    expect((await appError(acceptEvent(token, ev("/crm", "com.acme.invoice.received")))).code).toBe("FORBIDDEN");
    expect((await appError(acceptEvent(token, ev("/erp", "com.acme.lead.created")))).code).toBe("FORBIDDEN");
    expect((await acceptEvent(token, ev("/crm", "com.acme.lead.created"))).duplicate).toBe(false);
    expect((await appError(startInstance(token, "any-process", {}))).code).toBe("FORBIDDEN");
  });
});

describe("H2 for processes and L4: the starter is the requester; instance data is for operators", () => {
  it("a process task's requester is whoever started the instance, never a value from its data; supervisors do not read its variables", async () => {
    const k = `authz-${uid()}`;
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Refund (authority test)",
      steps: [
        { id: "approve", kind: "human", title: "Refund {{ref}}", requestedBy: "{{requester}}", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    });
    const worker = await startEngineWorker(1);
    const started = await startInstance(team.as.admin, k, { variables: { ref: "R-1", requester: team.users.alice.email, secretNote: "bank 1234" } });
    const task = await waitFor("the process task", () => db().task.findFirst({ where: { instanceId: started.id } })).finally(() => worker.close());
    // The data named Alice as requester; the fact is the admin who started it, so Alice may decide.
    expect(task.requestedById).toBe(team.users.admin.id);
    expect((await decideTask(team.as.alice, task.id, { outcome: "approve" })).status).toBe("DECIDED");

    const asSupervisor = await getInstance(team.as.supervisor, started.id);
    expect(asSupervisor.variables).toEqual({});
    expect((await getInstance(team.as.admin, started.id)).variables).toMatchObject({ secretNote: "bank 1234" });
  });
});
