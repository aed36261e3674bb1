import { DmnModdle } from "dmn-moddle";
import { AppError } from "../errors";
import {
  checkExpression,
  checkUnaryTests,
  evaluateExpression,
  feelTypeOf,
  literalTypesOfUnaryTests,
  matchesUnaryTests,
  normaliseTypeRef,
} from "./feel";
import { AGGREGATIONS, HIT_POLICIES, type Aggregation, type DecisionTableModel, type HitPolicy, type TableInput, type TableOutput, type TableRule } from "./schemas";

// Reading a .dmn file: dmn-moddle parses the DMN 1.3 XML into its meta-model, and this module
// turns every decision table into Baton's plain model (lib/rules/schemas.ts), rejecting what
// Baton cannot evaluate with the id of the DMN element at fault.

export const MAX_DMN_BYTES = 2 * 1024 * 1024;

/** An upload Baton rejects: 422 problem+json with the DMN element id (null when the file is not DMN at all). */
function dmnError(message: string, elementId: string | null): AppError {
  return new AppError("DMN_INVALID", message, { details: { elementId } });
}

/* Minimal shapes of the moddle elements read here (dmn-moddle ships no types). */
interface El {
  $type: string;
  id?: string;
  name?: string;
  label?: string;
  text?: string;
  typeRef?: string;
  description?: string;
}
interface DecisionEl extends El {
  decisionLogic?: DecisionTableEl | El;
  informationRequirement?: { requiredDecision?: { href?: string } }[];
}
interface DecisionTableEl extends El {
  hitPolicy?: string;
  aggregation?: string;
  input?: (El & { inputExpression?: El; inputValues?: El })[];
  output?: (El & { outputValues?: El; defaultOutputEntry?: El })[];
  annotation?: El[];
  rule?: (El & { inputEntry?: El[]; outputEntry?: El[]; annotationEntry?: El[] })[];
}

const IGNORED_DRG = new Set(["dmn:InputData", "dmn:KnowledgeSource"]);

/** Parses a .dmn document and returns its decision tables, or throws a DMN_INVALID AppError. */
export async function parseDmn(xml: string): Promise<DecisionTableModel[]> {
  if (xml.length > MAX_DMN_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `A .dmn file must be at most ${MAX_DMN_BYTES / 1024 / 1024} MB.`);
  if (!/<([\w-]+:)?definitions[\s>]/.test(xml)) {
    throw dmnError("This is not a DMN document: expected a <definitions> element in the DMN 1.3 namespace (https://www.omg.org/spec/DMN/20191111/MODEL/).", null);
  }
  if (!xml.includes("https://www.omg.org/spec/DMN/20191111/MODEL/")) {
    throw dmnError(
      "Only DMN 1.3 is supported: the <definitions> element must use the namespace https://www.omg.org/spec/DMN/20191111/MODEL/. " +
        "DMN 1.1 and 1.2 files can be converted with the Camunda Modeler (open the file and save it again).",
      null,
    );
  }
  let definitions: El & { drgElement?: El[] };
  let warnings: { message: string }[];
  try {
    const result = await new DmnModdle().fromXML(xml, "dmn:Definitions");
    definitions = result.rootElement as unknown as typeof definitions;
    warnings = (result.warnings ?? []) as { message: string }[];
  } catch (e) {
    throw dmnError(`This is not a readable DMN document: ${firstLine((e as Error).message)}.`, null);
  }
  const unknown = warnings[0];
  if (unknown) {
    const { element, elementId } = locateWarning(unknown.message, xml);
    throw dmnError(
      element ? `The element <${element}> is not supported in a decision table (or is misspelt).` : `The document has content Baton cannot read: ${firstLine(unknown.message)}.`,
      elementId,
    );
  }

  const tables: DecisionTableModel[] = [];
  const keys = new Set<string>();
  for (const el of definitions.drgElement ?? []) {
    if (IGNORED_DRG.has(el.$type)) continue;
    if (el.$type !== "dmn:Decision") {
      throw dmnError(`${el.$type.replace("dmn:", "")} "${el.name ?? el.id}" is not supported: Baton evaluates decision tables only.`, el.id ?? null);
    }
    const decision = el as DecisionEl;
    const logic = decision.decisionLogic;
    if (!logic || logic.$type !== "dmn:DecisionTable") {
      throw dmnError(
        `Decision "${decision.name ?? decision.id}" is a ${logic ? logic.$type.replace("dmn:", "") : "decision without logic"}: Baton evaluates decision tables only.`,
        decision.id ?? null,
      );
    }
    if ((decision.informationRequirement ?? []).some((r) => r.requiredDecision)) {
      throw dmnError(`Decision "${decision.name ?? decision.id}" requires another decision: decision requirement graphs are not supported yet; upload each table on its own.`, decision.id ?? null);
    }
    if (!decision.id) throw dmnError("Every decision needs an id: it is the table's key.", null);
    if (!/^[A-Za-z_][\w.-]{0,99}$/.test(decision.id)) throw dmnError(`The decision id "${decision.id}" must start with a letter and use letters, digits, "_", "-" or "." (at most 100).`, decision.id);
    if (keys.has(decision.id)) throw dmnError(`The decision id "${decision.id}" appears twice.`, decision.id);
    keys.add(decision.id);
    const model = toModel(decision, logic as DecisionTableEl);
    validateModel(model);
    tables.push(model);
  }
  if (tables.length === 0) throw dmnError("The document has no decision tables.", definitions.id ?? null);
  return tables;
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.trim().replace(/\.$/, "");
}

