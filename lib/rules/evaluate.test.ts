import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { evaluateDecisionTable } from "./evaluate";
import { invoiceRoutingTable, invoiceRoutingTestCases } from "./examples/invoice-routing";
import { tableFromSpec, type TableSpec } from "./serialize";
import { runTestCases } from "./test-cases";

const table = (spec: Omit<TableSpec, "key"> & { key?: string }) => tableFromSpec({ key: "t", ...spec });
const run = (spec: Parameters<typeof table>[0], inputs: Record<string, unknown>) => evaluateDecisionTable(table(spec), inputs);
const ids = (r: ReturnType<typeof run>) => r.matchedRules.map((m) => m.index);

function evaluationError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an evaluation error");
}

// The DMN 1.3 specification's example tables (chapter 8), reconstructed.

// §8.2.13 "Applicant Risk Rating" (UNIQUE).
const applicantRiskRating = {
  hitPolicy: "UNIQUE" as const,
  inputs: [
    { label: "Applicant Age", expression: "Applicant Age", typeRef: "number" },
    { label: "Medical History", expression: "Medical History", typeRef: "string", inputValues: '"good","bad"' },
  ],
  outputs: [{ name: "Applicant Risk Rating", typeRef: "string", outputValues: '"High","Medium","Low"' }],
  rules: [
    ["> 60", '"good"', '"Medium"'],
    ["> 60", '"bad"', '"High"'],
    ["[25..60]", "-", '"Medium"'],
    ["< 25", '"good"', '"Low"'],
    ["< 25", '"bad"', '"Medium"'],
  ],
};

// §8.2.x "Routing Rules" (OUTPUT ORDER in the specification; the same rules serve PRIORITY).
const routingRules = (hitPolicy: "OUTPUT ORDER" | "PRIORITY" | "RULE ORDER") => ({
  hitPolicy,
  inputs: [
    { label: "Age", expression: "Age", typeRef: "number" },
    { label: "Risk category", expression: "Risk category", typeRef: "string", inputValues: '"HIGH","MEDIUM","LOW"' },
    { label: "Debt review", expression: "Debt review", typeRef: "boolean" },
  ],
  outputs: [
    { name: "Routing", typeRef: "string", outputValues: '"DECLINE","REFER","ACCEPT"' },
    { name: "Review level", typeRef: "string", outputValues: '"LEVEL 2","LEVEL 1","NONE"' },
    { name: "Reason", typeRef: "string" },
  ],
  rules: [
    ["-", "-", "-", '"ACCEPT"', '"NONE"', '"Acceptable"'],
    ["< 18", "-", "-", '"DECLINE"', '"NONE"', '"Applicant too young"'],
    ["-", '"HIGH"', "-", '"REFER"', '"LEVEL 1"', '"High risk application"'],
    ["-", "-", "true", '"REFER"', '"LEVEL 2"', '"Applicant under debt review"'],
  ],
});

// "Holidays" (COLLECT SUM), the classic collect example: base days plus extras by age and service.
const holidays = (aggregation: "SUM" | "MIN" | "MAX" | "COUNT" | null) => ({
  hitPolicy: "COLLECT" as const,
  aggregation,
  inputs: [
    { label: "Age", expression: "age", typeRef: "number" },
    { label: "Years of service", expression: "service", typeRef: "number" },
  ],
  outputs: [{ name: "holidays", typeRef: "number" }],
  rules: [
    ["-", "-", "22"],
    ["< 18, >= 60", "-", "5"],
    ["-", ">= 30", "5"],
    ["[18..60)", "[15..30)", "2"],
    [">= 45", "-", "2"],
  ],
});

