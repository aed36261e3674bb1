import { FeelFunction, isFunction } from "./feel/feelin/index.js";
import { AppError } from "../errors";
import type { BoxedExpression, DecisionModel, DrgElement, ItemDefinition } from "./drg";
import { decideTable } from "./decide-table";
import { evaluateExpression, feelTypeOf, matchesUnaryTests, normaliseTypeRef, toFeelValue } from "./feel";

// Evaluating a decision of a decision requirements graph (DMN 1.5 chapter 6 and 10): each decision
// sees exactly what it requires — input data by name, the results of required decisions, and
// business knowledge models and decision services as FEEL functions — and its boxed expression
// is evaluated in that scope. A boxed expression that fails evaluates to null, as FEEL does; the
// problems are collected so the caller can show why. Pure: no database, no clock.

export interface DrgEvaluation {
  value: unknown;
  /** What went wrong along the way (a failed table, a value that does not conform to its type). */
  problems: string[];
}

type Scope = Record<string, unknown>;

const BUILTIN_TYPES = new Set(["string", "number", "boolean", "date", "time", "date and time", "datetime", "days and time duration", "years and months duration", "daytimeduration", "yearmonthduration", "duration", "any", "context", "list", "function", "integer", "decimal", "double"]);

class Evaluation {
  private readonly byId = new Map<string, DrgElement>();
  private readonly byName = new Map<string, DrgElement>();
  private readonly types = new Map<string, ItemDefinition>();
  private readonly results = new Map<string, unknown>();
  private readonly active = new Set<string>();
  readonly problems: string[] = [];

  constructor(
    private readonly model: DecisionModel,
    private readonly inputs: Record<string, unknown>,
  ) {
    for (const el of model.elements) {
      this.byId.set(el.id, el);
      this.byName.set(el.name, el);
    }
    for (const t of model.itemDefinitions) this.types.set(t.name, t);
  }

  find(nameOrId: string): DrgElement | undefined {
    return this.byName.get(nameOrId) ?? this.byId.get(nameOrId);
  }

  /** The value of a DRG element as the elements that require it see it. */
  valueOf(el: DrgElement): unknown {
    switch (el.kind) {
      case "inputData":
        return this.coerce(this.inputs[el.name] ?? null, el.typeRef, `input data "${el.name}"`);
      case "decision":
        return this.decide(el);
      case "bkm":
        return el.logic ? this.expression(el.logic, this.knowledgeScope(el.requiredKnowledge)) : null;
      case "decisionService":
        return this.serviceFunction(el);
    }
  }

  decide(d: Extract<DrgElement, { kind: "decision" }>): unknown {
    if (Object.prototype.hasOwnProperty.call(this.inputs, d.name)) return this.inputs[d.name];
    if (this.results.has(d.id)) return this.results.get(d.id);
    if (this.active.has(d.id)) throw new AppError("DECISION_EVALUATION_FAILED", `Decision "${d.name}" requires itself.`, { details: { elementId: d.id } });
    this.active.add(d.id);
    try {
      const scope = this.scopeOf(d);
      const raw = d.logic ? this.expression(d.logic, scope) : null;
      const value = this.coerce(raw, d.typeRef, `decision "${d.name}"`);
      this.results.set(d.id, value);
      return value;
    } finally {
      this.active.delete(d.id);
    }
  }

  /** What a decision's logic sees: its required input data, decisions and knowledge, by name. */
  scopeOf(d: Extract<DrgElement, { kind: "decision" }>): Scope {
    const scope: Scope = this.knowledgeScope(d.requiredKnowledge);
    for (const id of [...d.requiredInputs, ...d.requiredDecisions]) {
      const req = this.byId.get(id);
      if (!req) {
        this.problems.push(`Decision "${d.name}" requires "${id}", which is not in the model.`);
        continue;
      }
      scope[req.name] = this.valueOf(req);
    }
    return scope;
  }

  private knowledgeScope(ids: string[]): Scope {
    const scope: Scope = {};
    for (const id of ids) {
      const req = this.byId.get(id);
      if (req) scope[req.name] = this.valueOf(req);
    }
    return scope;
  }

  /** A decision service as a function of its input decisions and input data, answering its output decisions. */
  private serviceFunction(s: Extract<DrgElement, { kind: "decisionService" }>): FeelFunction {
    const params = [...s.inputDecisions, ...s.inputData].map((id) => this.byId.get(id)?.name ?? id);
    return new FeelFunction((...args: unknown[]) => {
      const supplied: Record<string, unknown> = {};
      params.forEach((p, i) => (supplied[p] = args[i] ?? null));
      return this.invokeService(s, supplied);
    }, params);
  }

