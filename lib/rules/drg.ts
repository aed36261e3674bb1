import { DmnModdle } from "dmn-moddle";
import { AppError } from "../errors";
import { DMN15_PACKAGES } from "./dmn-moddle-15";
import { convertDmnNamespaces, detectDmnVersion, SUPPORTED_NAMESPACES } from "./dmn-versions";
import { HIT_POLICIES, AGGREGATIONS, type Aggregation, type BoxedExpression, type DecisionModel, type DecisionTableModel, type DrgElement, type HitPolicy, type ItemDefinition } from "./schemas";

// Reading a whole decision model (a decision requirements graph): decisions, input data,
// business knowledge models and decision services, each with its boxed expression, and the item
// definitions their types refer to. The result is plain JSON (stored with each version and
// evaluated by lib/rules/drg-evaluate.ts). Any DMN version from 1.1 to 1.5 is read.

export const MAX_DMN_BYTES = 2 * 1024 * 1024;

export type { BoxedExpression, DecisionModel, DrgElement, ItemDefinition } from "./schemas";

/** An upload Baton rejects: 422 problem+json with the DMN element id (null when the file is not DMN at all). */
export function dmnError(message: string, elementId: string | null): AppError {
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
  [key: string]: unknown;
}
type Ref = { href?: string };

/** Parses a .dmn document of any DMN version into its decision model, or throws a DMN_INVALID AppError. */
export async function parseDecisionModel(xml: string): Promise<DecisionModel> {
  if (xml.length > MAX_DMN_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `A .dmn file must be at most ${MAX_DMN_BYTES / 1024 / 1024} MB.`);
  if (!/<([\w-]+:)?definitions[\s>]/.test(xml)) {
    throw dmnError(`This is not a DMN document: expected a <definitions> element in a DMN namespace (${SUPPORTED_NAMESPACES}).`, null);
  }
  const dmnVersion = detectDmnVersion(xml);
  if (!dmnVersion) throw dmnError(`The <definitions> element is not in a DMN namespace Baton knows (${SUPPORTED_NAMESPACES}).`, null);
  let definitions: El & { drgElement?: El[]; itemDefinition?: El[]; namespace?: string };
  let warnings: { message: string }[];
  try {
    const result = await new DmnModdle(DMN15_PACKAGES).fromXML(convertDmnNamespaces(xml, dmnVersion, "1.3"), "dmn:Definitions");
    definitions = result.rootElement as unknown as typeof definitions;
    warnings = (result.warnings ?? []) as { message: string }[];
  } catch (e) {
    throw dmnError(`This is not a readable DMN document: ${firstLine((e as Error).message)}.`, null);
  }
  const unknown = warnings[0];
  if (unknown) {
    const { element, elementId } = locateWarning(unknown.message, xml);
    throw dmnError(element ? `The element <${element}> is not supported (or is misspelt).` : `The document has content Baton cannot read: ${firstLine(unknown.message)}.`, elementId);
  }

  const elements: DrgElement[] = [];
  const ids = new Set<string>();
  for (const el of definitions.drgElement ?? []) {
    if (el.$type === "dmn:KnowledgeSource") continue;
    // An element without an id is referred to by its name (DMN ids are optional in the schema).
    const id = el.id ?? el.name;
    if (!id) throw dmnError(`Every ${el.$type.replace("dmn:", "")} needs an id or a name.`, null);
    if (ids.has(id)) throw dmnError(`The id "${id}" appears twice.`, id);
    ids.add(id);
    elements.push(readDrgElement({ ...el, id }));
  }
  return {
    dmnVersion,
    namespace: definitions.namespace ?? "",
    name: definitions.name ?? definitions.id ?? "",
    definitionsId: definitions.id ?? null,
    itemDefinitions: (definitions.itemDefinition ?? []).map(readItemDefinition),
    elements,
  };
}

export function firstLine(s: string): string {
  return s.split("\n")[0]!.trim().replace(/\.$/, "");
}