describe("DMN 1.3 specification examples", () => {
  it("Applicant Risk Rating (UNIQUE)", () => {
    expect(run(applicantRiskRating, { "Applicant Age": 65, "Medical History": "bad" }).outputs).toEqual([{ "Applicant Risk Rating": "High" }]);
    expect(run(applicantRiskRating, { "Applicant Age": 40, "Medical History": "good" }).outputs).toEqual([{ "Applicant Risk Rating": "Medium" }]);
    expect(run(applicantRiskRating, { "Applicant Age": 20, "Medical History": "good" })).toMatchObject({ outputs: [{ "Applicant Risk Rating": "Low" }], matchedRules: [{ index: 4 }] });
  });

  it("input values are enforced", () => {
    const e = evaluationError(() => run(applicantRiskRating, { "Applicant Age": 20, "Medical History": "unknown" }));
    expect(e.code).toBe("DECISION_EVALUATION_FAILED");
    expect(e.message).toContain("not one of its allowed values");
    expect(e.details).toMatchObject({ elementId: "t_input_2" });
  });

  it("Routing Rules (OUTPUT ORDER): every match, by Routing then Review level priority", () => {
    const r = run(routingRules("OUTPUT ORDER"), { Age: 17, "Risk category": "HIGH", "Debt review": true });
    expect(r.outputs.map((o) => `${o.Routing}/${o["Review level"]}`)).toEqual(["DECLINE/NONE", "REFER/LEVEL 2", "REFER/LEVEL 1", "ACCEPT/NONE"]);
    expect(ids(r)).toEqual([2, 4, 3, 1]);
  });

  it("Routing Rules (PRIORITY): the single highest-priority match", () => {
    expect(run(routingRules("PRIORITY"), { Age: 30, "Risk category": "HIGH", "Debt review": true })).toMatchObject({
      outputs: [{ Routing: "REFER", "Review level": "LEVEL 2", Reason: "Applicant under debt review" }],
      matchedRules: [{ index: 4 }],
    });
    expect(run(routingRules("PRIORITY"), { Age: 30, "Risk category": "LOW", "Debt review": false }).outputs).toEqual([{ Routing: "ACCEPT", "Review level": "NONE", Reason: "Acceptable" }]);
  });

  it("Routing Rules (RULE ORDER): every match in rule order", () => {
    expect(ids(run(routingRules("RULE ORDER"), { Age: 17, "Risk category": "HIGH", "Debt review": true }))).toEqual([1, 2, 3, 4]);
  });

  it("Holidays (COLLECT, with and without aggregation)", () => {
    const inputs = { age: 58, service: 31 };
    expect(run(holidays(null), inputs).outputs).toEqual([{ holidays: 22 }, { holidays: 5 }, { holidays: 2 }]);
    expect(run(holidays("SUM"), inputs)).toMatchObject({ outputs: [{ holidays: 29 }], matchedRules: [{ index: 1 }, { index: 3 }, { index: 5 }] });
    expect(run(holidays("SUM"), { age: 16, service: 1 }).outputs).toEqual([{ holidays: 27 }]);
    expect(run(holidays("MIN"), inputs).outputs).toEqual([{ holidays: 2 }]);
    expect(run(holidays("MAX"), inputs).outputs).toEqual([{ holidays: 22 }]);
    // COUNT counts distinct outputs (DMN 1.3 §8.2.11): 22, 5 and 2.
    expect(run(holidays("COUNT"), inputs).outputs).toEqual([{ holidays: 3 }]);
    expect(run(holidays("COUNT"), { age: 61, service: 31 }).outputs).toEqual([{ holidays: 3 }]);
  });
});

