import { describe, expect, it } from "vitest";
import { loadDefinition, validateDefinition } from "./definition";

const human = (id: string, next: { approve: string; reject: string }) => ({ id, kind: "human", title: "Approve {{invoice}}", candidateGroup: "accounts-payable", next });

function doc(steps: unknown[], extra: Record<string, unknown> = {}) {
  return { key: "invoice-approval", name: "Invoice approval", startOn: ["com.acme.invoice.received"], steps, ...extra };
}

function errorsOf(input: unknown) {
  const r = validateDefinition(input);
  if (r.ok) throw new Error("expected errors");
  return r.errors;
}

const VALID = doc([
  { id: "match", kind: "http", url: "http://erp.test/po-match", body: { invoice: "{{invoice}}" }, output: { poMatched: "body.matched" }, next: "route" },
  { id: "route", kind: "decision", branches: [{ when: { var: "amount", op: "<", value: 1000 }, next: "auto" }], otherwise: "approve" },
  { id: "auto", kind: "set", assign: { approvedBy: "rule" }, next: "post" },
  human("approve", { approve: "post", reject: "done" }),
  { id: "post", kind: "http", method: "POST", url: "http://erp.test/postings", next: "settled" },
  { id: "settled", kind: "wait", event: "com.acme.payment.settled", correlationKey: "{{invoice}}", timeout: "P7D", onTimeout: "done", next: "done" },
  { id: "done", kind: "end" },
]);

describe("validateDefinition", () => {
  it("accepts a valid definition and applies defaults", () => {
    const r = validateDefinition(VALID);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document.start).toBe("match");
    const match = r.document.steps[0]!;
    expect(match.kind === "http" && match.retries).toEqual({ max: 3, backoff: "PT1S", maxBackoff: "PT5M" });
    expect(match.kind === "http" && match.timeout).toBe("PT10S");
  });

  it("parses YAML and JSON text alike", () => {
    const yaml = `key: refund\nname: Refund\nsteps:\n  - id: approve\n    kind: human\n    title: Refund {{amount}}\n    assignee: sam@acme.test\n    next: { approve: done, reject: done }\n  - id: done\n    kind: end\n`;
    expect(loadDefinition(yaml).ok).toBe(true);
    expect(loadDefinition(JSON.stringify(VALID)).ok).toBe(true);
  });

  it("reports YAML syntax errors with the line", () => {
    const r = loadDefinition("key: x\nsteps: [\n  - oops");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/not valid YAML or JSON \(line \d+\)/);
  });

  it("rejects an unknown step kind, naming the step", () => {
    const errors = errorsOf(doc([{ id: "charge", kind: "script", next: "done" }, { id: "done", kind: "end" }]));
    expect(errors).toEqual([expect.objectContaining({ step: "charge", path: "steps.0.kind" })]);
    expect(errors[0]!.message).toBe('Step "charge": unknown step kind "script" (one of http, set, decision, human, wait, end)');
  });

  it("rejects a next that points nowhere, naming the step and field", () => {
    const errors = errorsOf(doc([human("approve", { approve: "post", reject: "done" }), { id: "done", kind: "end" }]));
    expect(errors).toEqual([{ step: "approve", path: "steps.0.next.approve", message: 'Step "approve": next.approve points to unknown step "post"' }]);
  });

  it("rejects a missing next and a human step without an outcome target", () => {
    const errors = errorsOf(doc([{ id: "calc", kind: "set", assign: { a: 1 } }, { id: "ask", kind: "human", title: "t", candidateGroup: "g", next: { approve: "calc" } }]));
    expect(errors.map((e) => e.step)).toEqual(["calc", "ask"]);
    expect(errors[0]!.message).toMatch(/^Step "calc": next /);
    expect(errors[1]!.message).toBe('Step "ask": next.reject outcome "reject" has no next step');
  });

  it("rejects unreachable steps, each by name", () => {
    const errors = errorsOf(doc([{ id: "a", kind: "end" }, { id: "orphan", kind: "set", assign: { x: 1 }, next: "a" }, { id: "orphan2", kind: "end" }]));
    expect(errors.map((e) => e.message)).toEqual([
      'Step "orphan" is unreachable from the start step "a"',
      'Step "orphan2" is unreachable from the start step "a"',
    ]);
  });

  it("rejects a cycle of automated steps, naming them", () => {
    const errors = errorsOf(
      doc([
        { id: "call", kind: "http", url: "http://x.test", next: "check" },
        { id: "check", kind: "decision", branches: [{ when: { var: "ok", op: "==", value: true }, next: "done" }], otherwise: "call" },
        { id: "done", kind: "end" },
      ]),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ step: "call" });
    expect(errors[0]!.message).toBe('Step "call" is in a cycle without a wait or human step (call → check → call)');
  });

  it("rejects a step that loops on itself", () => {
    const errors = errorsOf(doc([{ id: "spin", kind: "set", assign: { n: 1 }, next: "spin" }]));
    expect(errors[0]!.message).toMatch(/^Step "spin" is in a cycle without a wait or human step/);
  });

  it("accepts a cycle that passes a human or wait step (rework loops)", () => {
    const r = validateDefinition(
      doc([
        { id: "draft", kind: "set", assign: { round: 1 }, next: "review" },
        human("review", { approve: "done", reject: "draft" }),
        { id: "done", kind: "end" },
      ]),
    );
    expect(r.ok).toBe(true);
  });

  it("rejects duplicate ids, bad durations, bad conditions and bad template paths, naming the step", () => {
    const errors = errorsOf(
      doc([
        { id: "a", kind: "http", url: "http://x.test/{{ a b }}", timeout: "10s", next: "b" },
        { id: "b", kind: "decision", branches: [{ when: { var: "amount", op: "in", value: 3 }, next: "a" }], otherwise: "b" },
        { id: "b", kind: "end" },
      ]),
    );
    const byStep = errors.map((e) => `${e.step}: ${e.message}`);
    expect(byStep).toContainEqual(expect.stringMatching(/^a: Step "a": timeout must be an ISO 8601 duration/));
    expect(byStep).toContainEqual(expect.stringMatching(/^b: Step "b": branches\.0\.when/));
    expect(byStep).toContainEqual('b: Step "b": the id is used by another step');
  });

  it("rejects a wait with a timeout but no onTimeout", () => {
    const errors = errorsOf(doc([{ id: "w", kind: "wait", event: "e", correlationKey: "{{id}}", timeout: "PT1H", next: "d" }, { id: "d", kind: "end" }]));
    expect(errors).toEqual([expect.objectContaining({ step: "w", message: 'Step "w": onTimeout a wait with a timeout needs onTimeout' })]);
  });

  it("document-level errors have no step", () => {
    const errors = errorsOf({ key: "Bad Key", name: "", steps: [] });
    expect(errors.every((e) => e.step === null)).toBe(true);
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(["key", "name", "steps"]));
  });
});
