// Decision tables through the real route handlers and PostgreSQL: upload → test cases →
// publish → evaluate, with the audit entries each step writes; publish refused while a test
// case fails; version pinning; bad uploads rejected with the DMN element id.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute, POST as uploadRoute } from "@/app/api/v1/decision-tables/route";
import { GET as getRoute } from "@/app/api/v1/decision-tables/[key]/route";
import { POST as evaluateRoute } from "@/app/api/v1/decision-tables/[key]/evaluate/route";
import { POST as publishRoute } from "@/app/api/v1/decision-tables/[key]/publish/route";
import { POST as archiveRoute, DELETE as restoreRoute } from "@/app/api/v1/decision-tables/[key]/archive/route";
import { GET as diffRoute } from "@/app/api/v1/decision-tables/[key]/diff/route";
import { PUT as testCasesRoute } from "@/app/api/v1/decision-tables/[key]/test-cases/route";
import { GET as unusedRoute } from "@/app/api/v1/decision-tables/[key]/unused-rules/route";
import { invoiceRoutingTable, invoiceRoutingTestCases } from "@/lib/rules/examples/invoice-routing";
import { modelToDmnXml } from "@/lib/rules/serialize";
import type { DecisionTableModel } from "@/lib/rules/schemas";
import { db, makeTeam, tokenFor, uid, type Team } from "./helpers";

let team: Team;
let admin: string;
let supervisor: string;
beforeAll(async () => {
  team = await makeTeam();
  admin = (await tokenFor(team, "ADMIN")).token;
  supervisor = (await tokenFor(team, "SUPERVISOR")).token;
});

