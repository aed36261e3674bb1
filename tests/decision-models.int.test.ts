// DMN models as versioned objects (issue #23, ADR 054), through the real route handlers, PostgreSQL
// and a BullMQ engine worker: a model without any decision table is uploaded, tested, published and
// evaluated by `key + decision`; identity (namespace + name, or an explicit key) is kept; archive;
// a process decision step and routing call a decision of the published model, and an instance
// keeps the version it started with while a newer one is published.
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute, POST as uploadRoute } from "@/app/api/v1/decision-models/route";
import { GET as getRoute } from "@/app/api/v1/decision-models/[key]/route";
import { POST as evaluateRoute } from "@/app/api/v1/decision-models/[key]/evaluate/route";
import { POST as publishRoute } from "@/app/api/v1/decision-models/[key]/publish/route";
import { PUT as testCasesRoute } from "@/app/api/v1/decision-models/[key]/test-cases/route";
import { POST as archiveRoute, DELETE as restoreRoute } from "@/app/api/v1/decision-models/[key]/archive/route";
import { getInstance, startInstance } from "@/lib/engine";
import { publishDefinition } from "@/lib/processes/service";
import { publishDecisionModel, uploadDecisionModel } from "@/lib/rules/models";
import { createTask, decideTask } from "@/lib/tasks";
import { createGroup } from "@/prisma/factories";
import { appError, db, makeTeam, startEngineWorker, tokenFor, uid, waitFor, type Team } from "./helpers";

let team: Team;
let admin: string;
let supervisor: string;
let worker: Worker;
let leads: { key: string; id: string };
let clerks: { key: string; id: string };
beforeAll(async () => {
  team = await makeTeam();
  admin = (await tokenFor(team, "ADMIN")).token;
  supervisor = (await tokenFor(team, "SUPERVISOR")).token;
  leads = await createGroup(db(), { memberIds: [team.users.carol.id], supervisorId: team.users.supervisor.id });
  clerks = await createGroup(db(), { memberIds: [team.users.alice.id], supervisorId: team.users.supervisor.id });
  worker = await startEngineWorker();
});
afterAll(async () => {
  await worker?.close();
});

type Route<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;
function call<P>(route: Route<P>, opts: { token?: string; method?: string; body?: unknown; xml?: string; params?: P; url?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? admin}` };
  let body: string | undefined;
  if (opts.xml !== undefined) {
    body = opts.xml;
    headers["content-type"] = "application/xml";
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  const req = new Request(opts.url ?? "http://localhost/api/v1/decision-models", { method: opts.method ?? (body !== undefined ? "POST" : "GET"), headers, body });
  return route(req, { params: Promise.resolve((opts.params ?? {}) as P) });
}

/**
 * A DMN 1.5 model with no decision table: input data Amount, a BKM "Rate", a literal "Fee" invoking
 * it, and a context "Route" requiring Fee. `rate` changes the BKM between versions.
 */
function feesModel(id: string, opts: { rate?: string; namespace?: string; feeText?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="defs_${id}" name="Fees ${id}" namespace="${opts.namespace ?? `https://baton.test/fees/${id}`}">
  <inputData id="amount" name="Amount"><variable name="Amount" typeRef="number"/></inputData>
  <businessKnowledgeModel id="rate" name="Rate">
    <encapsulatedLogic id="rate_fn"><formalParameter name="a" typeRef="number"/><literalExpression id="rate_body"><text>${opts.rate ?? "if a &lt; 1000 then 0.015 else 0.0125"}</text></literalExpression></encapsulatedLogic>
  </businessKnowledgeModel>
  <decision id="fee" name="Fee">
    <variable name="Fee" typeRef="number"/>
    <informationRequirement id="ir1"><requiredInput href="#amount"/></informationRequirement>
    <knowledgeRequirement id="kr1"><requiredKnowledge href="#rate"/></knowledgeRequirement>
    <literalExpression id="fee_expr"><text>${opts.feeText ?? "Amount * Rate(Amount)"}</text></literalExpression>
  </decision>
  <decision id="route" name="Route">
    <informationRequirement id="ir2"><requiredDecision href="#fee"/></informationRequirement>
    <context id="route_ctx">
      <contextEntry><variable name="candidateGroup"/><literalExpression id="route_group"><text>if Fee &gt; 100 then "${leads.key}" else "${clerks.key}"</text></literalExpression></contextEntry>
      <contextEntry><variable name="approvals"/><literalExpression id="route_approvals"><text>if Fee &gt; 100 then 2 else 1</text></literalExpression></contextEntry>
    </context>
  </decision>
</definitions>`;
}

async function upload(xml: string, query = "") {
  const res = await call(uploadRoute, { xml, url: `http://localhost/api/v1/decision-models${query}` });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { key: string; version: number; name: string; namespace: string; dmnVersion: string; decisions: { id: string; name: string; logic: string; inputData: { name: string }[] }[] };
}

