import { describe, expect, it } from "vitest";
import { buildFormSchema, formDefinitionSchema, formErrors, formForOutcome, outcomeListSchema, outcomeStyle } from "./forms";

const fields = formDefinitionSchema.parse([
  { id: "refundReason", label: "Refund reason", type: "select", required: true, options: [{ value: "damaged", label: "Damaged" }, { value: "late", label: "Late" }] },
  { id: "amount", label: "Adjusted amount", type: "number", required: true, min: 0, max: 5000 },
  { id: "note", label: "Note", type: "text", max: 10 },
  { id: "notify", label: "Notify customer", type: "boolean" },
  { id: "payOn", label: "Pay on", type: "date" },
]);
const schema = buildFormSchema(fields);

describe("buildFormSchema", () => {
  it("accepts valid values, from JSON or from browser strings", () => {
    expect(schema.parse({ refundReason: "late", amount: 120.5, notify: true })).toEqual({ refundReason: "late", amount: 120.5, notify: true });
    expect(schema.parse({ refundReason: "late", amount: "99", note: "", notify: "on", payOn: "2026-12-01" })).toEqual({
      refundReason: "late",
      amount: 99,
      notify: true,
      payOn: "2026-12-01",
    });
  });

  it("reports every bad field by id", () => {
    const r = schema.safeParse({ refundReason: "whim", amount: 9000, note: "far too long a note", payOn: "tomorrow", extra: 1 });
    expect(r.success).toBe(false);
    const errors = formErrors(r.error!);
    expect(Object.keys(errors).sort()).toEqual(["(form)", "amount", "note", "payOn", "refundReason"].sort());
    expect(errors.amount).toBe("must be at most 5000");
    expect(errors.refundReason).toMatch(/choose one of: damaged, late/);
  });

  it("requires required fields, blank counting as missing", () => {
    const r = schema.safeParse({ refundReason: "", amount: "" });
    expect(formErrors(r.error!)).toEqual({ refundReason: "required", amount: "required" });
  });

  it("refuses bad definitions", () => {
    expect(formDefinitionSchema.safeParse([{ id: "x", label: "X", type: "select" }]).success).toBe(false);
    expect(formDefinitionSchema.safeParse([{ id: "x", label: "X", type: "text" }, { id: "x", label: "Y", type: "text" }]).success).toBe(false);
    expect(outcomeListSchema.safeParse([{ id: "approve", label: "Approve" }]).success).toBe(false);
    expect(outcomeListSchema.parse([{ id: "approve_partial", label: "Approve partially", requiresReason: true }])[0]?.requiresReason).toBe(true);
  });
});

describe("formForOutcome (ADR 052)", () => {
  const form = formDefinitionSchema.parse([
    { id: "amount", label: "Amount", type: "money", required: true },
    { id: "conditions", label: "Conditions", type: "textarea" },
  ]);
  const outcomes = outcomeListSchema.parse([
    { id: "with_conditions", label: "Approve with conditions", style: "primary", fields: ["conditions"] },
    { id: "send_back", label: "Send back", rejecting: true, fields: ["conditions"] },
    { id: "hold", label: "Put on hold" },
  ]);
  const errorsFor = (outcome: string | undefined, values: Record<string, unknown>) => {
    const r = buildFormSchema(formForOutcome(form, outcomes.find((o) => o.id === outcome))).safeParse(values);
    return r.success ? {} : formErrors(r.error);
  };

  it("an approving outcome needs the form's required fields plus its own", () => {
    expect(errorsFor(undefined, {})).toEqual({ amount: "required" });
    expect(errorsFor("with_conditions", { amount: "10" })).toEqual({ conditions: "required" });
    expect(errorsFor("with_conditions", { amount: "10", conditions: "signed note" })).toEqual({});
    expect(errorsFor("hold", { amount: "10" })).toEqual({});
  });

  it("a rejecting outcome needs only its own fields; what it is given is still checked", () => {
    expect(errorsFor("send_back", {})).toEqual({ conditions: "required" });
    expect(errorsFor("send_back", { conditions: "fix the PO" })).toEqual({});
    expect(errorsFor("send_back", { conditions: "fix the PO", amount: "1.234" })).toEqual({ amount: "at most two decimals" });
  });

  it("styles default from the outcome: danger when rejecting, else neutral", () => {
    expect(outcomes.map(outcomeStyle)).toEqual(["primary", "danger", "neutral"]);
    expect(outcomeListSchema.safeParse([{ id: "x", label: "X", style: "loud" }]).success).toBe(false);
  });
});
