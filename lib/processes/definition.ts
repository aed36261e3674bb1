import { parse as parseYaml, YAMLParseError } from "yaml";
import type { ZodError } from "zod";
import { badTemplatePaths } from "./expressions";
import { mentionsSecrets, secretRefs } from "../secrets/references";
import {
  STEP_KINDS,
  STEP_SCHEMAS,
  documentHeaderSchema,
  type DefinitionError,
  type ProcessDocument,
  type Step,
  type StepKind,
} from "./schemas";

export const MAX_DOCUMENT_BYTES = 256 * 1024;

type DefinitionResult = { ok: true; document: ProcessDocument } | { ok: false; errors: DefinitionError[] };

/** YAML (a superset of JSON) text to a plain value; syntax errors name the line. */
function parseDefinitionText(text: string): { ok: true; value: unknown } | { ok: false; errors: DefinitionError[] } {
  if (Buffer.byteLength(text, "utf8") > MAX_DOCUMENT_BYTES) {
    return { ok: false, errors: [{ step: null, path: "(document)", message: `must be at most ${MAX_DOCUMENT_BYTES / 1024} KB` }] };
  }
  try {
    // maxAliasCount guards against alias bombs ("billion laughs").
    return { ok: true, value: parseYaml(text, { maxAliasCount: 50, prettyErrors: true }) as unknown };
  } catch (e) {
    const line = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : "";
    const message = e instanceof Error ? e.message.split("\n")[0]! : String(e);
    return { ok: false, errors: [{ step: null, path: "(document)", message: `not valid YAML or JSON${line}: ${message}` }] };
  }
}

function zodErrors(err: ZodError, step: string | null, prefix: string): DefinitionError[] {
  return err.issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join(".");
    return { step, path, message: step ? `Step "${step}": ${i.path.length ? `${i.path.join(".")} ` : ""}${i.message}` : `${path || "(document)"}: ${i.message}` };
  });
}

/** The steps a step can go to, with the field that names each. */
export function successors(step: Step): { field: string; target: string }[] {
  switch (step.kind) {
    case "http":
      return [
        ...(step.next ? [{ field: "next", target: step.next }] : []),
        ...(step.onError ? [{ field: "onError", target: step.onError }] : []),
        ...(step.onCircuitOpen ? [{ field: "onCircuitOpen", target: step.onCircuitOpen }] : []),
      ];
    case "set":
      return step.next ? [{ field: "next", target: step.next }] : [];
    case "decision":
      return [...step.branches.map((b, i) => ({ field: `branches.${i}.next`, target: b.next })), { field: "otherwise", target: step.otherwise }];
    case "human":
      return Object.entries(step.next).map(([o, target]) => ({ field: `next.${o}`, target: target! }));
    case "wait":
      return [{ field: "next", target: step.next }, ...(step.onTimeout ? [{ field: "onTimeout", target: step.onTimeout }] : [])];
    case "parallel":
      // The join is reached through the branches; it is not a direct successor.
      return step.branches.map((b, i) => ({ field: `branches.${i}.start`, target: b.start }));
    case "join":
      return [{ field: "next", target: step.next }];
    case "end":
      return [];
  }
}

/** The step that compensates `step` (saga), if it names one. */
export function compensationOf(step: Step): string | undefined {
  return step.kind === "http" || step.kind === "set" || step.kind === "human" ? step.compensate : undefined;
}

/**
 * Where each step of the flow belongs: the main flow, or one branch of a parallel step (nested
 * parallels: the innermost branch). A step belongs to exactly one region.
 */
interface Region {
  /** null: the main flow. */
  parallel: string | null;
  branch: string | null;
}

