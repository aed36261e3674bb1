// Requesters (issue #21, ADR 039) against real PostgreSQL and a real engine worker: the catalogue
// a person may start from, a request filed through its start form (typed variables), followed
// under My requests while a decider asks the requester a question, decided with a form whose
// answer the process reads on; and a withdrawal that compensates.
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup } from "@/prisma/factories";
import { publishDefinition } from "@/lib/processes/service";
import { getInstance } from "@/lib/engine";
import { answerInfoRequest, decideTask, requestInfo } from "@/lib/tasks";
import { listCatalogue, listMyRequests, submitRequest, withdrawRequest } from "@/lib/requests/service";
import { invoiceRoutingTable } from "@/lib/rules/examples/invoice-routing";
import { modelToDmnXml } from "@/lib/rules/serialize";
import { publishDecisionTable, uploadDmn } from "@/lib/rules/service";
import type { Redis } from "ioredis";
import { redis } from "@/lib/redis";
import { liveChannel } from "@/lib/live/publish";
import { appError, db, makeTeam, startEngineWorker, uid, waitFor, type Team } from "./helpers";

let team: Team;
let worker: Worker;
let sales: { key: string };
beforeAll(async () => {
  team = await makeTeam();
  // The outsider files requests (a member of sales); the team's group decides them.
  sales = await createGroup(db(), { memberIds: [team.users.outsider.id] });
  worker = await startEngineWorker();
});
afterAll(async () => {
  await worker?.close();
});

const refundDefinition = (key: string) => ({
  key,
  name: `Refund ${key}`,
  description: "Money back for a customer",
  requesters: [sales.key],
  startForm: [
    { id: "customer", label: "Customer", type: "text", required: true },
    { id: "amount", label: "Amount", type: "money", currency: "EUR", required: true, min: 0.01 },
    { id: "reason", label: "Reason", type: "select", required: true, options: [{ value: "damaged", label: "Damaged" }, { value: "other", label: "Other" }] },
    { id: "explain", label: "Explain", type: "textarea", required: true, when: { field: "reason", equals: "other" } },
  ],
  steps: [
    {
      id: "review",
      kind: "human",
      title: "Refund for {{customer}}",
      candidateGroup: team.group.key,
      context: ["customer", "amount"],
      form: [{ id: "approvedAmount", label: "Approved amount", type: "money", required: true }],
      writeBack: { approvedAmount: "refund.approved" },
      next: { approve: "route", reject: "done" },
    },
    { id: "route", kind: "decision", branches: [{ when: { var: "refund.approved", op: ">=", value: 100 }, next: "big" }], otherwise: "small" },
    { id: "big", kind: "set", assign: { lane: "big" }, next: "done" },
    { id: "small", kind: "set", assign: { lane: "small" }, next: "done" },
    { id: "done", kind: "end" },
  ],
});

const mine = async (actor: Team["as"]["outsider"], id: string) => (await listMyRequests(actor)).data.find((r) => r.id === id)!;