type Route<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;
function call<P>(route: Route<P>, opts: { token?: string; method?: string; body?: unknown; xml?: string; params?: P; requestId?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? admin}` };
  if (opts.requestId) headers["x-request-id"] = opts.requestId;
  let body: string | undefined;
  if (opts.xml !== undefined) {
    body = opts.xml;
    headers["content-type"] = "application/xml";
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  const req = new Request("http://localhost/api/v1/decision-tables", { method: opts.method ?? (body !== undefined ? "POST" : "GET"), headers, body });
  return route(req, { params: Promise.resolve((opts.params ?? {}) as P) });
}

/** The seed table under a fresh key, optionally changed. */
function routingTable(key: string, change?: (m: DecisionTableModel) => void): string {
  const m = structuredClone(invoiceRoutingTable);
  m.key = key;
  change?.(m);
  return modelToDmnXml(m);
}

/** A DMN 1.3 model of literal expressions, a BKM and a context: no decision table. */
function literalOnlyModel(id: string): string {
  return `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs_${id}" name="Fees ${id}" namespace="https://baton.test/fees/${id}">
  <inputData id="amount_${id}" name="Amount"><variable name="Amount" typeRef="number"/></inputData>
  <businessKnowledgeModel id="rate_${id}" name="Rate">
    <encapsulatedLogic id="rate_fn_${id}"><formalParameter name="a" typeRef="number"/><literalExpression id="rate_body_${id}"><text>if a &lt; 1000 then 0.015 else 0.0125</text></literalExpression></encapsulatedLogic>
  </businessKnowledgeModel>
  <decision id="fee_${id}" name="Fee">
    <informationRequirement id="ir1_${id}"><requiredInput href="#amount_${id}"/></informationRequirement>
    <knowledgeRequirement id="kr1_${id}"><requiredKnowledge href="#rate_${id}"/></knowledgeRequirement>
    <literalExpression id="fee_expr_${id}"><text>Amount * Rate(Amount)</text></literalExpression>
  </decision>
  <decision id="quote_${id}" name="Quote">
    <informationRequirement id="ir2_${id}"><requiredDecision href="#fee_${id}"/></informationRequirement>
    <context id="quote_ctx_${id}"><contextEntry><variable name="fee"/><literalExpression id="quote_fee_${id}"><text>Fee</text></literalExpression></contextEntry></context>
  </decision>
</definitions>`;
}

async function upload(xml: string) {
  const res = await call(uploadRoute, { xml });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { tables: { key: string; version: number; status: string; rules: number }[] };
}

const auditOf = (key: string) => db().auditEntry.findMany({ where: { subjectType: "decision_table", subjectId: key }, orderBy: { seq: "asc" } });

describe("upload → test cases → publish → evaluate", () => {
  it("walks the whole life of a table and audits every step", async () => {
    const key = `invoice-routing-${uid()}`;
    const up = await upload(routingTable(key));
    expect(up.tables).toEqual([{ key, name: "Invoice routing", version: 1, status: "DRAFT", rules: 5 }]);

    // No published version yet: evaluating "latest" is a 404 that says so.
    const early = await call(evaluateRoute, { params: { key }, body: { inputs: { amount: 5, newVendor: false } } });
    expect(early.status).toBe(404);
    expect((await early.json()).detail).toContain("has no published version yet");

    const tc = await call(testCasesRoute, { method: "PUT", params: { key }, body: { testCases: invoiceRoutingTestCases } });
    expect(tc.status, await tc.clone().text()).toBe(200);
    expect(((await tc.json()) as { testResults: { passed: boolean }[] }).testResults.every((r) => r.passed)).toBe(true);

    const diff = await (await call(diffRoute, { params: { key } })).json();
    expect(diff).toMatchObject({ from: null, to: 1, summary: { added: 5, removed: 0, changed: 0 } });

    const pub = await call(publishRoute, { params: { key }, body: { version: 1 } });
    expect(pub.status, await pub.clone().text()).toBe(200);
    expect(await pub.json()).toMatchObject({ key, version: 1, diff: { summary: { added: 5 } } });

    const requestId = `eval-${uid()}`;
    const res = await call(evaluateRoute, { params: { key }, body: { inputs: { amount: 25000, newVendor: false } }, requestId });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({
      key,
      version: 1,
      status: "PUBLISHED",
      outputs: [{ route: "team-lead", candidateGroup: "finance-leads", approvals: 1 }],
      matchedRules: [{ id: "invoice_routing_rule_3", index: 3, annotation: "Above 10,000: the finance team lead" }],
    });

    const audit = await auditOf(key);
    expect(audit.map((a) => a.action)).toEqual(["decision_table.draft_created", "decision_table.test_cases_updated", "decision_table.published", "decision_table.evaluated"]);
    const evaluated = audit[3]!;
    expect(evaluated).toMatchObject({ actorType: "TOKEN", requestId });
    expect(evaluated.after).toEqual({
      version: 1,
      status: "PUBLISHED",
      inputs: { amount: 25000, newVendor: false },
      matchedRules: ["invoice_routing_rule_3"],
      outputs: [{ route: "team-lead", candidateGroup: "finance-leads", approvals: 1 }],
    });
    expect(audit[2]!.after).toMatchObject({ version: 1, testCases: 6, changes: { added: 5 } });

    // Nothing left to publish.
    const again = await call(publishRoute, { params: { key } });
    expect(again.status).toBe(409);
  });

  it("refuses to publish while a test case fails, listing the failing cases, and writes nothing", async () => {
    const key = `invoice-routing-${uid()}`;
    await upload(routingTable(key));
    await call(testCasesRoute, { method: "PUT", params: { key }, body: { testCases: invoiceRoutingTestCases } });
    expect((await call(publishRoute, { params: { key } })).status).toBe(200);

    // The draft raises the clerk limit to 5,000: the "10,000 still goes to a clerk" case fails.
    const v2 = await upload(routingTable(key, (m) => {
      m.rules[1]!.inputEntries[0]!.text = "[1000..5000]";
      m.rules[2]!.inputEntries[0]!.text = "> 5000";
    }));
    expect(v2.tables[0]!.version).toBe(2);
    const before = (await auditOf(key)).length;
    const res = await call(publishRoute, { params: { key } });
    expect(res.status).toBe(409);
    const problem = await res.json();
    expect(problem).toMatchObject({ code: "DECISION_TEST_CASES_FAILED", version: 2 });
    expect(problem.failing.map((f: { name: string }) => f.name)).toEqual(["10,000 still goes to a clerk"]);
    expect(problem.failing[0]).toMatchObject({ actual: [{ route: "team-lead" }], matchedRules: ["invoice_routing_rule_3"] });
    expect(problem.detail).toContain('fails 1 of 6 test cases ("10,000 still goes to a clerk")');
    expect(await auditOf(key)).toHaveLength(before);
    const row = await db().decisionTableVersion.findUnique({ where: { tableKey_version: { tableKey: key, version: 2 } } });
    expect(row!.status).toBe("DRAFT");

    // The diff shows what would change.
    const diff = await (await call(diffRoute, { params: { key } })).json();
    expect(diff).toMatchObject({ from: 1, to: 2, summary: { added: 0, removed: 0, changed: 2 } });
    expect(diff.rules[0]).toMatchObject({ ruleId: "invoice_routing_rule_2", cells: [{ column: "Invoice amount", before: "[1000..10000]", after: "[1000..5000]" }] });
  });

  it("pins versions: latest published by default, any version (a draft too) when asked", async () => {
    const key = `invoice-routing-${uid()}`;
    await upload(routingTable(key));
    expect((await call(publishRoute, { params: { key } })).status).toBe(200);
    await upload(routingTable(key, (m) => (m.rules[0]!.inputEntries[0]!.text = "< 2000")).replace("[1000..10000]", "[2000..10000]"));
    expect((await call(publishRoute, { params: { key } })).status).toBe(200);
    await upload(routingTable(key, (m) => (m.rules[0]!.inputEntries[0]!.text = "< 3000")).replace("[1000..10000]", "[3000..10000]"));

    const evaluate = async (version?: number) => {
      const res = await call(evaluateRoute, { params: { key }, body: { inputs: { amount: 1500, newVendor: false }, ...(version ? { version } : {}) } });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { version: number; status: string; outputs: { route: string }[] };
    };
    expect(await evaluate()).toMatchObject({ version: 2, status: "PUBLISHED", outputs: [{ route: "auto-approve" }] });
    expect(await evaluate(1)).toMatchObject({ version: 1, outputs: [{ route: "clerk" }] });
    expect(await evaluate(3)).toMatchObject({ version: 3, status: "DRAFT", outputs: [{ route: "auto-approve" }] });
    const missing = await call(evaluateRoute, { params: { key }, body: { inputs: {}, version: 9 } });
    expect(missing.status).toBe(404);

    const detail = await (await call(getRoute, { params: { key } })).json();
    expect(detail).toMatchObject({ key, latestPublished: 2, draft: 3, current: { version: 3, status: "DRAFT" }, published: { version: 2 } });
    expect(detail.versions.map((v: { version: number; status: string }) => `${v.version}:${v.status}`)).toEqual(["3:DRAFT", "2:PUBLISHED", "1:PUBLISHED"]);
    const list = await (await call(listRoute)).json();
    expect(list.data.find((t: { key: string }) => t.key === key)).toMatchObject({ latestPublished: 2, draft: 3 });

    // A publish that names a version other than the draft is refused.
    const stale = await call(publishRoute, { params: { key }, body: { version: 2 } });
    expect(stale.status).toBe(412);
  });

  it("evaluation errors: UNIQUE violation names the rules (422), a wrong input type names the input", async () => {
    const key = `overlap-${uid()}`;
    await upload(routingTable(key, (m) => (m.rules[1]!.inputEntries[0]!.text = "<= 10000")));
    const both = await call(evaluateRoute, { params: { key }, body: { version: 1, inputs: { amount: 50, newVendor: false } } });
    expect(both.status).toBe(422);
    expect(await both.json()).toMatchObject({
      code: "DECISION_EVALUATION_FAILED",
      rules: ["invoice_routing_rule_1", "invoice_routing_rule_2"],
      detail: expect.stringContaining("rules 1 (invoice_routing_rule_1), 2 (invoice_routing_rule_2) all match"),
    });
    const wrong = await call(evaluateRoute, { params: { key }, body: { version: 1, inputs: { amount: "lots", newVendor: false } } });
    expect(await wrong.json()).toMatchObject({ status: 422, elementId: "invoice_routing_input_1" });
    expect((await auditOf(key)).map((a) => a.action)).toEqual(["decision_table.draft_created"]);
  });
});

describe("rules that never fired", () => {
  it("lists the published rules no audited evaluation matched in the period", async () => {
    const key = `invoice-routing-${uid()}`;
    await upload(routingTable(key));
    expect((await call(publishRoute, { params: { key } })).status).toBe(200);
    for (const inputs of [{ amount: 25000, newVendor: false }, { amount: 5, newVendor: false }, { amount: 7, newVendor: false }]) {
      expect((await call(evaluateRoute, { params: { key }, body: { inputs } })).status).toBe(200);
    }
    const req = (days: string) => unusedRoute(new Request(`http://localhost/api/v1/decision-tables/${key}/unused-rules?days=${days}`, { headers: { authorization: `Bearer ${admin}` } }), { params: Promise.resolve({ key }) });
    const res = await req("30");
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ key, version: 1, days: 30 });
    expect(body.rules.map((r: { index: number }) => r.index)).toEqual([2, 4, 5]);
    expect((await req("0")).status).toBe(422);
  });
});