  invokeService(s: Extract<DrgElement, { kind: "decisionService" }>, supplied: Record<string, unknown>): unknown {
    const inner = new Evaluation(this.model, supplied);
    const outputs = s.outputDecisions.map((id) => inner.find(id)).filter((d): d is Extract<DrgElement, { kind: "decision" }> => d?.kind === "decision");
    this.problems.push(...inner.problems);
    if (outputs.length === 1) return inner.decide(outputs[0]!);
    return Object.fromEntries(outputs.map((d) => [d.name, inner.decide(d)]));
  }

  expression(e: BoxedExpression, scope: Scope): unknown {
    switch (e.kind) {
      case "literal":
        try {
          return evaluateExpression(e.text, scope);
        } catch (err) {
          this.problems.push(`"${e.text}": ${(err as Error).message}`);
          return null;
        }
      case "decisionTable": {
        try {
          const r = decideTable(e.table, scope);
          const pick = (o: Record<string, unknown>) => (e.table.outputs.length === 1 ? o[e.table.outputs[0]!.name] : o);
          const multiple = (e.table.hitPolicy === "COLLECT" && !e.table.aggregation) || e.table.hitPolicy === "RULE ORDER" || e.table.hitPolicy === "OUTPUT ORDER";
          if (multiple) return r.outputs.map(pick);
          return r.outputs[0] ? pick(r.outputs[0]) : null;
        } catch (err) {
          this.problems.push((err as Error).message);
          return null;
        }
      }
      case "context": {
        const local: Scope = { ...scope };
        const result: Record<string, unknown> = {};
        for (const entry of e.entries) {
          const v = entry.value ? this.coerce(this.expression(entry.value, local), entry.typeRef, `context entry "${entry.name ?? "result"}"`) : null;
          if (entry.name === null) return v;
          local[entry.name] = v;
          result[entry.name] = v;
        }
        return result;
      }
      case "relation":
        return e.rows.map((row) => Object.fromEntries(e.columns.map((c, i) => [c, row[i] ? this.expression(row[i]!, scope) : null])));
      case "list":
        return e.items.map((item) => (item ? this.expression(item, scope) : null));
      case "invocation": {
        const fn = scope[e.fn] ?? evaluateExpression(e.fn, scope);
        if (!isFunction(fn)) {
          this.problems.push(`"${e.fn}" is not a function that can be invoked.`);
          return null;
        }
        const args: Record<string, unknown> = {};
        for (const b of e.bindings) args[b.name] = b.value ? this.expression(b.value, scope) : null;
        const positional = fn.parameterNames.map((p) => args[p] ?? null);
        return fn.invoke(positional);
      }
      case "conditional": {
        const test = e.if ? this.expression(e.if, scope) : null;
        const branch = test === true ? e.then : e.else;
        return branch ? this.expression(branch, scope) : null;
      }
      case "filter": {
        const list = e.in ? this.expression(e.in, scope) : null;
        if (!Array.isArray(list) || !e.match) return null;
        return list.filter((item) => {
          const entries = item && typeof item === "object" && !Array.isArray(item) && feelTypeOf(item) === "any" ? (item as Scope) : {};
          return this.expression(e.match!, { ...scope, ...entries, item }) === true;
        });
      }
      case "iterator": {
        const list = e.in ? this.expression(e.in, scope) : null;
        if (!Array.isArray(list) || !e.body) return null;
        const results = list.map((item) => this.expression(e.body!, { ...scope, [e.variable]: item }));
        if (e.iterator === "for") return results;
        if (e.iterator === "some") return results.some((r) => r === true) ? true : results.every((r) => r === false) ? false : null;
        return results.every((r) => r === true) ? true : results.some((r) => r === false) ? false : null;
      }
      case "function": {
        if (e.language !== "FEEL") {
          this.problems.push(`${e.language} functions are not supported.`);
          return null;
        }
        const body = e.body;
        const params = e.parameters;
        return new FeelFunction(
          (...args: unknown[]) => {
            const local: Scope = { ...scope };
            params.forEach((p, i) => (local[p.name] = this.coerce(args[i] ?? null, p.typeRef, `parameter "${p.name}"`)));
            return body ? this.expression(body, local) : null;
          },
          params.map((p) => p.name),
        );
      }
    }
  }

  /** DMN 1.5 §10.3.2.9: a value that does not conform to its declared type becomes null (with singleton-list conversions). */
  coerce(value: unknown, typeRef: string | null, what: string): unknown {
    if (value === null || value === undefined || !typeRef) return value ?? null;
    if (this.conforms(value, typeRef)) return value;
    const def = this.typeDef(typeRef);
    if (Array.isArray(value) && value.length === 1 && !def?.isCollection && this.conforms(value[0], typeRef)) return value[0];
    if (!Array.isArray(value) && def?.isCollection && this.conforms([value], typeRef)) return [value];
    this.problems.push(`The value of ${what} does not conform to its type "${typeRef}".`);
    return null;
  }