/** moddle reports unknown elements with a line and column only; find the element and its (or its parent's) id. */
function locateWarning(message: string, xml: string): { element: string | null; elementId: string | null } {
  const element = /unparsable content <([\w:.-]+)/.exec(message)?.[1] ?? null;
  const line = Number(/line: (\d+)/.exec(message)?.[1] ?? NaN);
  const column = Number(/column: (\d+)/.exec(message)?.[1] ?? NaN);
  if (!element || Number.isNaN(line)) return { element, elementId: null };
  const lines = xml.split("\n");
  const offset = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + (Number.isNaN(column) ? 0 : column);
  const tagStart = xml.lastIndexOf(`<${element}`, offset + element.length + 1);
  const tag = tagStart >= 0 ? /^<[^>]*>/.exec(xml.slice(tagStart))?.[0] : undefined;
  const own = tag ? /\bid="([^"]+)"/.exec(tag)?.[1] : undefined;
  if (own) return { element, elementId: own };
  const before = [...xml.slice(0, tagStart >= 0 ? tagStart : offset).matchAll(/\bid="([^"]+)"/g)].pop()?.[1] ?? null;
  return { element, elementId: before };
}

function toModel(decision: DecisionEl, t: DecisionTableEl): DecisionTableModel {
  const hitPolicy = (t.hitPolicy ?? "UNIQUE") as HitPolicy;
  if (!HIT_POLICIES.includes(hitPolicy)) throw dmnError(`Unknown hit policy "${t.hitPolicy}".`, t.id ?? decision.id ?? null);
  const aggregation = (t.aggregation ?? null) as Aggregation | null;
  if (aggregation && !AGGREGATIONS.includes(aggregation)) throw dmnError(`Unknown aggregation "${t.aggregation}" (SUM, MIN, MAX or COUNT).`, t.id ?? null);
  const outputsRaw = t.output ?? [];
  const inputs: TableInput[] = (t.input ?? []).map((i, n) => ({
    id: i.id ?? `input_${n + 1}`,
    label: i.label ?? null,
    expression: (i.inputExpression?.text ?? "").trim(),
    expressionId: i.inputExpression?.id ?? null,
    typeRef: i.inputExpression?.typeRef ?? null,
    inputValues: i.inputValues?.text?.trim() || null,
  }));
  const outputs: TableOutput[] = outputsRaw.map((o, n) => ({
    id: o.id ?? `output_${n + 1}`,
    name: o.name ?? (outputsRaw.length === 1 ? (decision.id ?? "result") : ""),
    label: o.label ?? null,
    typeRef: o.typeRef ?? null,
    outputValues: o.outputValues?.text?.trim() || null,
    defaultOutput: o.defaultOutputEntry?.text?.trim() || null,
  }));
  const rules: TableRule[] = (t.rule ?? []).map((r, n) => ({
    id: r.id ?? `rule_${n + 1}`,
    annotation: (r.description ?? r.annotationEntry?.[0]?.text ?? "").trim() || null,
    inputEntries: (r.inputEntry ?? []).map((c, k) => ({ id: c.id ?? `${r.id}_in_${k + 1}`, text: (c.text ?? "").trim() })),
    outputEntries: (r.outputEntry ?? []).map((c, k) => ({ id: c.id ?? `${r.id}_out_${k + 1}`, text: (c.text ?? "").trim() })),
  }));
  return { key: decision.id!, name: decision.name ?? decision.id!, tableId: t.id ?? null, hitPolicy, aggregation, inputs, outputs, rules };
}

/**
 * Everything Baton checks before it accepts a table, in reading order: structure, then each
 * column, then each rule's cells (FEEL syntax, literal types against the column's typeRef,
 * output entries against the allowed output values). Also used for tables edited in the browser.
 */
export function validateModel(m: DecisionTableModel): void {
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
    const exprProblem = checkExpression(i.expression, { allowEmpty: false });
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
    if (o.defaultOutput) checkOutputCell(o.defaultOutput, o, `the default of ${where}`, o.id);
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
      const p = checkUnaryTests(cell.text);
      if (p) throw dmnError(`FEEL syntax error in ${where} ("${cell.text}"): ${p.message}.`, cell.id);
      checkLiteralTypes(cell.text, input.typeRef, where, cell.id);
    });
    r.outputEntries.forEach((cell, k) => {
      const output = m.outputs[k]!;
      checkOutputCell(cell.text, output, `${row}, output "${output.label ?? output.name}"`, cell.id);
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

function checkOutputCell(text: string, output: TableOutput, where: string, elementId: string): void {
  const p = checkExpression(text);
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
