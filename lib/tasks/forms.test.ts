import { describe, expect, it } from "vitest";
import { buildFormSchema, formDefinitionSchema, formErrors, outcomeListSchema } from "./forms";

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