function templatesOf(step: Step): { field: string; template: string }[] {
  const out: { field: string; template: string }[] = [];
  const walk = (v: unknown, field: string) => {
    if (typeof v === "string") out.push({ field, template: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${field}.${i}`));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${field}.${k}`);
  };
  if (step.kind === "http") {
    walk(step.url, "url");
    walk(step.headers, "headers");
    walk(step.body, "body");
  } else if (step.kind === "set") walk(step.assign, "assign");
  else if (step.kind === "human") {
    for (const f of ["title", "description", "candidateGroup", "assignee", "requestedBy"] as const) if (step[f]) walk(step[f], f);
  } else if (step.kind === "wait") walk(step.correlationKey, "correlationKey");
  return out;
}

/** Strongly connected components (Tarjan) of the graph restricted to `nodes`. */
function cyclesWithin(nodes: Set<string>, edges: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!nodes.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      const selfLoop = (edges.get(v) ?? []).includes(v);
      if (comp.length > 1 || selfLoop) out.push(comp.reverse());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

/**
 * Validates a parsed document: the header, each step against its kind's schema, then the graph
 * (targets exist, every step reachable from the start, every cycle passes a wait or human step,
 * so the engine can never spin). Every error names its step.
 */
export function validateDefinition(raw: unknown): DefinitionResult {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, errors: [{ step: null, path: "(document)", message: "a definition is an object with key, name and steps" }] };
  }
  const header = documentHeaderSchema.safeParse(raw);
  if (!header.success) return { ok: false, errors: zodErrors(header.error, null, "") };

  const errors: DefinitionError[] = [];
  const steps: Step[] = [];
  const seen = new Set<string>();
  // Steps named by a `compensate` run alone and have no next; every other http or set step needs one.
  const namedCompensators = new Set(
    header.data.steps.map((r) => (r && typeof r === "object" ? (r as Record<string, unknown>).compensate : undefined)).filter((c): c is string => typeof c === "string"),
  );
  header.data.steps.forEach((rawStep, i) => {
    const obj = rawStep && typeof rawStep === "object" && !Array.isArray(rawStep) ? (rawStep as Record<string, unknown>) : null;
    const id = obj && typeof obj.id === "string" ? obj.id : null;
    const label = id ?? `#${i + 1}`;
    if (!obj || !id) {
      errors.push({ step: label, path: `steps.${i}.id`, message: `Step ${label}: every step needs an id` });
      return;
    }
    if (seen.has(id)) errors.push({ step: id, path: `steps.${i}.id`, message: `Step "${id}": the id is used by another step` });
    seen.add(id);
    const kind = obj.kind;
    if (typeof kind !== "string" || !(STEP_KINDS as readonly string[]).includes(kind)) {
      errors.push({ step: id, path: `steps.${i}.kind`, message: `Step "${id}": unknown step kind "${String(kind)}" (one of ${STEP_KINDS.join(", ")})` });
      return;
    }
    const parsed = STEP_SCHEMAS[kind as StepKind].safeParse(obj);
    if (!parsed.success) {
      errors.push(...zodErrors(parsed.error, id, `steps.${i}`));
      return;
    }
    const step = parsed.data as Step;
    if ((step.kind === "http" || step.kind === "set") && !step.next && !namedCompensators.has(id)) {
      errors.push({ step: id, path: `steps.${i}.next`, message: `Step "${id}": next is required (only a step named by another step's compensate runs without one)` });
    }
    for (const t of templatesOf(step)) {
      for (const bad of badTemplatePaths(t.template)) {
        errors.push({ step: id, path: `steps.${i}.${t.field}`, message: `Step "${id}": ${t.field} refers to "{{${bad}}}", which is not a variable path` });
      }
      // Named secrets go only into HTTP headers: never into a URL, a body or a task, where they would be stored or shown.
      if (mentionsSecrets(t.template)) {
        const inHeader = step.kind === "http" && t.field.startsWith("headers.");
        if (!inHeader) errors.push({ step: id, path: `steps.${i}.${t.field}`, message: `Step "${id}": ${t.field} refers to a named secret; secrets can only be used in an http step's headers` });
        else if (secretRefs(t.template).length !== (t.template.match(/\{\{\s*secrets\b/g) ?? []).length) errors.push({ step: id, path: `steps.${i}.${t.field}`, message: `Step "${id}": ${t.field} refers to a secret by a name that is not a secret name (lowercase letters, digits and _)` });
      }
    }
    steps.push(step);
  });
  if (errors.length) return { ok: false, errors };

  const byId = new Map(steps.map((s) => [s.id, s]));
  const indexOf = new Map(steps.map((s, i) => [s.id, i]));
  const start = header.data.start ?? steps[0]!.id;
  if (!byId.has(start)) errors.push({ step: null, path: "start", message: `start names unknown step "${start}"` });
  const edges = new Map<string, string[]>();
  steps.forEach((s, i) => {
    const targets: string[] = [];
    for (const { field, target } of successors(s)) {
      if (!byId.has(target)) errors.push({ step: s.id, path: `steps.${i}.${field}`, message: `Step "${s.id}": ${field} points to unknown step "${target}"` });
      else targets.push(target);
    }
    edges.set(s.id, targets);
  });
  // Parallel steps: their join exists, is a join, and belongs to this parallel only.
  const joinOwner = new Map<string, string>();
  steps.forEach((s, i) => {
    if (s.kind !== "parallel") return;
    const join = byId.get(s.join);
    if (!join) errors.push({ step: s.id, path: `steps.${i}.join`, message: `Step "${s.id}": join points to unknown step "${s.join}"` });
    else if (join.kind !== "join") errors.push({ step: s.id, path: `steps.${i}.join`, message: `Step "${s.id}": join "${s.join}" is a ${join.kind} step, not a join` });
    else if (joinOwner.has(s.join)) errors.push({ step: s.id, path: `steps.${i}.join`, message: `Step "${s.id}": join "${s.join}" already joins parallel "${joinOwner.get(s.join)}"` });
    else joinOwner.set(s.join, s.id);
  });
  // Compensating steps: http or set, outside the flow, without a next.
  const compensators = new Set<string>();
  steps.forEach((s, i) => {
    const c = compensationOf(s);
    if (!c) return;
    const target = byId.get(c);
    if (!target) errors.push({ step: s.id, path: `steps.${i}.compensate`, message: `Step "${s.id}": compensate points to unknown step "${c}"` });
    else if (target.kind !== "http" && target.kind !== "set") errors.push({ step: s.id, path: `steps.${i}.compensate`, message: `Step "${s.id}": compensate "${c}" must be an http or set step, not ${target.kind}` });
    else if (target.next) errors.push({ step: c, path: `steps.${indexOf.get(c)}.next`, message: `Step "${c}" compensates "${s.id}" and runs alone: remove its next` });
    else compensators.add(c);
  });
  if (errors.length) return { ok: false, errors };

  // Regions: the main flow from the start, and each branch from its start up to its join. A
  // parallel step is crossed to its join within its own region; its branches are regions of their own.
  const region = new Map<string, string>();
  const regionName = (r: Region) => (r.parallel ? `branch "${r.branch}" of parallel "${r.parallel}"` : "the main flow");
  const walk = (from: string, r: Region, join: string | null) => {
    const label = regionName(r);
    let reachedJoin = false;
    const queue = [from];
    const seen = new Set<string>();
    while (queue.length) {
      const id = queue.shift()!;
      if (id === join) {
        reachedJoin = true;
        continue;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      const step = byId.get(id)!;
      const i = indexOf.get(id)!;
      const other = region.get(id);
      if (other !== undefined && other !== label) {
        errors.push({ step: id, path: `steps.${i}`, message: `Step "${id}" is reached from ${other} and from ${label}; a step belongs to one branch` });
        continue;
      }
      if (r.parallel && step.kind === "end") {
        errors.push({ step: id, path: `steps.${i}`, message: `Step "${id}": ${label} reaches this end step; a branch must finish at its join "${join}"` });
        continue;
      }
      region.set(id, label);
      if (step.kind === "join") {
        errors.push({ step: id, path: `steps.${i}`, message: `Step "${id}" is the join of parallel "${joinOwner.get(id) ?? "?"}" but is reached from ${label}, outside that parallel's branches` });
        continue;
      }
      if (r.parallel && id === r.parallel) {
        errors.push({ step: id, path: `steps.${i}`, message: `Step "${id}": ${label} leads back to its own parallel step` });
        continue;
      }
      if (compensators.has(id)) {
        errors.push({ step: id, path: `steps.${i}`, message: `Step "${id}" compensates another step and cannot also be part of ${label}` });
        continue;
      }
      if (step.kind === "parallel") {
        for (const b of step.branches) walk(b.start, { parallel: step.id, branch: b.name }, step.join);
        const joinStep = byId.get(step.join);
        if (joinStep?.kind === "join") {
          region.set(joinStep.id, label);
          queue.push(joinStep.next);
        }
        continue;
      }
      for (const n of edges.get(id) ?? []) queue.push(n);
    }
    if (join && !reachedJoin) {
      const p = indexOf.get(r.parallel!)!;
      errors.push({ step: r.parallel, path: `steps.${p}.branches`, message: `Step "${r.parallel}": ${label} never reaches the join "${join}"` });
    }
  };
  walk(start, { parallel: null, branch: null }, null);
  if (errors.length) return { ok: false, errors };

  steps.forEach((s, i) => {
    if (!region.has(s.id) && !compensators.has(s.id)) errors.push({ step: s.id, path: `steps.${i}`, message: `Step "${s.id}" is unreachable from the start step "${start}"` });
  });

  // A cycle is safe only if it passes a step that waits for a person or an event.
  const automated = new Set(steps.filter((s) => s.kind !== "human" && s.kind !== "wait").map((s) => s.id));
  for (const cycle of cyclesWithin(automated, edges)) {
    const i = steps.findIndex((s) => s.id === cycle[0]);
    errors.push({
      step: cycle[0]!,
      path: `steps.${i}`,
      message: `Step "${cycle[0]}" is in a cycle without a wait or human step (${[...cycle, cycle[0]].join(" → ")})`,
    });
  }
  // "Nobody approves two steps of the same case" needs an earlier person to keep out: some human
  // step must lead to the flagged one.
  const before = new Map<string, string[]>();
  for (const [from, targets] of edges) for (const t of targets) before.set(t, [...(before.get(t) ?? []), from]);
  steps.forEach((s, i) => {
    if (s.kind !== "human" || !s.excludeEarlierDeciders) return;
    const seenBack = new Set<string>();
    const queue = [...(before.get(s.id) ?? [])];
    let found = false;
    while (queue.length && !found) {
      const id = queue.shift()!;
      if (seenBack.has(id)) continue;
      seenBack.add(id);
      if (id !== s.id && byId.get(id)?.kind === "human") found = true;
      else queue.push(...(before.get(id) ?? []));
    }
    if (!found) errors.push({ step: s.id, path: `steps.${i}.excludeEarlierDeciders`, message: `Step "${s.id}": excludeEarlierDeciders needs an earlier human step, and none leads here` });
  });
  if (errors.length) return { ok: false, errors };
  const { key, name, description, startOn, startForm, requesters, contextLayout } = header.data;
  return {
    ok: true,
    document: { key, name, description, startOn, start, ...(startForm ? { startForm } : {}), ...(requesters.length ? { requesters } : {}), steps, ...(contextLayout ? { contextLayout } : {}) },
  };
}

/** Text (YAML or JSON) or an already parsed object to a validated document. */
export function loadDefinition(input: string | object): DefinitionResult {
  if (typeof input === "string") {
    const parsed = parseDefinitionText(input);
    if (!parsed.ok) return parsed;
    return validateDefinition(parsed.value);
  }
  return validateDefinition(input);
}

export function stepById(doc: ProcessDocument, id: string): Step | undefined {
  return doc.steps.find((s) => s.id === id);
}

