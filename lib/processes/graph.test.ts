import { describe, expect, it } from "vitest";
import { loadDefinition } from "./definition";
import { invoiceApprovalDefinition } from "./examples/invoice-approval";
import { guardLabel, layoutDefinition, layoutGraph, type GraphNode } from "./graph";
import type { ProcessDocument } from "./schemas";

const nodes = (...ids: string[]): GraphNode[] => ids.map((id) => ({ id, kind: "set", name: null }));
const edge = (source: string, target: string) => ({ id: `${source}->${target}`, source, target, label: null });

function doc(input: object): ProcessDocument {
  const r = loadDefinition(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.document;
}

describe("layered layout", () => {
  it("puts a chain one step a layer, from the start", () => {
    const g = layoutGraph({ start: "a", nodes: nodes("c", "a", "b"), edges: [edge("a", "b"), edge("b", "c")] });
    expect(Object.fromEntries(g.nodes.map((n) => [n.id, n.layer]))).toEqual({ a: 0, b: 1, c: 2 });
    expect(g.edges.every((e) => !e.back)).toBe(true);
  });

  it("places a join below the longest branch that reaches it (longest path)", () => {
    // a → b → c → d, and a → d directly: d must sit below c, not beside b.
    const g = layoutGraph({ start: "a", nodes: nodes("a", "b", "c", "d"), edges: [edge("a", "b"), edge("b", "c"), edge("c", "d"), edge("a", "d")] });
    const layer = Object.fromEntries(g.nodes.map((n) => [n.id, n.layer]));
    expect(layer).toEqual({ a: 0, b: 1, c: 2, d: 3 });
  });

  it("lays a diamond out side by side and never puts two nodes in one place", () => {
    const g = layoutGraph({ start: "s", nodes: nodes("s", "l", "r", "j"), edges: [edge("s", "l"), edge("s", "r"), edge("l", "j"), edge("r", "j")] });
    const l = g.nodes.find((n) => n.id === "l")!;
    const r = g.nodes.find((n) => n.id === "r")!;
    expect(l.layer).toBe(r.layer);
    expect(l.y).toBe(r.y);
    expect(Math.abs(l.x - r.x)).toBeGreaterThan(0);
    const spots = new Set(g.nodes.map((n) => `${n.x},${n.y}`));
    expect(spots.size).toBe(g.nodes.length);
    expect(g.nodes.find((n) => n.id === "j")!.layer).toBe(2);
    // The join is centred under its branches.
    expect(g.nodes.find((n) => n.id === "j")!.x).toBeCloseTo((l.x + r.x) / 2);
  });

  it("marks the edge that closes a loop as a back edge and still layers everything", () => {
    const g = layoutGraph({ start: "a", nodes: nodes("a", "wait", "check", "done"), edges: [edge("a", "wait"), edge("wait", "check"), edge("check", "wait"), edge("check", "done")] });
    expect(g.edges.filter((e) => e.back).map((e) => e.id)).toEqual(["check->wait"]);
    expect(Object.fromEntries(g.nodes.map((n) => [n.id, n.layer]))).toEqual({ a: 0, wait: 1, check: 2, done: 3 });
  });

  it("keeps nodes the start does not reach (e.g. compensation steps) in the picture", () => {
    const g = layoutGraph({ start: "a", nodes: nodes("a", "b", "undo"), edges: [edge("a", "b")] });
    expect(g.nodes.map((n) => n.id).sort()).toEqual(["a", "b", "undo"]);
  });
});

describe("definition graph", () => {
  it("labels decision branches with their conditions, human outcomes and fallbacks", () => {
    const g = layoutDefinition(doc(invoiceApprovalDefinition("http://erp.test")));
    const labels = g.edges.map((e) => `${e.source}→${e.target}: ${e.label ?? ""}`);
    expect(labels).toContain("route-by-amount→auto-approve: amount < 1000");
    expect(labels).toContain("route-by-amount→clerk-approval: amount <= 10000");
    expect(labels.some((l) => l.startsWith("route-by-amount→") && l.endsWith(": otherwise"))).toBe(true);
    expect(labels.some((l) => l.startsWith("clerk-approval→") && l.endsWith(": approve"))).toBe(true);
    expect(g.nodes[0]!.id).toBe("po-match");
    expect(g.nodes.find((n) => n.id === "po-match")!.layer).toBe(0);
  });

  it("writes guards the way people read them", () => {
    expect(guardLabel({ any: [{ var: "vip", op: "==", value: true }, { var: "country", op: "in", value: ["DE", "AT"] }] })).toBe('vip == true or country in ["DE","AT"]');
    expect(guardLabel([{ var: "po", op: "exists" }, { var: "amount", op: ">", value: 5 }])).toBe("po exists and amount > 5");
  });

  it("draws parallel branches that join, labelled by branch, and compensation apart", () => {
    const g = layoutDefinition(
      doc({
        key: "par",
        name: "Parallel",
        steps: [
          { id: "fork", kind: "parallel", branches: [{ name: "credit", start: "check-credit" }, { name: "stock", start: "check-stock" }], join: "joined" },
          { id: "check-credit", kind: "set", assign: { credit: true }, next: "joined", compensate: "undo-credit" },
          { id: "check-stock", kind: "set", assign: { stock: true }, next: "joined" },
          { id: "joined", kind: "join", next: "done" },
          { id: "undo-credit", kind: "set", assign: { credit: false } },
          { id: "done", kind: "end" },
        ],
      }),
    );
    const layer = Object.fromEntries(g.nodes.map((n) => [n.id, n.layer]));
    expect(layer["check-credit"]).toBe(1);
    expect(layer["check-stock"]).toBe(1);
    expect(layer.joined).toBe(2);
    expect(g.edges.find((e) => e.source === "fork" && e.target === "check-credit")!.label).toBe("branch credit");
    const undo = g.edges.find((e) => e.target === "undo-credit")!;
    expect(undo).toMatchObject({ label: "compensated by", compensation: true });
  });
});