describe("bad uploads and permissions", () => {
  it("rejects what is not DMN with a reason, and a bad cell with its element id (422 problem+json)", async () => {
    const notXml = await call(uploadRoute, { xml: "this is not xml" });
    expect(notXml.status).toBe(422);
    expect(notXml.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await notXml.json()).toMatchObject({ code: "DMN_INVALID", elementId: null, detail: expect.stringContaining("not a DMN document") });

    const key = `bad-${uid()}`;
    const bad = await call(uploadRoute, { xml: routingTable(key, (m) => (m.rules[3]!.inputEntries[0]!.text = "<= 10000 (")) });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: "DMN_INVALID", elementId: "invoice_routing_rule_4_in_1", detail: expect.stringContaining("FEEL syntax error in rule 4") });
    expect(await db().decisionTable.findUnique({ where: { key } })).toBeNull();

    const json = await call(uploadRoute, { body: { not: "xml" } });
    expect(json.status).toBe(415);
    const big = await call(uploadRoute, { xml: `<definitions>${" ".repeat(2 * 1024 * 1024)}</definitions>` });
    expect(big.status).toBe(413);
  });

  it("refuses a model without a decision table (literal expressions, a BKM, a context), saying what it has and what to do", async () => {
    const id = uid();
    const res = await call(uploadRoute, { xml: literalOnlyModel(id) });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { code: string; elementId: string; detail: string };
    expect(problem).toMatchObject({ code: "DMN_INVALID", elementId: `defs_${id}` });
    expect(problem.detail).toContain(`The model "Fees ${id}" has no decision tables: its decisions are "Fee" (a literal expression), "Quote" (a context), 1 business knowledge model.`);
    expect(problem.detail).toContain("uploaded as a decision model instead (POST /api/v1/decision-models");
    expect(await db().decisionTable.findMany({ where: { modelName: `Fees ${id}` } })).toEqual([]);
  });

  it("only rules:edit (admins) may upload, read or evaluate tables", async () => {
    const res = await call(uploadRoute, { token: supervisor, xml: routingTable(`nope-${uid()}`) });
    expect(res.status).toBe(403);
    expect((await call(listRoute, { token: supervisor })).status).toBe(403);
  });

  it("a .dmn file with several tables gives several drafts", async () => {
    const a = `multi-a-${uid()}`;
    const b = `multi-b-${uid()}`;
    const one = routingTable(a);
    const two = routingTable(b);
    const decisionOf = (xml: string) => xml.slice(xml.indexOf("  <decision"), xml.indexOf("</definitions>"));
    const both = one.replace("</definitions>", `${decisionOf(two).replace(/id="invoice_routing_/g, 'id="second_')}</definitions>`);
    const up = await upload(both);
    expect(up.tables.map((t) => t.key)).toEqual([a, b]);
  });

  it("keys a table by its model: another model reusing the decision id is refused (409) unless given its own key", async () => {
    const key = `ident-${uid()}`;
    await upload(routingTable(key));
    const otherModel = routingTable(key).replace('namespace="https://baton.dev/dmn"', 'namespace="https://other.example/dmn"');
    const refused = await call(uploadRoute, { xml: otherModel });
    expect(refused.status).toBe(409);
    const problem = (await refused.json()) as { code: string; detail: string };
    expect(problem.code).toBe("CONFLICT");
    expect(problem.detail).toContain("A different model cannot reuse the id");
    const detail = (await (await call(getRoute, { params: { key } })).json()) as { versions: unknown[]; model: { namespace: string } };
    expect(detail.versions).toHaveLength(1);
    expect(detail.model.namespace).toBe("https://baton.dev/dmn");

    const ownKey = `own-${uid()}`;
    const req = new Request(`http://localhost/api/v1/decision-tables?key=${ownKey}`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/xml" }, body: otherModel });
    const accepted = await uploadRoute(req, { params: Promise.resolve({}) });
    expect(accepted.status, await accepted.clone().text()).toBe(201);
    expect(((await accepted.json()) as { tables: { key: string }[] }).tables.map((t) => t.key)).toEqual([ownKey]);
    const badKey = new Request(`http://localhost/api/v1/decision-tables?key=${encodeURIComponent("no spaces")}`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/xml" }, body: otherModel });
    expect((await uploadRoute(badKey, { params: Promise.resolve({}) })).status).toBe(422);
  });

  it("archives a table: no drafts, publishes or evaluations until it is restored", async () => {
    const key = `arch-${uid()}`;
    await upload(routingTable(key));
    expect((await call(publishRoute, { params: { key }, body: {} })).status).toBe(200);
    const archived = await call(archiveRoute, { params: { key }, method: "POST" });
    expect(archived.status).toBe(200);
    expect(((await archived.json()) as { archivedAt: string | null }).archivedAt).not.toBeNull();
    expect((await call(archiveRoute, { params: { key }, method: "POST" })).status).toBe(409);
    expect((await call(evaluateRoute, { params: { key }, body: { inputs: { amount: 500, newVendor: false } } })).status).toBe(409);
    expect((await call(uploadRoute, { xml: routingTable(key) })).status).toBe(409);
    const restored = await call(restoreRoute, { params: { key }, method: "DELETE" });
    expect(restored.status).toBe(200);
    expect((await call(evaluateRoute, { params: { key }, body: { inputs: { amount: 500, newVendor: false } } })).status).toBe(200);
    expect((await auditOf(key)).map((e) => e.action)).toEqual(expect.arrayContaining(["decision_table.archived", "decision_table.restored"]));
  });
});
