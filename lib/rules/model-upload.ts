import { validateModel } from "./dmn";
import { dmnError, parseDecisionModel, type BoxedExpression, type DecisionModel, type DrgElement } from "./drg";
import { checkExpression } from "./feel";
import type { ModelChanges, ModelDecision } from "./model-schemas";

// Reading a .dmn file as one versioned model (ADR 054): any decision requirements graph is
// accepted — decision tables, literal expressions, contexts, invocations, BKMs — as long as it has
// a decision, an identity (namespace) and logic Baton can read. Each decision table in it is checked
// as a table upload is (lib/rules/dmn.ts), and each literal expression's FEEL syntax, with the
// element id at fault. Pure: no database.

export interface ModelUpload {
  namespace: string;
  name: string;
  /** The key a model gets when the upload names none: made from its name (or definitions id). */
  defaultKey: string | null;
  graph: DecisionModel;
  decisions: ModelDecision[];
}

type Decision = Extract<DrgElement, { kind: "decision" }>;

/** Parses and checks a .dmn document as a model, or throws DMN_INVALID with the element at fault. */
export async function parseModelUpload(xml: string): Promise<ModelUpload> {
  const graph = await parseDecisionModel(xml);
  if (!graph.namespace.trim()) throw dmnError("The <definitions> element needs a namespace: with its name it identifies the model.", graph.definitionsId);
  const decisions = graph.elements.filter((e): e is Decision => e.kind === "decision");
  if (decisions.length === 0) {
    throw dmnError(`The model "${graph.name || graph.definitionsId || "without a name"}" has no decisions: Baton publishes and calls the decisions of a model.`, graph.definitionsId);
  }
  const ids = new Set(graph.elements.map((e) => e.id));
  for (const el of graph.elements) {
    const required = el.kind === "decision" ? [...el.requiredDecisions, ...el.requiredInputs, ...el.requiredKnowledge] : el.kind === "bkm" ? el.requiredKnowledge : [];
    for (const id of required) if (!ids.has(id)) throw dmnError(`"${el.name}" requires "${id}", which is not in the model (imported models are not supported).`, el.id);
  }
  const names = scopeNames(graph);
  for (const el of graph.elements) {
    if (el.kind === "decision" && el.logic) checkExpressions(el.logic, el.name, names);
    if (el.kind === "bkm" && el.logic) checkExpressions(el.logic, el.name, names);
  }
  return { namespace: graph.namespace, name: graph.name, defaultKey: keyFromName(graph.name) ?? keyFromName(graph.definitionsId ?? ""), graph, decisions: decisions.map((d) => describeDecision(graph, d)) };
}

/** A model's key made from its name: `Loan Approval` → `loan-approval`; null when nothing usable is left. */
export function keyFromName(name: string): string | null {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  if (!slug) return null;
  return (/^[a-z_]/.test(slug) ? slug : `model-${slug}`).slice(0, 100).replace(/[-.]+$/, "");
}

/**
 * Every name a FEEL text of the model may use, mapped to a context holding every component and
 * entry name: the parser reads a name with spaces (`Monthly Income`) as one only when the context
 * has it, so the syntax check must see the model's names (values do not matter to it).
 */
function scopeNames(graph: DecisionModel): Record<string, unknown> {
  const nested: Record<string, null> = {};
  const top = new Set<string>();
  const addComponents = (defs: DecisionModel["itemDefinitions"]) => {
    for (const d of defs) {
      top.add(d.name);
      for (const c of d.components) {
        nested[c.name] = null;
        addComponents([c]);
      }
    }
  };
  addComponents(graph.itemDefinitions);
  const visit = (e: BoxedExpression | null) => {
    if (!e) return;
    switch (e.kind) {
      case "context":
        for (const entry of e.entries) {
          if (entry.name) {
            top.add(entry.name);
            nested[entry.name] = null;
          }
          visit(entry.value);
        }
        return;
      case "function":
        for (const p of e.parameters) top.add(p.name);
        return visit(e.body);
      case "relation":
        for (const c of e.columns) nested[c] = null;
        return e.rows.forEach((r) => r.forEach(visit));
      case "list":
        return e.items.forEach(visit);
      case "invocation":
        for (const b of e.bindings) {
          top.add(b.name);
          visit(b.value);
        }
        return;
      case "conditional":
        return [e.if, e.then, e.else].forEach(visit);
      case "filter":
        return [e.in, e.match].forEach(visit);
      case "iterator":
        top.add(e.variable);
        return [e.in, e.body].forEach(visit);
      case "decisionTable":
        for (const o of e.table.outputs) nested[o.name] = null;
        return;
      case "literal":
        return;
    }
  };
  for (const el of graph.elements) {
    top.add(el.name);
    if (el.kind === "decision" || el.kind === "bkm") visit(el.logic);
  }
  const scope: Record<string, unknown> = { item: { ...nested } };
  for (const name of top) scope[name] = { ...nested };
  return scope;
}