/** moddle reports unknown elements with a line and column only; find the element and its (or its parent's) id. */
export function locateWarning(message: string, xml: string): { element: string | null; elementId: string | null } {
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

/** `#id` (or `namespace#id` for imports) → id. */
const hrefId = (r: Ref | undefined): string | null => (r?.href ? r.href.slice(r.href.indexOf("#") + 1) : null);
const hrefs = (rs: unknown, key: string): string[] =>
  ((rs as Record<string, Ref | undefined>[] | undefined) ?? []).map((r) => hrefId(r[key])).filter((x): x is string => x !== null);
const refs = (rs: unknown): string[] => ((rs as Ref[] | undefined) ?? []).map(hrefId).filter((x): x is string => x !== null);

function variableType(el: El): string | null {
  return ((el.variable as El | undefined)?.typeRef as string | undefined) ?? null;
}

function readDrgElement(el: El): DrgElement {
  const id = el.id!;
  const name = el.name ?? id;
  switch (el.$type) {
    case "dmn:InputData":
      return { kind: "inputData", id, name, typeRef: variableType(el) };
    case "dmn:Decision": {
      const logic = el.decisionLogic as El | undefined;
      return {
        kind: "decision",
        id,
        name,
        typeRef: variableType(el),
        requiredDecisions: hrefs(el.informationRequirement, "requiredDecision"),
        requiredInputs: hrefs(el.informationRequirement, "requiredInput"),
        requiredKnowledge: hrefs(el.knowledgeRequirement, "requiredKnowledge"),
        logic: logic ? readExpression(logic, name, variableType(el), id) : null,
      };
    }
    case "dmn:BusinessKnowledgeModel": {
      const logic = el.encapsulatedLogic as El | undefined;
      const fn = logic ? readExpression({ ...logic, $type: "dmn:FunctionDefinition" }, name, null) : null;
      return { kind: "bkm", id, name, typeRef: variableType(el), requiredKnowledge: hrefs(el.knowledgeRequirement, "requiredKnowledge"), logic: fn as Extract<BoxedExpression, { kind: "function" }> | null };
    }
    case "dmn:DecisionService":
      return {
        kind: "decisionService",
        id,
        name,
        typeRef: variableType(el),
        outputDecisions: refs(el.outputDecision),
        encapsulatedDecisions: refs(el.encapsulatedDecision),
        inputDecisions: refs(el.inputDecision),
        inputData: refs(el.inputData),
      };
    default:
      throw dmnError(`${el.$type.replace("dmn:", "")} "${name}" is not supported.`, id);
  }
}

function readItemDefinition(el: El): ItemDefinition {
  return {
    name: el.name ?? "",
    typeRef: (el.typeRef as string | undefined)?.trim() || null,
    allowedValues: ((el.allowedValues as El | undefined)?.text ?? "").trim() || null,
    typeConstraint: ((el.typeConstraint as El | undefined)?.text ?? "").trim() || null,
    isCollection: el.isCollection === true,
    components: ((el.itemComponent as El[] | undefined) ?? []).map(readItemDefinition),
    isFunction: !!el.functionItem,
  };
}

/** A boxed expression; `name` names the decision or entry, `key` (the decision's id) keys a table and names its single unnamed output. */
export function readExpression(el: El, name: string, typeRef: string | null, key = name): BoxedExpression {
  const base = { id: el.id ?? null, typeRef: (el.typeRef as string | undefined) ?? typeRef };
  switch (el.$type) {
    case "dmn:LiteralExpression":
      return { kind: "literal", ...base, text: (el.text ?? "").trim() };
    case "dmn:DecisionTable":
      return { kind: "decisionTable", ...base, table: readDecisionTable(el, name, key) };
    case "dmn:Context":
      return {
        kind: "context",
        ...base,
        entries: ((el.contextEntry as El[] | undefined) ?? []).map((e) => {
          const v = e.variable as El | undefined;
          const value = e.value as El | undefined;
          return { name: v?.name ?? null, typeRef: (v?.typeRef as string | undefined) ?? null, value: value ? readExpression(value, v?.name ?? name, (v?.typeRef as string | undefined) ?? null) : null };
        }),
      };
    case "dmn:Relation":
      return {
        kind: "relation",
        ...base,
        columns: ((el.column as El[] | undefined) ?? []).map((c) => c.name ?? ""),
        rows: ((el.row as El[] | undefined) ?? []).map((r) => ((r.elements as El[] | undefined) ?? []).map((c) => readExpression(c, name, null))),
      };
    case "dmn:List":
      return { kind: "list", ...base, items: ((el.elements as El[] | undefined) ?? []).map((c) => readExpression(c, name, null)) };
    case "dmn:Invocation": {
      const called = el.calledFunction as El | undefined;
      return {
        kind: "invocation",
        ...base,
        fn: (called?.text ?? "").trim(),
        bindings: ((el.binding as El[] | undefined) ?? []).map((b) => {
          const p = b.parameter as El | undefined;
          const f = b.bindingFormula as El | undefined;
          return { name: p?.name ?? "", value: f ? readExpression(f, p?.name ?? "", null) : null };
        }),
      };
    }
    case "dmn:FunctionDefinition": {
      const body = el.body as El | undefined;
      const kind = String(el.kind ?? "FEEL").toUpperCase();
      return {
        kind: "function",
        ...base,
        language: kind === "JAVA" ? "Java" : kind === "PMML" ? "PMML" : "FEEL",
        parameters: ((el.formalParameter as El[] | undefined) ?? []).map((p) => ({ name: p.name ?? "", typeRef: (p.typeRef as string | undefined) ?? null })),
        body: body ? readExpression(body, name, null) : null,
      };
    }
    case "dmn:Conditional":
      return { kind: "conditional", ...base, if: childOf(el.if, name), then: childOf(el.then, name), else: childOf(el.else, name) };
    case "dmn:Filter":
      return { kind: "filter", ...base, in: childOf(el.in, name), match: childOf(el.match, name) };
    case "dmn:For":
    case "dmn:Some":
    case "dmn:Every":
      return {
        kind: "iterator",
        ...base,
        iterator: el.$type === "dmn:For" ? "for" : el.$type === "dmn:Some" ? "some" : "every",
        variable: String(el.iteratorVariable ?? "item"),
        in: childOf(el.in, name),
        body: childOf(el.$type === "dmn:For" ? el.return : el.satisfies, name),
      };
    default:
      throw dmnError(`The boxed expression ${el.$type.replace("dmn:", "")} is not supported.`, el.id ?? null);
  }
}

/** The expression inside a DMN 1.5 child element (`<if>`, `<in>`, `<return>`…). */
function childOf(c: unknown, name: string): BoxedExpression | null {
  const value = (c as El | undefined)?.value as El | undefined;
  return value ? readExpression(value, name, null) : null;
}

interface DecisionTableEl extends El {
  hitPolicy?: string;
  aggregation?: string;
  input?: (El & { inputExpression?: El; inputValues?: El })[];
  output?: (El & { outputValues?: El; defaultOutputEntry?: El })[];
  rule?: (El & { inputEntry?: El[]; outputEntry?: El[]; annotationEntry?: El[] })[];
}

/** A decision table as Baton's plain table model; `name` is the decision's (the key, and a single output's name). */
export function readDecisionTable(t: DecisionTableEl, name: string, key = name): DecisionTableModel {
  const hitPolicy = (t.hitPolicy ?? "UNIQUE") as HitPolicy;
  if (!HIT_POLICIES.includes(hitPolicy)) throw dmnError(`Unknown hit policy "${t.hitPolicy}".`, t.id ?? null);
  const aggregation = (t.aggregation ?? null) as Aggregation | null;
  if (aggregation && !AGGREGATIONS.includes(aggregation)) throw dmnError(`Unknown aggregation "${t.aggregation}" (SUM, MIN, MAX or COUNT).`, t.id ?? null);
  const outputsRaw = t.output ?? [];
  return {
    key,
    name,
    tableId: t.id ?? null,
    hitPolicy,
    aggregation,
    inputs: (t.input ?? []).map((i, n) => ({
      id: i.id ?? `input_${n + 1}`,
      label: i.label ?? null,
      expression: (i.inputExpression?.text ?? "").trim(),
      expressionId: i.inputExpression?.id ?? null,
      typeRef: i.inputExpression?.typeRef ?? null,
      inputValues: i.inputValues?.text?.trim() || null,
    })),
    outputs: outputsRaw.map((o, n) => ({
      id: o.id ?? `output_${n + 1}`,
      name: o.name ?? (outputsRaw.length === 1 ? key : ""),
      label: o.label ?? null,
      typeRef: o.typeRef ?? null,
      outputValues: o.outputValues?.text?.trim() || null,
      defaultOutput: o.defaultOutputEntry?.text?.trim() || null,
    })),
    rules: (t.rule ?? []).map((r, n) => ({
      id: r.id ?? `rule_${n + 1}`,
      annotation: (r.description ?? r.annotationEntry?.[0]?.text ?? "").trim() || null,
      inputEntries: (r.inputEntry ?? []).map((c, k) => ({ id: c.id ?? `${r.id}_in_${k + 1}`, text: (c.text ?? "").trim() })),
      outputEntries: (r.outputEntry ?? []).map((c, k) => ({ id: c.id ?? `${r.id}_out_${k + 1}`, text: (c.text ?? "").trim() })),
    })),
  };
}
