import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { answerDecision, runModelTestCases } from "./model-evaluate";
import { keyFromName, modelChanges, parseModelUpload } from "./model-upload";

// A DMN model as one versioned object (ADR 054): models of any decisions are read, checked and
// evaluated by decision; what cannot be stored is refused with the element at fault.

const NS13 = "https://www.omg.org/spec/DMN/20191111/MODEL/";

function model(opts: { fee?: string; bkm?: string; name?: string } = {}): string {
  return `<definitions xmlns="${NS13}" id="defs" name="${opts.name ?? "Loan Fees"}" namespace="https://baton.test/loan">
  <itemDefinition name="tApplicant"><itemComponent name="Monthly Income"><typeRef>number</typeRef></itemComponent><itemComponent name="Net-Worth"><typeRef>number</typeRef></itemComponent></itemDefinition>
  <inputData id="applicant" name="Applicant"><variable name="Applicant" typeRef="tApplicant"/></inputData>
  <businessKnowledgeModel id="rate" name="Rate"><encapsulatedLogic id="rate_fn"><formalParameter name="income" typeRef="number"/><literalExpression id="rate_body"><text>${opts.bkm ?? "if income &gt; 5000 then 0.01 else 0.02"}</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>
  <decision id="fee" name="Fee">
    <variable name="Fee" typeRef="number"/>
    <informationRequirement id="r1"><requiredInput href="#applicant"/></informationRequirement>
    <knowledgeRequirement id="k1"><requiredKnowledge href="#rate"/></knowledgeRequirement>
    <literalExpression id="fee_expr"><text>${opts.fee ?? "Applicant.Monthly Income * Rate(Applicant.Monthly Income)"}</text></literalExpression>
  </decision>
  <decision id="summary" name="Summary">
    <informationRequirement id="r2"><requiredDecision href="#fee"/></informationRequirement>
    <informationRequirement id="r3"><requiredInput href="#applicant"/></informationRequirement>
    <context id="summary_ctx">
      <contextEntry><variable name="fee"/><literalExpression id="s1"><text>Fee</text></literalExpression></contextEntry>
      <contextEntry><variable name="worth"/><literalExpression id="s2"><text>Applicant.Net-Worth</text></literalExpression></contextEntry>
    </context>
  </decision>
</definitions>`;
}

async function refusal(xml: string): Promise<AppError> {
  try {
    await parseModelUpload(xml);
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected a refusal");
}

describe("models without a decision table", () => {
  it("reads the model's identity, its key from the name, and each decision with the input data it needs", async () => {
    const up = await parseModelUpload(model());
    expect(up).toMatchObject({ namespace: "https://baton.test/loan", name: "Loan Fees", defaultKey: "loan-fees" });
    expect(up.decisions).toEqual([
      { id: "fee", name: "Fee", logic: "literal", typeRef: "number", inputData: [{ name: "Applicant", typeRef: "tApplicant" }], requiredDecisions: [], requiredKnowledge: ["Rate"] },
      { id: "summary", name: "Summary", logic: "context", typeRef: null, inputData: [{ name: "Applicant", typeRef: "tApplicant" }], requiredDecisions: ["Fee"], requiredKnowledge: [] },
    ]);
  });

  it("evaluates any decision by name or id, with its requirements, on JSON inputs", async () => {
    const { graph } = await parseModelUpload(model());
    const applicant = { "Monthly Income": 6000.1, "Net-Worth": 12 };
    expect(answerDecision(graph, "Fee", { Applicant: applicant, Unused: 1 }, "m")).toMatchObject({ decision: "Fee", inputs: { Applicant: applicant }, value: 60.001 });
    expect(answerDecision(graph, "summary", { Applicant: applicant }, "m").value).toEqual({ fee: 60.001, worth: 12 });
    expect(() => answerDecision(graph, "Nope", {}, 'model "m"')).toThrow('model "m" has no decision "Nope".');
    // A value of the wrong type fails with the reason, never a silent null.
    expect(() => answerDecision(graph, "Fee", { Applicant: { "Monthly Income": "much" } }, "m")).toThrow(/could not decide/);
  });

  it("runs test cases per decision: exact values, objects in any key order, errors as failures", async () => {
    const { graph } = await parseModelUpload(model());
    const applicant = { "Monthly Income": 1000, "Net-Worth": 3 };
    const results = runModelTestCases(
      graph,
      [
        { name: "fee", decision: "Fee", inputs: { Applicant: applicant }, expected: 20 },
        { name: "summary", decision: "Summary", inputs: { Applicant: applicant }, expected: { worth: 3, fee: 20 } },
        { name: "wrong", decision: "Fee", inputs: { Applicant: applicant }, expected: 21 },
        { name: "unknown", decision: "Nope", inputs: {}, expected: null },
      ],
      "m",
    );
    expect(results.map((r) => [r.name, r.passed, r.actual])).toEqual([
      ["fee", true, 20],
      ["summary", true, { fee: 20, worth: 3 }],
      ["wrong", false, 20],
      ["unknown", false, null],
    ]);
    expect(results[3]!.error).toContain('has no decision "Nope"');
  });

  it("refuses a FEEL syntax error in a literal expression with its id, but knows the model's names with spaces and dashes", async () => {
    expect(await refusal(model({ fee: "Applicant.Monthly Income * (2" }))).toMatchObject({ code: "DMN_INVALID", details: { elementId: "fee_expr" } });
    expect((await refusal(model({ bkm: "if income &gt; then 1" }))).details).toEqual({ elementId: "rate_body" });
  });

  it("refuses a model without decisions, without a namespace, or requiring what it lacks", async () => {
    expect((await refusal(`<definitions xmlns="${NS13}" id="d" name="x" namespace="n"><inputData id="i" name="I"/></definitions>`)).message).toContain("has no decisions");
    expect((await refusal(`<definitions xmlns="${NS13}" id="d" name="x" namespace=""><decision id="a" name="A"><literalExpression><text>1</text></literalExpression></decision></definitions>`)).message).toContain("needs a namespace");
    const missing = await refusal(`<definitions xmlns="${NS13}" id="d" name="x" namespace="n"><decision id="a" name="A"><informationRequirement id="r"><requiredDecision href="#b"/></informationRequirement><literalExpression><text>1</text></literalExpression></decision></definitions>`);
    expect(missing).toMatchObject({ details: { elementId: "a" } });
    expect(missing.message).toContain('requires "b", which is not in the model');
  });

  it("makes keys from names", () => {
    expect(keyFromName("Loan Fees")).toBe("loan-fees");
    expect(keyFromName("Prüfung: Kredit (v2)")).toBe("prufung-kredit-v2");
    expect(keyFromName("2024 pricing")).toBe("model-2024-pricing");
    expect(keyFromName("---")).toBeNull();
    expect(keyFromName("x".repeat(300))).toHaveLength(100);
  });

  it("lists what a publish changes, by element name", async () => {
    const v1 = (await parseModelUpload(model())).graph;
    const v2 = (await parseModelUpload(model({ bkm: "0.03" }))).graph;
    expect(modelChanges(null, { version: 1, graph: v1 })).toEqual({ from: null, to: 1, added: ["Fee", "Summary"], removed: [], changed: [] });
    expect(modelChanges({ version: 1, graph: v1 }, { version: 2, graph: v2 })).toEqual({ from: 1, to: 2, added: [], removed: [], changed: ["Rate"] });
    expect(modelChanges({ version: 1, graph: v1 }, { version: 1, graph: v1 })).toMatchObject({ added: [], removed: [], changed: [] });
  });
});
