import { compensationOf, successors } from "./definition";
import type { Guard } from "./expressions";
import type { ProcessDocument, Step } from "./schemas";

// A definition as a graph for the read-only diagram: steps are nodes, transitions are edges
// labelled with their condition or outcome, laid out in layers from the start step (longest
// path layering, back edges of loops ignored for the layering, a barycenter pass to reduce
// crossings). Pure: used by the diagram component and unit-tested.

export interface GraphNode {
  id: string;
  kind: string;
  name: string | null;
}

interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The condition, outcome or fallback the transition is taken on; null for a plain `next`. */
  label: string | null;
  /** An edge that goes back up (a loop through a wait or human step). */
  back: boolean;
  /** Not a transition: the step that compensates the source (saga), drawn apart. */
  compensation?: boolean;
}

interface PositionedNode extends GraphNode {
  layer: number;
  order: number;
  x: number;
  y: number;
}

interface LaidOutGraph {
  start: string;
  nodes: PositionedNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

function value(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : JSON.stringify(v);
}

export function guardLabel(g: Guard): string {
  if (Array.isArray(g)) return g.map(guardLabel).join(" and ");
  if ("all" in g) return g.all.map(guardLabel).join(" and ");
  if ("any" in g) return g.any.map(guardLabel).join(" or ");
  return g.op === "exists" || g.op === "not exists" ? `${g.var} ${g.op}` : `${g.var} ${g.op} ${value(g.value)}`;
}

/** The label of the transition named by `field` (as definition.ts `successors` names it). */
function edgeLabel(step: Step, field: string): string | null {
  if (field === "next") return null;
  if (field === "onError") return "on error";
  if (field === "onTimeout") return "on timeout";
  if (field === "onCircuitOpen") return "circuit open";
  if (field === "compensate") return "compensated by";
  const parallel = /^branches\.(\d+)\.start$/.exec(field);
  if (parallel && step.kind === "parallel") {
    const b = step.branches[Number(parallel[1])];
    return b ? `branch ${b.name}` : null;
  }
  if (field === "otherwise") return "otherwise";
  const branch = /^branches\.(\d+)\.next$/.exec(field);
  if (branch && step.kind === "decision") {
    const b = step.branches[Number(branch[1])];
    return b ? guardLabel(b.when as Guard) : null;
  }
  const outcome = /^next\.(.+)$/.exec(field);
  if (outcome) return outcome[1]!;
  // Kinds added later (parallel branches, joins, compensation): the field's own words.
  return field.replace(/\.(\d+)/g, (_, n: string) => ` ${Number(n) + 1}`).replace(/[._]/g, " ");
}

function definitionGraph(doc: ProcessDocument): { start: string; nodes: GraphNode[]; edges: Omit<GraphEdge, "back">[] } {
  const ids = new Set(doc.steps.map((s) => s.id));
  const nodes = doc.steps.map((s) => ({ id: s.id, kind: s.kind, name: s.name ?? null }));
  const edges: Omit<GraphEdge, "back">[] = [];
  for (const s of doc.steps) {
    for (const { field, target } of successors(s)) {
      if (!ids.has(target)) continue;
      edges.push({ id: `${s.id}->${target}:${field}`, source: s.id, target, label: edgeLabel(s, field) });
    }
    const undo = compensationOf(s);
    if (undo && ids.has(undo)) edges.push({ id: `${s.id}->${undo}:compensate`, source: s.id, target: undo, label: "compensated by", compensation: true });
  }
  return { start: doc.start ?? doc.steps[0]?.id ?? "", nodes, edges };
}

export const NODE_W = 200;
export const NODE_H = 76;
const GAP_X = 56;
const GAP_Y = 72;

/**
 * Layered layout, top to bottom. Layers: longest path from the start over the graph without its
 * back edges (found by a depth-first search), so a join sits below every branch that reaches it.
 * Order within a layer: discovery order, then two barycenter sweeps over the layer above.
 */
export function layoutGraph(graph: { start: string; nodes: GraphNode[]; edges: Omit<GraphEdge, "back">[] }): LaidOutGraph {
  const { nodes, edges, start } = graph;
  const out = new Map<string, string[]>();
  for (const n of nodes) out.set(n.id, []);
  for (const e of edges) out.get(e.source)?.push(e.target);

  // Depth-first from the start (then from anything unreached), marking back edges and the order found.
  const state = new Map<string, "open" | "done">();
  const discovered: string[] = [];
  const backEdges = new Set<string>();
  const visit = (root: string) => {
    const stack: { id: string; i: number }[] = [{ id: root, i: 0 }];
    state.set(root, "open");
    discovered.push(root);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = out.get(top.id)![top.i++];
      if (next === undefined) {
        state.set(top.id, "done");
        stack.pop();
        continue;
      }
      const s = state.get(next);
      if (s === "open") backEdges.add(`${top.id}\n${next}`);
      else if (!s) {
        state.set(next, "open");
        discovered.push(next);
        stack.push({ id: next, i: 0 });
      }
    }
  };
  if (out.has(start)) visit(start);
  for (const n of nodes) if (!state.has(n.id)) visit(n.id);

