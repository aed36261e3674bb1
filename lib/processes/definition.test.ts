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
    expect(errors[0]!.message).toBe('Step "charge": unknown step kind "script" (one of http, set, decision, human, wait, parallel, join, end)');
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

describe("parallel branches, joins and compensation", () => {
  const par = (extra: Record<string, unknown> = {}) => ({
    id: "checks",
    kind: "parallel",
    branches: [
      { name: "credit", start: "credit-check" },
      { name: "fraud", start: "fraud-check" },
    ],
    join: "checked",
    ...extra,
  });
  const parallelDoc = (over: Record<string, Record<string, unknown>> = {}, more: unknown[] = []) =>
    doc([
      par(over.checks),
      { id: "credit-check", kind: "http", url: "http://credit.test/score", output: { score: "body.score" }, next: "checked", ...over["credit-check"] },
      { id: "fraud-check", kind: "set", assign: { fraud: false }, next: "fraud-review", ...over["fraud-check"] },
      human("fraud-review", { approve: "checked", reject: "checked" }),
      { id: "checked", kind: "join", next: "done", ...over.checked },
      { id: "done", kind: "end" },
      ...more,
    ]);

  it("accepts branches that each reach their join", () => {
    const r = validateDefinition(parallelDoc());
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
  });

  it("rejects a branch start that points nowhere, naming the parallel step", () => {
    const errors = errorsOf(parallelDoc({ checks: { branches: [{ name: "credit", start: "credit-check" }, { name: "fraud", start: "nope" }] } }));
    expect(errors).toEqual([{ step: "checks", path: "steps.0.branches.1.start", message: 'Step "checks": branches.1.start points to unknown step "nope"' }]);
  });

  it("rejects a join that is not a join step", () => {
    const errors = errorsOf(parallelDoc({ checks: { join: "done" } }));
    expect(errors[0]).toMatchObject({ step: "checks", message: 'Step "checks": join "done" is a end step, not a join' });
  });

  it("rejects a branch that ends the process instead of reaching its join", () => {
    const errors = errorsOf(parallelDoc({ "credit-check": { next: "done" } }));
    expect(errors.map((e) => e.message)).toEqual([
      'Step "done": branch "credit" of parallel "checks" reaches this end step; a branch must finish at its join "checked"',
      'Step "checks": branch "credit" of parallel "checks" never reaches the join "checked"',
    ]);
  });

  it("rejects a step shared by two branches", () => {
    const errors = errorsOf(parallelDoc({ "credit-check": { next: "fraud-review" } }));
    expect(errors[0]!.message).toBe('Step "fraud-review" is reached from branch "credit" of parallel "checks" and from branch "fraud" of parallel "checks"; a step belongs to one branch');
  });

  it("rejects a main-flow step that jumps into a join", () => {
    const errors = errorsOf(doc([{ id: "a", kind: "set", assign: { x: 1 }, next: "checked" }, par(), { id: "credit-check", kind: "set", assign: {}, next: "checked" }, { id: "fraud-check", kind: "set", assign: {}, next: "checked" }, { id: "checked", kind: "join", next: "done" }, { id: "done", kind: "end" }]));
    expect(errors.map((e) => e.step)).toContain("checked");
  });

  it("rejects a cycle without a wait inside a branch", () => {
    const errors = errorsOf(parallelDoc({ "credit-check": { onError: "credit-check" } }));
    expect(errors.some((e) => e.step === "credit-check" && /cycle without a wait/.test(e.message))).toBe(true);
  });

  it("accepts nested parallels", () => {
    const r = validateDefinition(
      doc([
        par({ branches: [{ name: "a", start: "inner" }, { name: "b", start: "b1" }] }),
        { id: "inner", kind: "parallel", branches: [{ name: "x", start: "x1" }, { name: "y", start: "y1" }], join: "inner-done" },
        { id: "x1", kind: "set", assign: { x: 1 }, next: "inner-done" },
        { id: "y1", kind: "set", assign: { y: 1 }, next: "inner-done" },
        { id: "inner-done", kind: "join", next: "checked" },
        { id: "b1", kind: "set", assign: { b: 1 }, next: "checked" },
        { id: "checked", kind: "join", next: "done" },
        { id: "done", kind: "end" },
      ]),
    );
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
  });

  it("accepts compensating steps outside the flow and checks them", () => {
    const steps = (compensator: Record<string, unknown>) =>
      doc([
        { id: "reserve", kind: "http", url: "http://erp.test/reserve", compensate: "release", next: "approve" },
        { id: "approve", kind: "human", title: "t", candidateGroup: "g", compensateOnReject: true, next: { approve: "done" } },
        { id: "done", kind: "end" },
        { id: "release", kind: "http", url: "http://erp.test/release", ...compensator },
      ]);
    const r = validateDefinition(steps({}));
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
    expect(errorsOf(steps({ next: "done" }))[0]!.message).toBe('Step "release" compensates "reserve" and runs alone: remove its next');
    const wrongKind = errorsOf(
      doc([
        { id: "reserve", kind: "http", url: "http://erp.test/reserve", compensate: "done", next: "done" },
        { id: "done", kind: "end" },
      ]),
    );
    expect(wrongKind[0]!.message).toBe('Step "reserve": compensate "done" must be an http or set step, not end');
  });

  it("a human step that compensates on reject needs no reject target, and may not have one", () => {
    const bad = errorsOf(doc([{ id: "approve", kind: "human", title: "t", candidateGroup: "g", compensateOnReject: true, next: { approve: "done", reject: "done" } }, { id: "done", kind: "end" }]));
    expect(bad[0]!.message).toMatch(/compensates \(compensateOnReject\); remove next.reject/);
  });

  it("a human step declares custom outcomes, each with its next; a later decision branches on the step's outcome (ADR 052)", () => {
    const review = {
      id: "review",
      kind: "human",
      title: "t",
      candidateGroup: "g",
      form: [{ id: "conditions", label: "Conditions", type: "textarea" }],
      outcomes: ["approve", { id: "with_conditions", label: "Approve with conditions", style: "primary", fields: ["conditions"] }, { id: "send_back", label: "Send back", rejecting: true, requiresReason: true }, "reject"],
      next: { approve: "route", with_conditions: "route", send_back: "review", reject: "done" },
    };
    const route = { id: "route", kind: "decision", branches: [{ when: { var: "review.outcome", op: "==", value: "with_conditions" }, next: "watch" }], otherwise: "done" };
    const r = validateDefinition(doc([review, route, { id: "watch", kind: "set", assign: { watched: true }, next: "done" }, { id: "done", kind: "end" }]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const step = r.document.steps[0]!;
    expect(step.kind === "human" && step.outcomes[1]).toEqual({ id: "with_conditions", label: "Approve with conditions", style: "primary", fields: ["conditions"], requiresReason: false });

    const bad = errorsOf(
      doc([
        { ...review, outcomes: ["approve", { id: "with_conditions", label: "W", fields: ["nope"] }], next: { approve: "done", with_conditions: "done", elsewhere: "done" } },
        { id: "done", kind: "end" },
      ]),
    );
    expect(bad.map((e) => e.path).sort()).toEqual(["steps.0.next.elsewhere", "steps.0.outcomes.1.fields.0"]);
    expect(bad.map((e) => e.message).join("\n")).toMatch(/"nope" is not a field of the step's form/);
    // approve and reject are built in: a custom outcome cannot take their ids.
    const builtIn = errorsOf(doc([{ ...review, outcomes: ["approve", { id: "reject", label: "No" }], next: { approve: "done", reject: "done" } }, { id: "done", kind: "end" }]));
    expect(builtIn[0]!.path).toMatch(/^steps\.0\.outcomes\.1/);
  });

  it("a decision step may evaluate a decision table and branch on its output", () => {
    const r = validateDefinition(
      doc([
        { id: "route", kind: "decision", table: { key: "invoice-routing", version: 2, inputs: { amount: "invoice.amount" } }, branches: [{ when: { var: "route.route", op: "==", value: "auto-approve" }, next: "done" }], otherwise: "done" },
        { id: "done", kind: "end" },
      ]),
    );
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
    expect(errorsOf(doc([{ id: "route", kind: "decision", otherwise: "done" }, { id: "done", kind: "end" }]))[0]!.message).toMatch(/at least one branch/);
  });
});