describe("requests", () => {
  it("files, follows, answers and sees the decision; the step's form answer drives the process on", async () => {
    const key = `refund-${uid()}`;
    await publishDefinition(team.as.admin, refundDefinition(key));
    const rita = team.as.outsider;

    // The catalogue: only people of a requester group see it; others cannot start it.
    expect((await listCatalogue(rita)).data.map((e) => e.key)).toContain(key);
    expect((await listCatalogue(team.as.alice)).data.map((e) => e.key)).not.toContain(key);
    expect((await appError(submitRequest(team.as.alice, { process: key, answers: {} }))).status).toBe(404);

    // The server checks the same schema as the browser: a missing conditional field is named.
    const bad = await appError(submitRequest(rita, { process: key, answers: { customer: "Contoso", amount: "12.5", reason: "other" } }));
    expect(bad.status).toBe(422);
    expect(bad.fieldErrors).toEqual([{ path: "answers.explain", message: "required" }]);

    const filed = await submitRequest(rita, { process: key, answers: { customer: "Contoso", amount: "120.50", reason: "damaged", explain: "dropped" } });
    expect(filed.status).toBe("RUNNING");
    expect(filed.answers).toEqual([
      { id: "customer", label: "Customer", value: "Contoso" },
      { id: "amount", label: "Amount", value: 120.5 },
      { id: "reason", label: "Reason", value: "damaged" },
    ]);
    const submitted = await db().auditEntry.findFirstOrThrow({ where: { subjectId: filed.id, action: "request.submitted" } });
    expect(submitted.actorId).toBe(team.users.outsider.id);

    // The human step's task: waiting in the team's queue, the requester recorded.
    const waiting = await waitFor("the review task", async () => (await mine(rita, filed.id)).waitingOn[0]);
    expect(waiting).toMatchObject({ title: "Refund for Contoso", group: { name: team.group.name }, assignee: null, question: null });
    const task = await db().task.findUniqueOrThrow({ where: { id: waiting.taskId } });
    expect(task.requestedById).toBe(team.users.outsider.id);
    expect(task.context).toEqual({ customer: "Contoso", amount: 120.5 });

    // Bob asks the requester; she sees the question under My requests and answers it.
    await requestInfo(team.as.bob, task.id, { question: "Which order number?" });
    const asked = await mine(rita, filed.id);
    expect(asked.waitingOn[0]!.question).toMatchObject({ text: "Which order number?", askedBy: "Bob" });
    await answerInfoRequest(rita, task.id, { answer: "SO-1042" });
    expect((await mine(rita, filed.id)).waitingOn[0]!.question).toBeNull();

    // Bob approves a smaller amount through the step's form; the decision routes on it.
    // A single Redis in the tests (lib/redis.ts builds a Cluster only with REDIS_CLUSTER_NODES).
    const listener = (redis() as Redis).duplicate();
    const heard: { event: { type: string }; audience: { userIds: string[] } }[] = [];
    listener.on("message", (_channel: string, message: string) => heard.push(JSON.parse(message)));
    await listener.subscribe(liveChannel());
    await decideTask(team.as.bob, task.id, { outcome: "approve", form: { approvedAmount: "99" } });
    const done = await waitFor("the request to complete", async () => {
      const r = await mine(rita, filed.id);
      return r.status === "COMPLETED" && r;
    });
    const vars = (await getInstance(team.as.admin, filed.id)).variables;
    expect(vars).toMatchObject({ refund: { approved: 99 }, lane: "small", customer: "Contoso", amount: 120.5 });
    // The requester's My requests hears that the request ended (not only that its task was decided).
    await waitFor("the request.changed event", async () => heard.some((m) => m.event.type === "request.changed"));
    expect(heard.find((m) => m.event.type === "request.changed")!.audience.userIds).toEqual([team.users.outsider.id]);
    await listener.quit();
    expect(done.timeline.map((t) => t.kind)).toEqual(["submitted", "step", "question", "answer", "decision", "ended"]);
    expect(done.timeline.find((t) => t.kind === "decision")).toMatchObject({ by: "Bob", text: "Refund for Contoso: approved" });
    expect(done.can.withdraw).toBe(false);
    // Nobody else sees it among their requests.
    expect((await listMyRequests(team.as.alice)).data.some((r) => r.id === filed.id)).toBe(false);
  });

  it("withdraws a running request: completed steps are compensated, the open task cancelled", async () => {
    const key = `loan-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Laptop loan",
      requesters: ["*"],
      steps: [
        { id: "reserve", kind: "set", assign: { reserved: true }, compensate: "release", next: "approve" },
        { id: "approve", kind: "human", title: "Lend a laptop", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
        { id: "release", kind: "set", assign: { reserved: false } },
        { id: "done", kind: "end" },
      ],
    });
    const rita = team.as.outsider;
    const filed = await submitRequest(rita, { process: key });
    const { taskId } = await waitFor("the approval task", async () => (await mine(rita, filed.id)).waitingOn[0]);

    expect((await appError(withdrawRequest(team.as.alice, filed.id, { reason: "not mine" }))).status).toBe(404);
    await withdrawRequest(rita, filed.id, { reason: "Found a spare one" });
    const undone = await waitFor("the compensation", async () => {
      const r = await mine(rita, filed.id);
      return r.status === "COMPENSATED" && r;
    });
    expect((await db().task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("CANCELLED");
    expect((await getInstance(team.as.admin, filed.id)).variables).toMatchObject({ reserved: false });
    expect(undone.timeline.find((t) => t.kind === "withdrawn")).toMatchObject({ by: team.users.outsider.name, text: "Withdrawn: Found a spare one" });
    const entry = await db().auditEntry.findFirstOrThrow({ where: { subjectId: filed.id, action: "request.withdrawn" } });
    expect(entry).toMatchObject({ actorId: team.users.outsider.id, reason: "Found a spare one" });
    expect((await appError(withdrawRequest(rita, filed.id, { reason: "again" }))).status).toBe(409);
  });

  it("a two-step process: the second step is all-of (finance and legal) and writes back a field a decision table reads", async () => {
    const table = `rq_${uid().replace(/-/g, "")}`;
    const m = structuredClone(invoiceRoutingTable);
    m.key = table;
    await uploadDmn(team.as.admin, modelToDmnXml(m));
    await publishDecisionTable(team.as.admin, table, { version: 1 });
    const finance = await createGroup(db(), { memberIds: [team.users.carol.id] });
    const legal = await createGroup(db(), { memberIds: [team.users.alice.id] });
    const key = `purchase-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Purchase",
      requesters: ["*"],
      startForm: [{ id: "item", label: "Item", type: "text", required: true }],
      steps: [
        { id: "manager", kind: "human", title: "Approve {{item}}", candidateGroup: team.group.key, form: [{ id: "amount", label: "Amount", type: "money", required: true }], writeBack: { amount: "invoice.amount" }, next: { approve: "signoff", reject: "done" } },
        {
          id: "signoff",
          kind: "human",
          title: "Sign off {{item}}",
          approvers: { mode: "all", of: [{ candidateGroup: finance.key }, { candidateGroup: legal.key }] },
          form: [{ id: "newVendor", label: "New vendor", type: "boolean" }],
          writeBack: { newVendor: "invoice.newVendor" },
          next: { approve: "route", reject: "done" },
        },
        { id: "route", kind: "decision", table: { key: table, inputs: { amount: "invoice.amount", newVendor: "invoice.newVendor" } }, branches: [{ when: { var: "route.route", op: "==", value: "team-lead" }, next: "lead" }], otherwise: "clerk" },
        { id: "lead", kind: "set", assign: { handledBy: "team-lead" }, next: "done" },
        { id: "clerk", kind: "set", assign: { handledBy: "clerk" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const rita = team.as.outsider;
    const filed = await submitRequest(rita, { process: key, answers: { item: "Laser cutter" } });
    const first = await waitFor("the manager's task", async () => (await mine(rita, filed.id)).waitingOn[0]);
    await decideTask(team.as.bob, first.taskId, { outcome: "approve", form: { amount: 25000 } });

    // Both parties asked at once, each in their own group's queue.
    const both = await waitFor("finance and legal", async () => {
      const w = (await mine(rita, filed.id)).waitingOn;
      return w.length === 2 && w;
    });
    expect(both.map((w) => w.group?.id).sort()).toEqual([finance.id, legal.id].sort());
    const financeTask = both.find((w) => w.group?.id === finance.id)!;
    const legalTask = both.find((w) => w.group?.id === legal.id)!;
    await decideTask(team.as.carol, financeTask.taskId, { outcome: "approve", form: {} });
    // One approval of two: the step still waits for legal.
    await new Promise((r) => setTimeout(r, 500));
    await waitFor("finance's decision processed", async () => (await mine(rita, filed.id)).timeline.some((t) => t.taskId === financeTask.taskId && t.kind === "decision"));
    const half = await mine(rita, filed.id);
    expect(half.status).toBe("WAITING");
    expect(half.waitingOn.map((w) => w.taskId)).toEqual([legalTask.taskId]);

    await decideTask(team.as.alice, legalTask.taskId, { outcome: "approve", form: { newVendor: "true" } });
    await waitFor("the request to complete", async () => (await mine(rita, filed.id)).status === "COMPLETED");
    const vars = (await getInstance(team.as.admin, filed.id)).variables;
    // The table read legal's write-back (new vendor) and the manager's amount: team lead plus a second approver.
    expect(vars).toMatchObject({ invoice: { amount: 25000, newVendor: true }, route: { route: "team-lead", approvals: 2 }, handledBy: "team-lead" });
  });
});
