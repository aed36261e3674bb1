import type { DecisionTableModel } from "./schemas";

// Writes a table back as a DMN 1.3 document (one decision, one decision table). The browser
// editor saves through this; tests and the seed build their tables with it. Diagram
// information of the original file is not kept.

export const DMN13_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/";

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const attr = (name: string, v: string | null | undefined) => (v === null || v === undefined ? "" : ` ${name}="${esc(v)}"`);
const text = (v: string) => `<text>${esc(v)}</text>`;

/**
 * `model` is the DMN model the table belongs to (namespace and name): a table edited in the browser
 * is saved as part of its own model, so the upload is a new version of the same table.
 */
export function modelToDmnXml(m: DecisionTableModel, model?: { namespace: string; name: string } | null): string {
  const tableId = m.tableId ?? `${m.key}_table`;
  const lines: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<definitions xmlns="${DMN13_NS}" id="${esc(m.key)}_definitions" name="${esc(model?.name ?? m.name)}" namespace="${esc(model?.namespace ?? "https://baton.dev/dmn")}">`,
    `  <decision id="${esc(m.key)}" name="${esc(m.name)}">`,
    `    <decisionTable id="${esc(tableId)}"${m.hitPolicy === "UNIQUE" ? "" : attr("hitPolicy", m.hitPolicy)}${attr("aggregation", m.aggregation)}>`,
  ];
  for (const i of m.inputs) {
    lines.push(`      <input id="${esc(i.id)}"${attr("label", i.label)}>`);
    lines.push(`        <inputExpression id="${esc(i.expressionId ?? `${i.id}_expression`)}"${attr("typeRef", i.typeRef)}>${text(i.expression)}</inputExpression>`);
    if (i.inputValues) lines.push(`        <inputValues id="${esc(i.id)}_values">${text(i.inputValues)}</inputValues>`);
    lines.push(`      </input>`);
  }
  for (const o of m.outputs) {
    const inner = [
      o.outputValues ? `<outputValues id="${esc(o.id)}_values">${text(o.outputValues)}</outputValues>` : "",
      o.defaultOutput ? `<defaultOutputEntry id="${esc(o.id)}_default">${text(o.defaultOutput)}</defaultOutputEntry>` : "",
    ].join("");
    lines.push(`      <output id="${esc(o.id)}"${attr("label", o.label)}${attr("name", o.name)}${attr("typeRef", o.typeRef)}${inner ? `>${inner}</output>` : " />"}`);
  }
  for (const r of m.rules) {
    lines.push(`      <rule id="${esc(r.id)}">`);
    if (r.annotation) lines.push(`        <description>${esc(r.annotation)}</description>`);
    for (const c of r.inputEntries) lines.push(`        <inputEntry id="${esc(c.id)}">${text(c.text)}</inputEntry>`);
    for (const c of r.outputEntries) lines.push(`        <outputEntry id="${esc(c.id)}">${text(c.text)}</outputEntry>`);
    lines.push(`      </rule>`);
  }
  lines.push(`    </decisionTable>`, `  </decision>`, `</definitions>`, ``);
  return lines.join("\n");
}

/** A compact way to write a table (tests, the seed): rows are input cells, then output cells, then an optional annotation. */
export interface TableSpec {
  key: string;
  name?: string;
  hitPolicy?: DecisionTableModel["hitPolicy"];
  aggregation?: DecisionTableModel["aggregation"];
  inputs: { label?: string; expression: string; typeRef?: string; inputValues?: string }[];
  outputs: { name: string; label?: string; typeRef?: string; outputValues?: string; defaultOutput?: string }[];
  rules: (string | null)[][];
}

export function tableFromSpec(spec: TableSpec): DecisionTableModel {
  const k = spec.key.replace(/[^\w]/g, "_");
  return {
    key: spec.key,
    name: spec.name ?? spec.key,
    tableId: `${k}_table`,
    hitPolicy: spec.hitPolicy ?? "UNIQUE",
    aggregation: spec.aggregation ?? null,
    inputs: spec.inputs.map((i, n) => ({
      id: `${k}_input_${n + 1}`,
      label: i.label ?? null,
      expression: i.expression,
      expressionId: `${k}_input_${n + 1}_expression`,
      typeRef: i.typeRef ?? null,
      inputValues: i.inputValues ?? null,
    })),
    outputs: spec.outputs.map((o, n) => ({
      id: `${k}_output_${n + 1}`,
      name: o.name,
      label: o.label ?? null,
      typeRef: o.typeRef ?? null,
      outputValues: o.outputValues ?? null,
      defaultOutput: o.defaultOutput ?? null,
    })),
    rules: spec.rules.map((row, n) => {
      const id = `${k}_rule_${n + 1}`;
      const ins = row.slice(0, spec.inputs.length);
      const outs = row.slice(spec.inputs.length, spec.inputs.length + spec.outputs.length);
      return {
        id,
        annotation: row[spec.inputs.length + spec.outputs.length] ?? null,
        inputEntries: ins.map((t, c) => ({ id: `${id}_in_${c + 1}`, text: t ?? "-" })),
        outputEntries: outs.map((t, c) => ({ id: `${id}_out_${c + 1}`, text: t ?? "" })),
      };
    }),
  };
}
