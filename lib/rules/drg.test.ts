import { describe, expect, it } from "vitest";
import { detectDmnVersion } from "./dmn-versions";
import { parseDecisionModel } from "./drg";
import { evaluateModelDecision } from "./drg-evaluate";
import { parseDmn } from "./dmn";
import { evaluateDecisionTable } from "./evaluate";

// Reading and evaluating a decision requirements graph: the same model in every DMN namespace,
// decisions requiring decisions and input data, a BKM invoked from a literal expression and
// through a boxed invocation, contexts, relations, DMN 1.5 boxed expressions, type conformance.

const NS = {
  "1.1": "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
  "1.2": "http://www.omg.org/spec/DMN/20180521/MODEL/",
  "1.3": "https://www.omg.org/spec/DMN/20191111/MODEL/",
  "1.4": "https://www.omg.org/spec/DMN/20211108/MODEL/",
  "1.5": "https://www.omg.org/spec/DMN/20230324/MODEL/",
} as const;

const model = (ns: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="${ns}" id="loan" name="Loan approval" namespace="https://example.com/loan">
  <itemDefinition name="tRisk"><typeRef>string</typeRef><allowedValues><text>"low","high"</text></allowedValues></itemDefinition>
  <inputData id="i_amount" name="Amount"><variable name="Amount" typeRef="number"/></inputData>
  <inputData id="i_rate" name="Rate"><variable name="Rate" typeRef="number"/></inputData>
  <businessKnowledgeModel id="b_fee" name="Fee">
    <variable name="Fee"/>
    <encapsulatedLogic>
      <formalParameter name="amount" typeRef="number"/>
      <literalExpression><text>amount * 0.01</text></literalExpression>
    </encapsulatedLogic>
  </businessKnowledgeModel>
  <decision id="d_interest" name="Interest">
    <variable name="Interest" typeRef="number"/>
    <informationRequirement><requiredInput href="#i_amount"/></informationRequirement>
    <informationRequirement><requiredInput href="#i_rate"/></informationRequirement>
    <literalExpression><text>Amount * Rate</text></literalExpression>
  </decision>
  <decision id="d_total" name="Total">
    <variable name="Total"/>
    <informationRequirement><requiredDecision href="#d_interest"/></informationRequirement>
    <informationRequirement><requiredInput href="#i_amount"/></informationRequirement>
    <knowledgeRequirement><requiredKnowledge href="#b_fee"/></knowledgeRequirement>
    <context>
      <contextEntry><variable name="fee"/><invocation>
        <literalExpression><text>Fee</text></literalExpression>
        <binding><parameter name="amount"/><literalExpression><text>Amount</text></literalExpression></binding>
      </invocation></contextEntry>
      <contextEntry><variable name="sum"/><literalExpression><text>Amount + Interest + fee</text></literalExpression></contextEntry>
      <contextEntry><variable name="fees"/><relation>
        <column name="name"/><column name="value"/>
        <row><literalExpression><text>"fee"</text></literalExpression><literalExpression><text>fee</text></literalExpression></row>
      </relation></contextEntry>
    </context>
  </decision>
  <decision id="d_risk" name="Risk">
    <variable name="Risk" typeRef="tRisk"/>
    <informationRequirement><requiredInput href="#i_amount"/></informationRequirement>
    <literalExpression><text>if Amount > 1000 then "high" else if Amount > 0 then "low" else "unknown"</text></literalExpression>
  </decision>
</definitions>`;

describe("decision models of every DMN version", () => {
  it.each(Object.entries(NS))("reads DMN %s", async (version, ns) => {
    expect(detectDmnVersion(model(ns))).toBe(version);
    const m = await parseDecisionModel(model(ns));
    expect(m).toMatchObject({ dmnVersion: version, namespace: "https://example.com/loan", name: "Loan approval" });
    expect(m.elements.map((e) => `${e.kind}:${e.name}`)).toEqual(["inputData:Amount", "inputData:Rate", "bkm:Fee", "decision:Interest", "decision:Total", "decision:Risk"]);
  });

  it("refuses a namespace that is no DMN version", async () => {
    await expect(parseDecisionModel(model("https://example.com/not-dmn"))).rejects.toMatchObject({ code: "DMN_INVALID" });
  });
});

describe("evaluating a decision with its requirements", () => {
  it("evaluates required decisions, invokes the BKM and builds the context, in decimals", async () => {
    const m = await parseDecisionModel(model(NS["1.5"]));
    const r = evaluateModelDecision(m, "Total", { Amount: 1000, Rate: 0.1 });
    expect(r.value).toEqual({ fee: 10, sum: 1110, fees: [{ name: "fee", value: 10 }] });
    expect(evaluateModelDecision(m, "d_interest", { Amount: 0.1, Rate: 3 }).value).toBe(0.3);
  });

  it("turns a value that does not conform to its item definition into null, and says why", async () => {
    const m = await parseDecisionModel(model(NS["1.3"]));
    expect(evaluateModelDecision(m, "Risk", { Amount: 5000 }).value).toBe("high");
    const r = evaluateModelDecision(m, "Risk", { Amount: -1 });
    expect(r.value).toBeNull();
    expect(r.problems[0]).toContain('does not conform to its type "tRisk"');
    expect(evaluateModelDecision(m, "Interest", { Amount: "a lot", Rate: 0.1 }).value).toBeNull();
  });

  it("refuses a decision the model does not have", async () => {
    const m = await parseDecisionModel(model(NS["1.3"]));
    expect(() => evaluateModelDecision(m, "Nope", {})).toThrow(/has no decision "Nope"/);
  });

  it("evaluates DMN 1.5 boxed conditional, filter, for, some and every", async () => {
    const decision = (name: string, body: string) => `<decision id="${name}" name="${name}"><variable name="${name}"/>${body}</decision>`;
    const lit = (t: string) => `<literalExpression><text>${t}</text></literalExpression>`;
    const xml = `<definitions xmlns="${NS["1.5"]}" id="b" name="Boxed" namespace="https://example.com/boxed">
      ${decision("cond", `<conditional><if>${lit("1 &lt; 2")}</if><then>${lit('"yes"')}</then><else>${lit('"no"')}</else></conditional>`)}
      ${decision("filt", `<filter><in>${lit("[{n: 1}, {n: 5}]")}</in><match>${lit("n &gt; 2")}</match></filter>`)}
      ${decision("dbl", `<for iteratorVariable="x"><in>${lit("[1, 2]")}</in><return>${lit("x * 2")}</return></for>`)}
      ${decision("any", `<some iteratorVariable="x"><in>${lit("[1, 2]")}</in><satisfies>${lit("x &gt; 1")}</satisfies></some>`)}
      ${decision("all", `<every iteratorVariable="x"><in>${lit("[1, 2]")}</in><satisfies>${lit("x &gt; 1")}</satisfies></every>`)}
    </definitions>`;
    const m = await parseDecisionModel(xml);
    const value = (d: string) => evaluateModelDecision(m, d, {}).value;
    expect([value("cond"), value("filt"), value("dbl"), value("any"), value("all")]).toEqual(["yes", [{ n: 5 }], [2, 4], true, false]);
  });
});

describe("a decision table of a graph, stored and evaluated as a table", () => {
  it("carries its model and evaluates its required decisions and knowledge from the input data", async () => {
    const xml = `<definitions xmlns="${NS["1.4"]}" id="r" name="Routing" namespace="https://example.com/routing">
      <inputData id="i_amount" name="Amount"><variable name="Amount" typeRef="number"/></inputData>
      <inputData id="i_due" name="Due"><variable name="Due" typeRef="date"/></inputData>
      <businessKnowledgeModel id="b_vat" name="With VAT"><variable name="With VAT"/>
        <encapsulatedLogic><formalParameter name="x"/><literalExpression><text>x * 1.2</text></literalExpression></encapsulatedLogic>
      </businessKnowledgeModel>
      <decision id="gross" name="Gross"><variable name="Gross" typeRef="number"/>
        <informationRequirement><requiredInput href="#i_amount"/></informationRequirement>
        <knowledgeRequirement><requiredKnowledge href="#b_vat"/></knowledgeRequirement>
        <literalExpression><text>With VAT(Amount)</text></literalExpression>
      </decision>
      <decision id="route" name="Route"><variable name="Route"/>
        <informationRequirement><requiredDecision href="#gross"/></informationRequirement>
        <informationRequirement><requiredInput href="#i_due"/></informationRequirement>
        <decisionTable id="t" hitPolicy="FIRST">
          <input id="in1" label="Gross"><inputExpression id="e1" typeRef="number"><text>Gross</text></inputExpression></input>
          <input id="in2" label="Due"><inputExpression id="e2" typeRef="date"><text>Due</text></inputExpression></input>
          <output id="o1" name="route" typeRef="string"/>
          <rule id="r1"><inputEntry id="c1"><text>&gt; 1000</text></inputEntry><inputEntry id="c2"><text>-</text></inputEntry><outputEntry id="c3"><text>"lead"</text></outputEntry></rule>
          <rule id="r2"><inputEntry id="c4"><text>-</text></inputEntry><inputEntry id="c5"><text>&lt; date("2027-01-01")</text></inputEntry><outputEntry id="c6"><text>"clerk"</text></outputEntry></rule>
        </decisionTable>
      </decision>
    </definitions>`;
    const [table, ...others] = await parseDmn(xml);
    expect(others).toHaveLength(0);
    expect(table!.key).toBe("route");
    expect(table!.graph?.dmnVersion).toBe("1.4");
    // 900 * 1.2 = 1080 > 1000: the lead, through the BKM and the literal decision.
    expect(evaluateDecisionTable(table!, { Amount: 900, Due: "2026-12-31" })).toMatchObject({ outputs: [{ route: "lead" }], matchedRules: [{ id: "r1" }] });
    expect(evaluateDecisionTable(table!, { Amount: 500, Due: "2026-12-31" })).toMatchObject({ outputs: [{ route: "clerk" }], matchedRules: [{ id: "r2" }] });
    expect(() => evaluateDecisionTable(table!, { Amount: 500, Due: "soon" })).toThrow(/Input data "Due": expected a date/);
  });
});
