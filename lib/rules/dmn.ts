import type { DmnVersion } from "./dmn-versions";
import { dmnError, parseDecisionModel } from "./drg";
import {
  checkExpression,
  checkUnaryTests,
  evaluateExpression,
  feelTypeOf,
  literalTypesOfUnaryTests,
  matchesUnaryTests,
  normaliseTypeRef,
} from "./feel";
import type { DecisionTableModel, TableOutput } from "./schemas";

// Reading a .dmn file as decision tables: lib/rules/drg.ts reads the whole decision model (any
// DMN version 1.1–1.5); this module keeps the decisions that are standalone decision tables,
// which is what Baton stores as versioned tables, rejecting what it cannot store with the id of
// the DMN element at fault.

export { MAX_DMN_BYTES } from "./drg";

/** The decision tables of a .dmn document and the model they belong to (its namespace and name). */
export interface DmnUpload {
  namespace: string;
  modelName: string;
  dmnVersion: DmnVersion;
  tables: DecisionTableModel[];
}

/** Parses a .dmn document and returns its decision tables, or throws a DMN_INVALID AppError. */
export async function parseDmn(xml: string): Promise<DecisionTableModel[]> {
  return (await parseDmnUpload(xml)).tables;
}

/** Parses a .dmn document into its model's identity and decision tables, or throws a DMN_INVALID AppError. */
export async function parseDmnUpload(xml: string): Promise<DmnUpload> {
  const model = await parseDecisionModel(xml);
  const tables: DecisionTableModel[] = [];
  // Every decision whose logic is a decision table becomes a table; one that requires other
  // decisions or knowledge carries the whole model, so its requirements are evaluated with it.
  // The other elements (literal expressions, BKMs, decision services) are evaluated as requirements.
  for (const el of model.elements) {
    if (el.kind !== "decision" || el.logic?.kind !== "decisionTable") continue;
    if (!/^[A-Za-z_][\w.-]{0,99}$/.test(el.id)) throw dmnError(`The decision id "${el.id}" must start with a letter and use letters, digits, "_", "-" or "." (at most 100).`, el.id);
    const requires = el.requiredDecisions.length > 0 || el.requiredKnowledge.length > 0;
    const table = requires ? { ...el.logic.table, graph: model } : el.logic.table;
    validateModel(table);
    tables.push(table);
  }
  if (tables.length === 0) throw dmnError(noTableMessage(model), model.definitionsId);
  if (!model.namespace.trim()) throw dmnError("The <definitions> element needs a namespace: with its name it identifies the model.", model.definitionsId);
  return { namespace: model.namespace, modelName: model.name, dmnVersion: model.dmnVersion, tables };
}

const LOGIC_NAMES: Record<string, string> = {
  literal: "a literal expression",
  context: "a context",
  relation: "a relation",
  list: "a list",
  invocation: "an invocation",
  function: "a function definition",
  conditional: "a conditional",
  filter: "a filter",
  iterator: "an iterator",
};

/**
 * Why a model without any decision table is refused here (ADR 046): this path stores decision
 * tables; such a model is uploaded as a decision model (ADR 054). The message says what the model
 * has and where to upload it.
 */
function noTableMessage(model: Awaited<ReturnType<typeof parseDecisionModel>>): string {
  const decisions = model.elements.filter((e) => e.kind === "decision");
  const bkms = model.elements.filter((e) => e.kind === "bkm").length;
  const named = (model.name || "").trim() ? `The model "${model.name}"` : "The document";
  if (decisions.length === 0 && bkms === 0) return `${named} has no decision tables (and no decisions): Baton stores and publishes decisions whose logic is a decision table.`;
  const listed = decisions.slice(0, 5).map((d) => `"${d.name || d.id}" (${d.logic ? (LOGIC_NAMES[d.logic.kind] ?? d.logic.kind) : "no logic"})`);
  const more = decisions.length > 5 ? ` and ${decisions.length - 5} more` : "";
  const knowledge = bkms > 0 ? `, ${bkms} business knowledge model${bkms === 1 ? "" : "s"}` : "";
  return (
    `${named} has no decision tables: its decisions are ${listed.join(", ")}${more}${knowledge}. ` +
    `Decision tables are stored one per decision; a model of any decisions is uploaded as a decision model instead (POST /api/v1/decision-models, or "Upload model" on the rules page), ` +
    `where each of its decisions is tested, published and called by the model's key and the decision.`
  );
}

/**
 * Everything Baton checks before it accepts a table, in reading order: structure, then each
 * column, then each rule's cells (FEEL syntax, literal types against the column's typeRef,
 * output entries against the allowed output values). Also used for tables edited in the browser.
 * `scope` holds the names in scope (a decision model's, ADR 054), for names such as `Net-Worth`.
 */