describe("hit policies", () => {
  const overlapping = (hitPolicy: TableSpec["hitPolicy"]) => ({
    hitPolicy,
    inputs: [{ label: "Amount", expression: "amount", typeRef: "number" }],
    outputs: [{ name: "level", typeRef: "string", outputValues: '"high","low"' }],
    rules: [
      ["< 100", '"low"'],
      ["< 1000", '"low"'],
      [">= 50", '"high"'],
    ],
  });

  it("UNIQUE: one match is the result; several are an error naming the rules", () => {
    expect(run(overlapping("UNIQUE"), { amount: 5000 })).toMatchObject({ outputs: [{ level: "high" }], matchedRules: [{ id: "t_rule_3", index: 3 }] });
    const e = evaluationError(() => run(overlapping("UNIQUE"), { amount: 500 }));
    expect(e.code).toBe("DECISION_EVALUATION_FAILED");
    expect(e.status).toBe(422);
    expect(e.message).toBe("The UNIQUE hit policy allows one matching rule, but rules 2 (t_rule_2), 3 (t_rule_3) all match these inputs.");
    expect(e.details).toEqual({ elementId: "t_table", rules: ["t_rule_2", "t_rule_3"] });
  });

  it("ANY: matches that agree give one result; disagreeing matches are an error", () => {
    expect(run(overlapping("ANY"), { amount: 20 })).toMatchObject({ outputs: [{ level: "low" }], matchedRules: [{ index: 1 }] });
    const e = evaluationError(() => run(overlapping("ANY"), { amount: 60 }));
    expect(e.message).toContain("rules 1 (t_rule_1), 2 (t_rule_2), 3 (t_rule_3)");
    expect(e.details).toMatchObject({ rules: ["t_rule_1", "t_rule_2", "t_rule_3"] });
  });

  it("FIRST: the first match in rule order", () => {
    expect(run(overlapping("FIRST"), { amount: 60 })).toMatchObject({ outputs: [{ level: "low" }], matchedRules: [{ index: 1 }] });
  });

  it("PRIORITY: the match whose output comes first in the output values", () => {
    expect(run(overlapping("PRIORITY"), { amount: 60 })).toMatchObject({ outputs: [{ level: "high" }], matchedRules: [{ index: 3 }] });
  });

  it("OUTPUT ORDER: all matches by output priority, rule order among equals", () => {
    expect(ids(run(overlapping("OUTPUT ORDER"), { amount: 60 }))).toEqual([3, 1, 2]);
  });

  it("RULE ORDER and COLLECT: all matches in rule order", () => {
    expect(run(overlapping("RULE ORDER"), { amount: 60 }).outputs).toEqual([{ level: "low" }, { level: "low" }, { level: "high" }]);
    expect(ids(run(overlapping("COLLECT"), { amount: 60 }))).toEqual([1, 2, 3]);
  });

  it("no match: the default output values, else an empty list", () => {
    const spec = { ...overlapping("UNIQUE"), rules: [[">= 1000000", '"high"']] };
    expect(run(spec, { amount: 5 })).toEqual({ outputs: [], matchedRules: [] });
    const withDefault = { ...spec, outputs: [{ name: "level", typeRef: "string", outputValues: '"high","low"', defaultOutput: '"low"' }] };
    expect(run(withDefault, { amount: 5 })).toEqual({ outputs: [{ level: "low" }], matchedRules: [] });
    expect(run({ ...holidays("COUNT"), rules: [["> 200", "-", "1"]] }, { age: 30, service: 1 }).outputs).toEqual([{ holidays: 0 }]);
  });

  it("outputs are FEEL expressions over the inputs", () => {
    const spec = {
      hitPolicy: "UNIQUE" as const,
      inputs: [{ label: "Amount", expression: "invoice.amount", typeRef: "number" }],
      outputs: [{ name: "fee", typeRef: "number" }, { name: "due", typeRef: "date" }],
      rules: [["> 0", "invoice.amount * 0.02", 'date("2026-12-01") + duration("P30D")']],
    };
    expect(run(spec, { invoice: { amount: 1500 } }).outputs).toEqual([{ fee: 30, due: "2026-12-31" }]);
  });

  it("an input of the wrong type is an error naming the input", () => {
    const e = evaluationError(() => run(overlapping("FIRST"), { amount: "a lot" }));
    expect(e.message).toBe('Input "Amount" (amount): expected a number, got "a lot".');
    expect(e.details).toEqual({ elementId: "t_input_1" });
  });

  it("dates and durations arrive as ISO strings", () => {
    const spec = {
      hitPolicy: "FIRST" as const,
      inputs: [
        { label: "Received", expression: "received", typeRef: "date" },
        { label: "Waiting", expression: "waiting", typeRef: "dayTimeDuration" },
      ],
      outputs: [{ name: "late", typeRef: "boolean" }],
      rules: [
        ['>= date("2026-11-01")', '> duration("PT8H")', "true"],
        ["-", "-", "false"],
      ],
    };
    expect(run(spec, { received: "2026-11-26", waiting: "PT9H" }).outputs).toEqual([{ late: true }]);
    expect(run(spec, { received: "2026-10-26", waiting: "PT9H" }).outputs).toEqual([{ late: false }]);
    expect(run(spec, { received: null, waiting: null }).outputs).toEqual([{ late: false }]);
  });
});

describe("invoice routing (seed table)", () => {
  it("passes its own test cases", () => {
    expect(runTestCases(invoiceRoutingTable, invoiceRoutingTestCases).filter((r) => !r.passed)).toEqual([]);
  });

  it("reports a failing test case with the actual outputs and matched rules", () => {
    const [r] = runTestCases(invoiceRoutingTable, [{ name: "wrong", inputs: { amount: 50, newVendor: false }, expected: [{ route: "clerk", candidateGroup: "accounts-payable", approvals: 1 }] }]);
    expect(r).toMatchObject({ passed: false, actual: [{ route: "auto-approve", candidateGroup: null, approvals: 0 }], matchedRules: ["invoice_routing_rule_1"], error: null });
  });
});