  private typeDef(typeRef: string): ItemDefinition | undefined {
    return this.types.get(typeRef) ?? this.types.get(typeRef.replace(/^\w+:/, ""));
  }

  conforms(value: unknown, typeRef: string | null, def?: ItemDefinition): boolean {
    if (value === null || value === undefined) return true;
    const d = def ?? (typeRef ? this.typeDef(typeRef) : undefined);
    if (!d) return typeRef ? this.conformsToBuiltin(value, typeRef) : true;
    if (d.isCollection) {
      if (!Array.isArray(value)) return false;
      return value.every((v) => this.conformsToItem(v, d));
    }
    return this.conformsToItem(value, d);
  }

  private conformsToItem(value: unknown, d: ItemDefinition): boolean {
    if (value === null || value === undefined) return true;
    if (d.components.length > 0) {
      if (typeof value !== "object" || Array.isArray(value) || feelTypeOf(value) !== "any") return false;
      const obj = value as Record<string, unknown>;
      return d.components.every((c) => this.conforms(obj[c.name] ?? null, c.typeRef, c.typeRef ? undefined : c));
    }
    if (d.typeRef && !this.conforms(value, d.typeRef)) return false;
    if (d.allowedValues && !matchesUnaryTests(d.allowedValues, value, {})) return false;
    if (d.typeConstraint && !matchesUnaryTests(d.typeConstraint, value, {})) return false;
    return true;
  }

  private conformsToBuiltin(value: unknown, typeRef: string): boolean {
    const name = typeRef.trim().replace(/^feel:/, "").toLowerCase();
    if (!BUILTIN_TYPES.has(name)) return true;
    if (name === "any") return true;
    if (name === "context") return typeof value === "object" && !Array.isArray(value) && feelTypeOf(value) === "any" && !isFunction(value);
    if (name === "list") return Array.isArray(value);
    if (name === "function") return isFunction(value);
    const expected = normaliseTypeRef(typeRef);
    const actual = feelTypeOf(value);
    if (expected === "duration" && actual === "duration") return durationKindMatches(value, name);
    return actual === expected;
  }
}

/** `years and months duration` and `days and time duration` are distinct FEEL types. */
function durationKindMatches(value: unknown, name: string): boolean {
  const s = String(value);
  if (name === "years and months duration" || name === "yearmonthduration") return /^-?P(\d+Y)?(\d+M)?$/.test(s);
  if (name === "days and time duration" || name === "daytimeduration") return /^-?P(\d+D)?(T[\d.HMS]*)?$/.test(s);
  return true;
}

/** Evaluates one decision (by name or id) of a model with its requirements; inputs are FEEL values keyed by input data name. */
export function evaluateModelDecision(model: DecisionModel, decision: string, inputs: Record<string, unknown>): DrgEvaluation {
  const ev = new Evaluation(model, inputs);
  const el = ev.find(decision);
  if (!el || (el.kind !== "decision" && el.kind !== "decisionService" && el.kind !== "bkm")) {
    throw new AppError("NOT_FOUND", `The model "${model.name}" has no decision "${decision}".`);
  }
  if (el.kind === "decisionService") return { value: ev.invokeService(el, inputs), problems: ev.problems };
  return { value: ev.valueOf(el), problems: ev.problems };
}

/**
 * JSON inputs as the model's input data: each converted by its type (ISO strings to dates,
 * durations…); a wrong JSON type is DECISION_EVALUATION_FAILED naming the input data.
 */
export function inputDataFromJson(model: DecisionModel, inputs: Record<string, unknown>): Record<string, unknown> {
  const converted: Record<string, unknown> = { ...inputs };
  for (const el of model.elements) {
    if (el.kind !== "inputData" || !(el.name in inputs)) continue;
    const c = toFeelValue(inputs[el.name], normaliseTypeRef(el.typeRef));
    if ("error" in c) throw new AppError("DECISION_EVALUATION_FAILED", `Input data "${el.name}": ${c.error}.`, { details: { elementId: el.id } });
    converted[el.name] = c.value;
  }
  return converted;
}

/**
 * The scope a decision's logic is evaluated in — its required input data, decisions (evaluated)
 * and knowledge — from JSON inputs: input data are converted by their type (ISO strings to dates…);
 * a value given for a required decision is used as its result.
 */
export function requirementsScope(model: DecisionModel, decisionId: string, inputs: Record<string, unknown>): { scope: Record<string, unknown>; problems: string[] } {
  const ev = new Evaluation(model, inputDataFromJson(model, inputs));
  const d = ev.find(decisionId);
  if (d?.kind !== "decision") throw new AppError("NOT_FOUND", `The model "${model.name}" has no decision "${decisionId}".`);
  return { scope: ev.scopeOf(d), problems: ev.problems };
}