export function validateModel(m: DecisionTableModel, scope: Record<string, unknown> = {}): void {
  const tableRef = m.tableId ?? m.key;
  if (m.outputs.length === 0) throw dmnError(`Decision table "${m.name}" has no output column.`, tableRef);
  if (m.aggregation && m.hitPolicy !== "COLLECT") throw dmnError(`Aggregation ${m.aggregation} is only allowed with the COLLECT hit policy (this table is ${m.hitPolicy}).`, tableRef);
  if (m.aggregation && m.outputs.length !== 1) throw dmnError(`COLLECT with ${m.aggregation} needs exactly one output column (this table has ${m.outputs.length}).`, tableRef);
  const names = new Set<string>();
  for (const o of m.outputs) {
    if (!o.name) throw dmnError(`Output "${o.label ?? o.id}" needs a name when a table has several outputs: the name is the key in the result.`, o.id);
    if (names.has(o.name)) throw dmnError(`Two outputs are named "${o.name}".`, o.id);
    names.add(o.name);
  }
  if ((m.hitPolicy === "PRIORITY" || m.hitPolicy === "OUTPUT ORDER") && !m.outputs.some((o) => o.outputValues)) {
    throw dmnError(`The ${m.hitPolicy} hit policy orders results by the output values: list them (e.g. "high","medium","low") on at least one output.`, tableRef);
  }

  for (const i of m.inputs) {
    const where = `input "${i.label ?? i.expression}"`;
    const exprProblem = checkExpression(i.expression, { allowEmpty: false }, scope);
    if (exprProblem) throw dmnError(`FEEL syntax error in the expression of ${where}: ${exprProblem.message}.`, i.expressionId ?? i.id);
    if (i.inputValues) {
      const p = checkUnaryTests(i.inputValues);
      if (p) throw dmnError(`FEEL syntax error in the allowed values of ${where}: ${p.message}.`, i.id);
      checkLiteralTypes(i.inputValues, i.typeRef, `the allowed values of ${where}`, i.id);
    }
  }
  for (const o of m.outputs) {
    const where = `output "${o.label ?? o.name}"`;
    if (o.outputValues) {
      const p = checkUnaryTests(o.outputValues);
      if (p) throw dmnError(`FEEL syntax error in the allowed values of ${where}: ${p.message}.`, o.id);
      checkLiteralTypes(o.outputValues, o.typeRef, `the allowed values of ${where}`, o.id);
    }
    if (o.defaultOutput) checkOutputCell(o.defaultOutput, o, `the default of ${where}`, o.id, scope);
  }

  const ruleIds = new Set<string>();
  m.rules.forEach((r, n) => {
    const row = `rule ${n + 1}`;
    if (ruleIds.has(r.id)) throw dmnError(`Two rules have the id "${r.id}".`, r.id);
    ruleIds.add(r.id);
    if (r.inputEntries.length !== m.inputs.length) throw dmnError(`${cap(row)} has ${r.inputEntries.length} input entries; the table has ${m.inputs.length} inputs.`, r.id);
    if (r.outputEntries.length !== m.outputs.length) throw dmnError(`${cap(row)} has ${r.outputEntries.length} output entries; the table has ${m.outputs.length} outputs.`, r.id);
    r.inputEntries.forEach((cell, k) => {
      const input = m.inputs[k]!;
      const where = `${row}, input "${input.label ?? input.expression}"`;
      const p = checkUnaryTests(cell.text, scope);
      if (p) throw dmnError(`FEEL syntax error in ${where} ("${cell.text}"): ${p.message}.`, cell.id);
      checkLiteralTypes(cell.text, input.typeRef, where, cell.id);
    });
    r.outputEntries.forEach((cell, k) => {
      const output = m.outputs[k]!;
      checkOutputCell(cell.text, output, `${row}, output "${output.label ?? output.name}"`, cell.id, scope);
    });
  });
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A cell compares the input with literals of the column's type: `< 1000` in a string column is a mistake. */
function checkLiteralTypes(text: string, typeRef: string | null, where: string, elementId: string): void {
  const type = normaliseTypeRef(typeRef);
  if (type === "any") return;
  for (const lit of literalTypesOfUnaryTests(text)) {
    if (lit.type !== type && lit.type !== "any") {
      throw dmnError(`Type mismatch in ${where}: ${lit.text} is a ${describeType(lit.type)}, but the column is ${describeType(type)} (typeRef "${typeRef}").`, elementId);
    }
  }
}

function checkOutputCell(text: string, output: TableOutput, where: string, elementId: string, names: Record<string, unknown> = {}): void {
  const p = checkExpression(text, {}, names);
  if (p) throw dmnError(`FEEL syntax error in ${where} ("${text}"): ${p.message}.`, elementId);
  // Literal outputs are checked against the column's type and allowed values; computed ones
  // (`amount * 0.1`) can only be checked when evaluated.
  let value: unknown;
  try {
    value = evaluateExpression(text, {});
  } catch {
    return;
  }
  if (value === null || value === undefined) return;
  const type = normaliseTypeRef(output.typeRef);
  const actual = feelTypeOf(value);
  if (type !== "any" && actual && actual !== "any" && actual !== type) {
    throw dmnError(`Type mismatch in ${where}: ${text} is a ${describeType(actual)}, but the output is ${describeType(type)} (typeRef "${output.typeRef}").`, elementId);
  }
  if (output.outputValues && !matchesUnaryTests(output.outputValues, value, {})) {
    throw dmnError(`${cap(where)}: ${text} is not one of the output's allowed values (${output.outputValues}).`, elementId);
  }
}

function describeType(t: string): string {
  return { dateTime: "date and time", number: "number", string: "string", boolean: "boolean", date: "date", time: "time", duration: "duration" }[t] ?? t;
}