/** The FEEL syntax of every literal expression, and every decision table as a table upload checks it. */
function checkExpressions(e: BoxedExpression, owner: string, names: Record<string, unknown>): void {
  const check = (x: BoxedExpression | null): void => {
    if (x) checkExpressions(x, owner, names);
  };
  switch (e.kind) {
    case "literal": {
      if (!e.text) return;
      const problem = checkExpression(e.text, {}, names);
      if (problem) throw dmnError(`FEEL syntax error in "${owner}" ("${e.text.length > 80 ? `${e.text.slice(0, 80)}…` : e.text}"): ${problem.message}.`, e.id);
      return;
    }
    case "decisionTable":
      validateModel(e.table, names);
      return;
    case "context":
      return e.entries.forEach((entry) => check(entry.value));
    case "relation":
      return e.rows.forEach((r) => r.forEach(check));
    case "list":
      return e.items.forEach(check);
    case "invocation":
      return e.bindings.forEach((b) => check(b.value));
    case "function":
      if (e.language !== "FEEL") throw dmnError(`"${owner}" is a ${e.language} function: Baton evaluates FEEL functions only.`, e.id);
      return check(e.body);
    case "conditional":
      return [e.if, e.then, e.else].forEach(check);
    case "filter":
      return [e.in, e.match].forEach(check);
    case "iterator":
      return [e.in, e.body].forEach(check);
  }
}

/** A decision as the API shows it, with the input data it needs (through the decisions it requires). */
export function describeDecision(graph: DecisionModel, d: Decision): ModelDecision {
  const byId = new Map(graph.elements.map((e) => [e.id, e]));
  const inputIds = new Set<string>();
  const seen = new Set<string>();
  const walk = (el: Decision) => {
    if (seen.has(el.id)) return;
    seen.add(el.id);
    el.requiredInputs.forEach((id) => inputIds.add(id));
    for (const id of el.requiredDecisions) {
      const req = byId.get(id);
      if (req?.kind === "decision") walk(req);
    }
  };
  walk(d);
  const nameOf = (id: string) => byId.get(id)?.name ?? id;
  const inputData = graph.elements.filter((e) => e.kind === "inputData" && inputIds.has(e.id)).map((e) => ({ name: e.name, typeRef: e.typeRef }));
  return {
    id: d.id,
    name: d.name,
    logic: d.logic?.kind ?? null,
    typeRef: d.typeRef,
    inputData,
    requiredDecisions: d.requiredDecisions.map(nameOf),
    requiredKnowledge: d.requiredKnowledge.map(nameOf),
  };
}

/** The decisions of a model. */
export function decisionsOf(graph: DecisionModel): ModelDecision[] {
  return graph.elements.filter((e): e is Decision => e.kind === "decision").map((d) => describeDecision(graph, d));
}

/** The decision a caller names, by name or id. */
export function findDecision(graph: DecisionModel, nameOrId: string): Decision | null {
  const decisions = graph.elements.filter((e): e is Decision => e.kind === "decision");
  return decisions.find((d) => d.name === nameOrId) ?? decisions.find((d) => d.id === nameOrId) ?? null;
}

/**
 * What publishing `to` changes against `from`: elements (decisions, BKMs, input data, decision
 * services) added, removed and changed, by name; changed item definitions count as one change.
 */
export function modelChanges(from: { version: number; graph: DecisionModel } | null, to: { version: number; graph: DecisionModel }): ModelChanges {
  const byId = (g: DecisionModel) => new Map(g.elements.map((e) => [e.id, e]));
  const after = byId(to.graph);
  if (!from) return { from: null, to: to.version, added: [...after.values()].filter((e) => e.kind === "decision").map((e) => e.name), removed: [], changed: [] };
  const before = byId(from.graph);
  const added = [...after.values()].filter((e) => !before.has(e.id)).map((e) => e.name);
  const removed = [...before.values()].filter((e) => !after.has(e.id)).map((e) => e.name);
  const changed = [...after.values()].filter((e) => before.has(e.id) && JSON.stringify(e) !== JSON.stringify(before.get(e.id))).map((e) => e.name);
  if (JSON.stringify(from.graph.itemDefinitions) !== JSON.stringify(to.graph.itemDefinitions)) changed.push("(item definitions)");
  return { from: from.version, to: to.version, added, removed, changed };
}