const auditOf = (key: string) => db().auditEntry.findMany({ where: { subjectType: "decision_model", subjectId: key }, orderBy: { seq: "asc" } });

describe("decision models over the API", () => {
  it("uploads a model without a decision table, tests it, publishes it behind the gate and evaluates any decision", async () => {
    const id = uid().slice(0, 8);
    const up = await upload(feesModel(id));
    expect(up).toMatchObject({ key: `fees-${id}`, version: 1, status: "DRAFT", name: `Fees ${id}`, dmnVersion: "1.5" });
    expect(up.decisions.map((d) => [d.name, d.logic, d.inputData.map((i) => i.name)])).toEqual([
      ["Fee", "literal", ["Amount"]],
      ["Route", "context", ["Amount"]],
    ]);
    const key = up.key;

    // A draft is tried by pinning its version; nothing is published yet.
    const tried = await call(evaluateRoute, { params: { key }, body: { decision: "Fee", inputs: { Amount: 2000, Other: 1 }, version: 1 } });
    expect(tried.status, await tried.clone().text()).toBe(200);
    expect(await tried.json()).toMatchObject({ key, version: 1, status: "DRAFT", decision: "Fee", inputs: { Amount: 2000 }, value: 25 });
    expect((await call(evaluateRoute, { params: { key }, body: { decision: "Fee", inputs: { Amount: 1 } } })).status).toBe(404);

    // The publish gate: a failing test case refuses the publish, naming it.
    const cases = [
      { name: "small fee", decision: "Fee", inputs: { Amount: 999.99 }, expected: 14.99985 },
      { name: "route by fee", decision: "route", inputs: { Amount: 10000 }, expected: { approvals: 2, candidateGroup: leads.key } },
    ];
    const wrong = await call(testCasesRoute, { method: "PUT", params: { key }, body: { testCases: [...cases, { name: "wrong", decision: "Fee", inputs: { Amount: 1 }, expected: 1 }] } });
    expect(wrong.status).toBe(200);
    expect(((await wrong.json()) as { testResults: { name: string; passed: boolean }[] }).testResults.map((r) => [r.name, r.passed])).toEqual([
      ["small fee", true],
      ["route by fee", true],
      ["wrong", false],
    ]);
    const refused = await call(publishRoute, { params: { key }, body: {} });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "DECISION_TEST_CASES_FAILED" });
    expect((await call(testCasesRoute, { method: "PUT", params: { key }, body: { testCases: cases } })).status).toBe(200);
    const published = await call(publishRoute, { params: { key }, body: { version: 1 } });
    expect(published.status, await published.clone().text()).toBe(200);
    expect(await published.json()).toMatchObject({ key, version: 1, changes: { from: null, to: 1, added: ["Fee", "Route"] } });

    const evaluated = await call(evaluateRoute, { params: { key }, body: { decision: "route", inputs: { Amount: 100 } } });
    expect(await evaluated.json()).toMatchObject({ version: 1, status: "PUBLISHED", decision: "Route", value: { candidateGroup: clerks.key, approvals: 1 } });
    // A decision that cannot decide answers why, and an unknown one is a 404.
    const bad = await call(evaluateRoute, { params: { key }, body: { decision: "Fee", inputs: { Amount: "lots" } } });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: "DECISION_EVALUATION_FAILED" });
    expect((await call(evaluateRoute, { params: { key }, body: { decision: "Nope", inputs: {} } })).status).toBe(404);

    const detail = await call(getRoute, { params: { key } });
    expect(await detail.json()).toMatchObject({ key, latestPublished: 1, draft: null, current: { version: 1, status: "PUBLISHED" }, testResults: [{ passed: true }, { passed: true }] });
    const file = await call(getRoute, { params: { key }, url: `http://localhost/api/v1/decision-models/${key}?format=dmn&version=1` });
    expect(file.headers.get("content-type")).toContain("application/xml");
    expect(await file.text()).toBe(feesModel(id));
    const list = (await (await call(listRoute)).json()) as { data: { key: string }[] };
    expect(list.data.map((m) => m.key)).toContain(key);

    expect((await auditOf(key)).map((a) => a.action)).toEqual([
      "decision_model.draft_created",
      "decision_model.evaluated",
      "decision_model.test_cases_updated",
      "decision_model.test_cases_updated",
      "decision_model.published",
      "decision_model.evaluated",
    ]);
  });

  it("keeps a model's identity: the same model is a new version, another model reusing the key is refused unless given its own key", async () => {
    const id = uid().slice(0, 8);
    const first = await upload(feesModel(id));
    const again = await upload(feesModel(id, { rate: "0.02" }));
    expect(again).toMatchObject({ key: first.key, version: 2 });
    // Same name, another namespace: another model.
    const other = feesModel(id, { namespace: `https://other.test/${id}` });
    const clash = await call(uploadRoute, { xml: other });
    expect(clash.status).toBe(409);
    const problem = (await clash.json()) as { code: string; detail: string };
    expect(problem.code).toBe("CONFLICT");
    expect(problem.detail).toContain(`The key "${first.key}" belongs to the model "Fees ${id}" (namespace https://baton.test/fees/${id})`);
    const own = await upload(other, `?key=fees-other-${id}`);
    expect(own).toMatchObject({ key: `fees-other-${id}`, version: 1, namespace: `https://other.test/${id}` });
    expect(await db().decisionModelVersion.count({ where: { modelKey: first.key } })).toBe(2);
  });

  it("refuses what it cannot store, with the DMN element at fault, and stores nothing", async () => {
    const id = uid().slice(0, 8);
    const syntax = await call(uploadRoute, { xml: feesModel(id, { feeText: "Amount * (Rate(Amount)" }) });
    expect(syntax.status).toBe(422);
    expect(await syntax.json()).toMatchObject({ code: "DMN_INVALID", elementId: "fee_expr" });
    const empty = await call(uploadRoute, { xml: `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="e_${id}" name="Empty ${id}" namespace="x:${id}"><inputData id="i" name="I"/></definitions>` });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { detail: string }).detail).toContain("has no decisions");
    const badKey = await call(uploadRoute, { xml: feesModel(id), url: "http://localhost/api/v1/decision-models?key=9bad" });
    expect(badKey.status).toBe(422);
    expect(await db().decisionModel.count({ where: { key: `fees-${id}` } })).toBe(0);
  });

  it("archives a model (no drafts, test cases, publishes or evaluations) and restores it", async () => {
    const id = uid().slice(0, 8);
    const { key } = await upload(feesModel(id));
    expect((await call(archiveRoute, { params: { key } })).status).toBe(200);
    expect((await call(archiveRoute, { params: { key } })).status).toBe(409);
    expect((await call(uploadRoute, { xml: feesModel(id) })).status).toBe(409);
    expect((await call(evaluateRoute, { params: { key }, body: { decision: "Fee", inputs: { Amount: 1 }, version: 1 } })).status).toBe(409);
    expect((await call(publishRoute, { params: { key }, body: {} })).status).toBe(409);
    const restored = await call(restoreRoute, { method: "DELETE", params: { key } });
    expect(await restored.json()).toMatchObject({ key, archivedAt: null });
    expect((await auditOf(key)).map((a) => a.action)).toEqual(["decision_model.draft_created", "decision_model.archived", "decision_model.restored"]);
  });

  it("only rules:edit (admins) may upload, read or evaluate models", async () => {
    const id = uid().slice(0, 8);
    expect((await call(uploadRoute, { token: supervisor, xml: feesModel(id) })).status).toBe(403);
    expect((await call(listRoute, { token: supervisor })).status).toBe(403);
  });
});

