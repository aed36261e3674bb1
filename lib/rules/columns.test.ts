import { describe, expect, it } from "vitest";
import { invoiceRoutingTable } from "./examples/invoice-routing";
import { parseDmn, validateModel } from "./dmn";
import { modelToDmnXml } from "./serialize";
import { addInput, addOutput, columnProblems, moveColumn, removeColumn, updateInput, updateOutput } from "./columns";
import type { DecisionTableModel } from "./schemas";

const table = (): DecisionTableModel => structuredClone(invoiceRoutingTable) as DecisionTableModel;
let n = 0;
const seq = () => `c${++n}`;

function consistent(m: DecisionTableModel) {
  for (const r of m.rules) {
    expect(r.inputEntries).toHaveLength(m.inputs.length);
    expect(r.outputEntries).toHaveLength(m.outputs.length);
  }
  validateModel(m);
}

describe("column edits", () => {
  it("adds an input: every rule gets a '-' cell, so the table decides as before, and saves as valid DMN", async () => {
    const m = addInput(table(), { expression: "country", label: "Country", type: "string" }, seq);
    expect(m.inputs.at(-1)).toMatchObject({ expression: "country", label: "Country", typeRef: "string" });
    expect(m.rules.every((r) => r.inputEntries.at(-1)!.text === "-")).toBe(true);
    consistent(m);
    const ids = m.rules.flatMap((r) => r.inputEntries.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    // Round trip through the XML the editor uploads.
    const parsed = await parseDmn(modelToDmnXml(m));
    expect(parsed[0]!.inputs.map((i) => i.expression)).toEqual(m.inputs.map((i) => i.expression));
  });

  it("adds an output with empty (null) cells, and refuses a bad or duplicate name", () => {
    const m = addOutput(table(), { name: "approvalNote", type: "string" }, seq);
    expect(m.rules.every((r) => r.outputEntries.at(-1)!.text === "")).toBe(true);
    consistent(m);
    expect([...columnProblems(updateOutput(m, m.outputs.length - 1, { name: "2bad" })).values()]).toEqual([
      "An output needs a name of letters, digits and _ (it is the key in the result).",
    ]);
    expect([...columnProblems(updateOutput(m, m.outputs.length - 1, { name: m.outputs[0]!.name })).values()]).toEqual([`Two outputs are named "${m.outputs[0]!.name}".`]);
  });

  it("removes a column with its cells, but never the last output", () => {
    const t = table();
    const m = removeColumn(t, "input", 0);
    expect(m.inputs).toHaveLength(t.inputs.length - 1);
    expect(m.rules[0]!.inputEntries.map((c) => c.id)).toEqual(t.rules[0]!.inputEntries.slice(1).map((c) => c.id));
    consistent(m);
    let one = t;
    while (one.outputs.length > 1) one = removeColumn(one, "output", 0);
    expect(removeColumn(one, "output", 0)).toBe(one);
  });

  it("reorders columns and their cells together", () => {
    const t = table();
    const m = moveColumn(t, "input", 0, 1);
    expect(m.inputs.map((i) => i.id)).toEqual([t.inputs[1]!.id, t.inputs[0]!.id]);
    m.rules.forEach((r, k) => expect(r.inputEntries.map((c) => c.text)).toEqual([t.rules[k]!.inputEntries[1]!.text, t.rules[k]!.inputEntries[0]!.text]));
    consistent(m);
    expect(moveColumn(t, "input", 0, 9)).toBe(t);
  });

  it("a type change is checked against the cells (a number cell in a boolean column is refused)", () => {
    const t = table();
    const amount = t.inputs.findIndex((i) => i.expression === "amount");
    expect(() => validateModel(updateInput(t, amount, { type: "boolean" }))).toThrow(/Type mismatch/);
    expect(() => validateModel(updateInput(t, amount, { type: "number", label: "Invoice amount" }))).not.toThrow();
  });
});
