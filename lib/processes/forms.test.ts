import { describe, expect, it } from "vitest";
import { acceptedContentTypes, buildFormSchema, fileAnswerErrors, formDefinitionSchema, formErrors, formFileIds } from "./forms";
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

describe("file fields (ADR 052)", () => {
  const form = formDefinitionSchema.parse([
    { id: "receipt", label: "Receipt", type: "file", required: true, accept: ["pdf", "image"] },
    { id: "photos", label: "Photos", type: "file", maxFiles: 3, accept: ["image"] },
  ]);
  const schema = buildFormSchema(form);
  const id = (n: number) => `c${String(n).padStart(24, "0")}`;

  it("holds the uploads' ids: required means at least one, at most maxFiles (one by default), never the same twice", () => {
    expect(schema.parse({ receipt: [id(1)], photos: [] })).toEqual({ receipt: [id(1)] });
    const errors = (values: Record<string, unknown>) => {
      const r = schema.safeParse(values);
      return r.success ? {} : formErrors(r.error);
    };
    expect(errors({ receipt: [] })).toEqual({ receipt: "required" });
    expect(errors({ receipt: [id(1), id(2)] })).toEqual({ receipt: "one file only" });
    expect(errors({ receipt: [id(1)], photos: [id(2), id(3), id(4), id(5)] })).toEqual({ photos: "at most 3 files" });
    expect(errors({ receipt: [id(1)], photos: [id(2), id(2)] })).toEqual({ photos: "the same file twice" });
    expect(errors({ receipt: ["../etc/passwd"] })).toEqual({ receipt: "not an uploaded file" });
    expect(errors({ receipt: "c0000" })).toEqual({ receipt: "must be a list of uploaded files" });
  });

  it("checks the uploads found against the field: present, and of a kind it accepts", () => {
    const wanted = formFileIds(form, { receipt: [id(1)], photos: [id(2), id(3)] });
    expect(wanted.map((w) => [w.field.id, w.ids])).toEqual([["receipt", [id(1)]], ["photos", [id(2), id(3)]]]);
    const found = [
      { id: id(1), contentType: "application/pdf", filename: "r.pdf" },
      { id: id(2), contentType: "application/pdf", filename: "not-a-photo.pdf" },
    ];
    expect(fileAnswerErrors(wanted, found, "by you")).toEqual({ photos: '"not-a-photo.pdf" is not a kind of file this field accepts (image)' });
    expect(fileAnswerErrors(wanted, found.slice(0, 1), "by you").photos).toBe("not a file uploaded by you");
    expect(acceptedContentTypes({})).toContain("text/csv");
  });

  it("refuses maxFiles or accept on another type, an unknown kind, and a condition on a file field", () => {
    const pathsOf = (fields: unknown[]) => {
      const r = formDefinitionSchema.safeParse(fields);
      return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
    };
    expect(pathsOf([{ id: "a", label: "A", type: "text", maxFiles: 2 }])).toEqual(["0.maxFiles"]);
    expect(pathsOf([{ id: "b", label: "B", type: "file", accept: ["exe"] }])).toEqual(["0.accept.0"]);
    expect(pathsOf([{ id: "c", label: "C", type: "file" }, { id: "d", label: "D", type: "text", when: { field: "c", equals: "x" } }])).toEqual(["1.when.field"]);
  });
});