  // Longest path layering over the forward edges (Kahn's order).
  const forward = edges.filter((e) => !backEdges.has(`${e.source}\n${e.target}`));
  const indeg = new Map(nodes.map((n) => [n.id, 0]));
  for (const e of forward) indeg.set(e.target, (indeg.get(e.target) ?? 0) + 1);
  const layer = new Map(nodes.map((n) => [n.id, 0]));
  const queue = discovered.filter((id) => indeg.get(id) === 0);
  while (queue.length) {
    const id = queue.shift()!;
    for (const e of forward) {
      if (e.source !== id) continue;
      layer.set(e.target, Math.max(layer.get(e.target)!, layer.get(id)! + 1));
      indeg.set(e.target, indeg.get(e.target)! - 1);
      if (indeg.get(e.target) === 0) queue.push(e.target);
    }
  }

  const layers: string[][] = [];
  for (const id of discovered) (layers[layer.get(id)!] ??= []).push(id);
  const preds = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of forward) preds.get(e.target)!.push(e.source);
  for (let sweep = 0; sweep < 2; sweep++) {
    const pos = new Map<string, number>();
    layers.forEach((l) => l.forEach((id, i) => pos.set(id, i)));
    for (let li = 1; li < layers.length; li++) {
      const l = layers[li]!;
      const bary = new Map(
        l.map((id, i) => {
          const ps = preds.get(id)!.filter((p) => layer.get(p)! < li);
          return [id, ps.length ? ps.reduce((a, p) => a + pos.get(p)!, 0) / ps.length : i];
        }),
      );
      l.sort((a, b) => bary.get(a)! - bary.get(b)!);
      l.forEach((id, i) => pos.set(id, i));
    }
  }

  const widest = Math.max(1, ...layers.map((l) => l.length));
  const width = widest * NODE_W + (widest - 1) * GAP_X;
  const positioned: PositionedNode[] = [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  layers.forEach((l, li) => {
    const rowWidth = l.length * NODE_W + (l.length - 1) * GAP_X;
    const offset = (width - rowWidth) / 2;
    l.forEach((id, order) => positioned.push({ ...byId.get(id)!, layer: li, order, x: offset + order * (NODE_W + GAP_X), y: li * (NODE_H + GAP_Y) }));
  });
  return {
    start,
    nodes: positioned,
    edges: edges.map((e) => ({ ...e, back: backEdges.has(`${e.source}\n${e.target}`) })),
    width,
    height: layers.length * NODE_H + Math.max(0, layers.length - 1) * GAP_Y,
  };
}

export function layoutDefinition(doc: ProcessDocument): LaidOutGraph {
  return layoutGraph(definitionGraph(doc));
}