const instanceIn = (id: string, ...statuses: string[]) =>
  waitFor(`instance ${id} in ${statuses.join("/")}`, async () => {
    const i = await getInstance(team.as.admin, id);
    return statuses.includes(i.status) ? i : null;
  });

async function publishedModel(rate?: string): Promise<string> {
  const id = uid().slice(0, 8);
  const { key } = await uploadDecisionModel(team.as.admin, feesModel(id, { rate }));
  await publishDecisionModel(team.as.admin, key, { version: 1 });
  return key;
}

describe("processes call key + decision", () => {
  it("a decision step evaluates a decision of the published model; a running instance keeps the version it started with", async () => {
    const model = await publishedModel("0.01");
    const k = `model-steps-${uid()}`;
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Fees by model",
      steps: [
        { id: "before", kind: "decision", model: { key: model, decision: "Fee", inputs: { Amount: "invoice.amount" } }, otherwise: "review" },
        { id: "review", kind: "human", title: `Review ${k}`, candidateGroup: team.group.key, next: { approve: "after", reject: "after" } },
        { id: "after", kind: "decision", model: { key: model, decision: "fee", inputs: { Amount: "invoice.amount" } }, otherwise: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const early = await startInstance(team.as.admin, k, { variables: { invoice: { amount: 1000 } } });
    const task = await waitFor("the review task", () => db().task.findFirst({ where: { instanceId: early.id, status: "OPEN" } }));

    // v2 doubles the rate; the running instance still computes with v1, a new one with v2.
    await uploadDecisionModel(team.as.admin, feesModel(model.replace(/^fees-/, ""), { rate: "0.02" }));
    await publishDecisionModel(team.as.admin, model, { version: 2 });
    await decideTask(team.as.alice, task.id, { outcome: "approve" });
    const done = await instanceIn(early.id, "COMPLETED");
    expect(done.variables).toMatchObject({ before: 10, after: 10 });
    expect(done.steps.find((s) => s.stepId === "after")!.output).toMatchObject({ model, version: 1, decision: "Fee", inputs: { Amount: 1000 }, value: 10 });

    const late = await startInstance(team.as.admin, k, { variables: { invoice: { amount: 1000 } } });
    const lateTask = await waitFor("the second review task", () => db().task.findFirst({ where: { instanceId: late.id, status: "OPEN" } }));
    await decideTask(team.as.alice, lateTask.id, { outcome: "approve" });
    expect((await instanceIn(late.id, "COMPLETED")).variables).toMatchObject({ before: 20, after: 20 });
    const evaluated = await db().auditEntry.findMany({ where: { instanceId: early.id, action: "decision_model.evaluated" } });
    expect(evaluated.map((e) => (e.after as { version: number }).version)).toEqual([1, 1]);
  });

  it("an unknown decision or an archived model fails the step, naming it", async () => {
    const model = await publishedModel();
    const k = `model-steps-${uid()}`;
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Unknown decision",
      steps: [
        { id: "check", kind: "decision", model: { key: model, decision: "Nope" }, otherwise: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const failed = await instanceIn((await startInstance(team.as.admin, k, { variables: { Amount: 1 } })).id, "FAILED");
    expect(failed.error).toContain(`Step "check": decision "Nope" of model "${model}": decision model "${model}" v1 has no decision "Nope".`);
  });

  it("routing by a decision model puts the task where the decision's context says; a draft-only model is a 422", async () => {
    const model = await publishedModel();
    const routing = { strategy: "decision_model" as const, model, decision: "Route" };
    const small = await createTask(team.as.supervisor, { title: `Invoice ${uid()}`, context: { Amount: 100 }, routing });
    expect(small).toMatchObject({ candidateGroup: { key: clerks.key }, approvalsRequired: 1 });
    const big = await createTask(team.as.supervisor, { title: `Invoice ${uid()}`, context: { Amount: 10000 }, routing });
    expect(big).toMatchObject({ candidateGroup: { key: leads.key }, approvalsRequired: 2 });
    const routed = await db().auditEntry.findFirstOrThrow({ where: { taskId: big.id, action: "task.routed" } });
    expect(routed.after).toMatchObject({ decisionTable: { key: model, version: 1, decision: "Route", model: true } });

    const draftOnly = (await uploadDecisionModel(team.as.admin, feesModel(uid().slice(0, 8)))).key;
    const err = await appError(createTask(team.as.supervisor, { title: `Invoice ${uid()}`, context: { Amount: 1 }, routing: { ...routing, model: draftOnly } }));
    expect(err.status).toBe(422);
    expect(err.message).toContain(`Routing by decision model "${draftOnly}": Decision model "${draftOnly}" has no published version yet.`);
  });
});
