import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parseDmn } from "./dmn";
import { diffTables } from "./diff";
import { invoiceRoutingTable } from "./examples/invoice-routing";
import { DMN13_NS, modelToDmnXml } from "./serialize";
import type { DecisionTableModel } from "./schemas";

async function rejection(xml: string): Promise<AppError> {
  try {
    await parseDmn(xml);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected the upload to be rejected");
}

const xml = modelToDmnXml(invoiceRoutingTable);
const edit = (f: (m: DecisionTableModel) => void) => {
  const m = structuredClone(invoiceRoutingTable);
  f(m);
  return modelToDmnXml(m);
};

describe("parseDmn", () => {
  it("reads a decision table: hit policy, typed inputs, named outputs, rules with annotations", async () => {
    const [t] = await parseDmn(xml);
    expect(t).toEqual(invoiceRoutingTable);
  });

  it("reads what the Camunda Modeler writes (FIRST, typeRefs like integer, description annotations, DRD shapes)", async () => {
    const camunda = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="${DMN13_NS}" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="Definitions_1" name="DRD" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="dish" name="Dish">
    <decisionTable id="DecisionTable_0" hitPolicy="FIRST">
      <input id="Input_1" label="Season" camunda:inputVariable="season"><inputExpression id="InputExpression_1" typeRef="string"><text>season</text></inputExpression></input>
      <input id="Input_2" label="Guests"><inputExpression id="InputExpression_2" typeRef="integer"><text>guestCount</text></inputExpression></input>
      <output id="Output_1" label="Dish" name="dish" typeRef="string" />
      <rule id="DecisionRule_1"><description>Winter roast</description><inputEntry id="U1"><text>"Winter"</text></inputEntry><inputEntry id="U2"><text>&lt;= 8</text></inputEntry><outputEntry id="O1"><text>"Roastbeef"</text></outputEntry></rule>
      <rule id="DecisionRule_2"><inputEntry id="U3"><text></text></inputEntry><inputEntry id="U4"><text>-</text></inputEntry><outputEntry id="O2"><text>"Stew"</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <inputData id="InputData_1" name="Season" />
  <dmndi:DMNDI><dmndi:DMNDiagram id="DMNDiagram_1"><dmndi:DMNShape id="DMNShape_1" dmnElementRef="dish"><dc:Bounds height="80" width="180" x="150" y="80" /></dmndi:DMNShape></dmndi:DMNDiagram></dmndi:DMNDI>
</definitions>`;
    const [t] = await parseDmn(camunda);
    expect(t).toMatchObject({ key: "dish", hitPolicy: "FIRST", inputs: [{ expression: "season" }, { expression: "guestCount", typeRef: "integer" }] });
    expect(t!.rules[0]).toMatchObject({ id: "DecisionRule_1", annotation: "Winter roast" });
    expect(t!.rules[1]!.inputEntries[0]!.text).toBe("");
  });

  it("rejects what is not DMN, naming the reason", async () => {
    expect((await rejection("hello")).message).toMatch(/^This is not a DMN document/);
    expect((await rejection("<definitions xmlns='http://example.com/not-dmn'/>")).message).toMatch(/not in a DMN namespace Baton knows/);
    expect((await rejection("<definitions xmlns='http://www.omg.org/spec/DMN/20151101/dmn.xsd' id='d'/>")).message).toMatch(/no decision tables/);
    const broken = await rejection(`<definitions xmlns="${DMN13_NS}" id="d"><decision id="x"></definitions>`);
    expect(broken).toMatchObject({ code: "DMN_INVALID", status: 422 });
    expect(broken.message).toMatch(/not a readable DMN document/);
  });

  it("rejects an unsupported element with its id", async () => {
    const e = await rejection(xml.replace('<rule id="invoice_routing_rule_2">', '<rule id="invoice_routing_rule_2"><weirdThing id="w1"/>'));
    expect(e.message).toContain("<weirdThing> is not supported");
    expect(e.details).toEqual({ elementId: "w1" });
    const literal = await rejection(`<definitions xmlns="${DMN13_NS}" id="d" namespace="x"><decision id="fee"><literalExpression id="le"><text>1</text></literalExpression></decision></definitions>`);
    expect(literal.message).toContain(`The model "d" has no decision tables: its decisions are "fee" (a literal expression).`);
    expect(literal.details).toEqual({ elementId: "d" });
    const service = await rejection(`<definitions xmlns="${DMN13_NS}" id="d" namespace="x"><knowledgeSource id="k1" name="Policy"/><weirdDecision id="w2"/></definitions>`);
    expect(service.details).toEqual({ elementId: "w2" });
  });

  it("refuses a model without a decision table as a table upload, naming its decisions and where models go (ADR 046, 054)", async () => {
    const e = await rejection(`<definitions xmlns="${DMN13_NS}" id="defs" name="Fees" namespace="https://baton.test/fees">
  <inputData id="amount" name="Amount"/>
  <businessKnowledgeModel id="rate" name="Rate"><encapsulatedLogic id="rate_fn"><formalParameter name="a"/><literalExpression id="rate_body"><text>0.01</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>
  <decision id="fee" name="Fee"><literalExpression id="fee_expr"><text>Amount * 0.01</text></literalExpression></decision>
  <decision id="quote" name="Quote"><context id="quote_ctx"><contextEntry><variable name="fee"/><literalExpression id="q1"><text>1</text></literalExpression></contextEntry></context></decision>
  <decision id="open" name="Open"/>
</definitions>`);
    expect(e).toMatchObject({ code: "DMN_INVALID", status: 422, details: { elementId: "defs" } });
    expect(e.message).toBe(
      'The model "Fees" has no decision tables: its decisions are "Fee" (a literal expression), "Quote" (a context), "Open" (no logic), 1 business knowledge model. ' +
        'Decision tables are stored one per decision; a model of any decisions is uploaded as a decision model instead (POST /api/v1/decision-models, or "Upload model" on the rules page), ' +
        "where each of its decisions is tested, published and called by the model's key and the decision.",
    );
  });

  it("rejects a FEEL syntax error with the cell's id", async () => {
    const e = await rejection(edit((m) => (m.rules[1]!.inputEntries[0]!.text = "[1000..10000")));
    expect(e.message).toBe('FEEL syntax error in rule 2, input "Invoice amount" ("[1000..10000"): the expression is incomplete (at character 13).');
    expect(e.details).toEqual({ elementId: "invoice_routing_rule_2_in_1" });
    const out = await rejection(edit((m) => (m.rules[0]!.outputEntries[0]!.text = '"auto-approve')));
    expect(out.details).toEqual({ elementId: "invoice_routing_rule_1_out_1" });
  });

  it("rejects a type mismatch with the cell's id", async () => {
    const e = await rejection(edit((m) => (m.rules[2]!.inputEntries[1]!.text = '"yes"')));
    expect(e.message).toBe('Type mismatch in rule 3, input "New vendor": "yes" is a string, but the column is boolean (typeRef "boolean").');
    expect(e.details).toEqual({ elementId: "invoice_routing_rule_3_in_2" });
    const out = await rejection(edit((m) => (m.rules[0]!.outputEntries[2]!.text = '"none"')));
    expect(out.message).toContain("is a string, but the output is number");
    const notAllowed = await rejection(edit((m) => (m.rules[0]!.outputEntries[0]!.text = '"manager"')));
    expect(notAllowed.message).toContain("not one of the output's allowed values");
  });

  it("rejects structural mistakes", async () => {
    expect((await rejection(edit((m) => (m.aggregation = "SUM")))).message).toContain("only allowed with the COLLECT hit policy");
    expect((await rejection(edit((m) => (m.hitPolicy = "PRIORITY") && (m.outputs[0]!.outputValues = null)))).message).toContain("orders results by the output values");
    expect((await rejection(edit((m) => m.rules[0]!.inputEntries.pop()))).message).toBe("Rule 1 has 1 input entries; the table has 2 inputs.");
    expect((await rejection(xml.replace('hitPolicy="UNIQUE"', "").replace("<decisionTable ", '<decisionTable hitPolicy="SOMETIMES" '))).message).toContain('Unknown hit policy "SOMETIMES"');
  });
});

describe("diffTables", () => {
  it("lists rules added, removed, changed and the table's own changes", () => {
    const draft = structuredClone(invoiceRoutingTable);
    draft.hitPolicy = "FIRST";
    draft.rules[1]!.inputEntries[0]!.text = "[1000..5000]";
    draft.rules.splice(4, 1);
    draft.rules.push({ id: "new_rule", annotation: "Catch-all", inputEntries: [{ id: "a", text: "-" }, { id: "b", text: "-" }], outputEntries: [{ id: "c", text: '"team-lead"' }, { id: "d", text: '"finance-leads"' }, { id: "e", text: "1" }] });
    const d = diffTables("invoice-routing", { version: 1, model: invoiceRoutingTable }, { version: 2, model: draft });
    expect(d.table).toEqual(["Hit policy: UNIQUE → FIRST"]);
    expect(d.summary).toEqual({ added: 1, removed: 1, changed: 1, moved: 0 });
    expect(d.rules.find((r) => r.change === "changed")).toEqual({
      ruleId: "invoice_routing_rule_2",
      change: "changed",
      before: 2,
      after: 2,
      cells: [{ column: "Invoice amount", before: "[1000..10000]", after: "[1000..5000]" }],
    });
    expect(d.rules.find((r) => r.change === "removed")).toMatchObject({ ruleId: "invoice_routing_rule_5", before: 5, after: null });
  });

  it("sees a reordered rule as moved, and a first version as all added", () => {
    const draft = structuredClone(invoiceRoutingTable);
    draft.rules.unshift(draft.rules.pop()!);
    const d = diffTables("k", { version: 1, model: invoiceRoutingTable }, { version: 2, model: draft });
    expect(d.rules.filter((r) => r.change === "moved").map((r) => r.ruleId)).toContain("invoice_routing_rule_5");
    expect(diffTables("k", null, { version: 1, model: invoiceRoutingTable }).summary.added).toBe(5);
  });
});
