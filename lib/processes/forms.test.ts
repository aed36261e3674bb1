import { describe, expect, it } from "vitest";
import { buildFormSchema, formDefinitionSchema, formErrors } from "./forms";
import { loadDefinition } from "./definition";

// Start forms (ADR 039): conditional fields, money, and refusal of bad forms at publish.
const fields = formDefinitionSchema.parse([
  { id: "customer", label: "Customer", type: "text", required: true },
  { id: "amount", label: "Amount", type: "money", currency: "EUR", required: true, min: 0.01, max: 10000 },
  { id: "reason", label: "Reason", type: "select", required: true, options: [{ value: "damaged", label: "Damaged" }, { value: "other", label: "Other" }] },
  { id: "explain", label: "Explain", type: "textarea", required: true, when: { field: "reason", equals: "other" } },
  { id: "urgent", label: "Urgent", type: "boolean" },
]);
const schema = buildFormSchema(fields);

describe("start forms", () => {
  it("types the answers: money as a number, booleans from browser strings", () => {
    expect(schema.parse({ customer: "Contoso", amount: "120.50", reason: "damaged", urgent: "on" })).toEqual({ customer: "Contoso", amount: 120.5, reason: "damaged", urgent: true });
  });

  it("requires a conditional field only when its condition holds, and drops it otherwise", () => {
    expect(formErrors(schema.safeParse({ customer: "C", amount: 5, reason: "other" }).error!)).toEqual({ explain: "required" });
    expect(schema.parse({ customer: "C", amount: 5, reason: "damaged", explain: "ignored" })).toEqual({ customer: "C", amount: 5, reason: "damaged" });
  });

  it("refuses cents beyond two decimals and unknown keys", () => {
    expect(formErrors(schema.safeParse({ customer: "C", amount: 1.234, reason: "damaged" }).error!).amount).toBe("at most two decimals");
    expect(schema.safeParse({ customer: "C", amount: 1, reason: "damaged", admin: true }).success).toBe(false);
  });

  it("refuses a definition whose start form is bad, naming the field", () => {
    const doc = (startForm: unknown) => ({ key: "refund", name: "Refund", requesters: ["*"], startForm, steps: [{ id: "done", kind: "end" }] });
    const bad = loadDefinition(doc([{ id: "why", label: "Why", type: "text", when: { field: "later", equals: "x" } }, { id: "later", label: "Later", type: "text" }]));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors[0]!.message).toMatch(/startForm\.0\.when\.field: "later" is not a field before "why"/);
    const noOptions = loadDefinition(doc([{ id: "kind", label: "Kind", type: "select" }]));
    expect(!noOptions.ok && noOptions.errors[0]!.message).toMatch(/a select field needs options/);
    const badGroup = loadDefinition({ ...doc([{ id: "a", label: "A", type: "text" }]), requesters: ["Not A Key"] });
    expect(!badGroup.ok && badGroup.errors[0]!.path).toBe("requesters.0");
    const ok = loadDefinition(doc(fields));
    expect(ok.ok && ok.document.startForm?.length).toBe(5);
    expect(ok.ok && ok.document.requesters).toEqual(["*"]);
  });

  it("refuses a human step's write-back of a field its form does not have", () => {
    const r = loadDefinition({
      key: "p",
      name: "P",
      steps: [
        { id: "review", kind: "human", title: "Review", candidateGroup: "finance", form: [{ id: "approved", label: "Approved amount", type: "money" }], writeBack: { limit: "approvedLimit" }, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    });
    expect(!r.ok && r.errors[0]!.message).toMatch(/writeBack\.limit "limit" is not a field of the step's form/);
  });
});
