import { z } from "zod";

// Forms: a process's start form (what a requester fills in) and a task's or human step's decision
// form are one kind of thing. Pure zod, no server imports: the schema built by buildFormSchema
// validates the browser form and the server's input alike (ADR 039). A field type is one entry of
// FORM_FIELD_TYPES plus one case in fieldSchema (and one in the browser's field input). A `file`
// field's value is the ids of uploaded attachments (lib/attachments); which uploads a form may use
// is checked by the server beside this schema (ADR 052).

export const FORM_FIELD_TYPES = ["text", "textarea", "number", "money", "select", "boolean", "date", "file"] as const;

/** Kinds of file a `file` field may accept, as the content types attachments sniff from the bytes. */
export const FILE_KINDS = {
  pdf: ["application/pdf"],
  image: ["image/png", "image/jpeg", "image/gif", "image/webp"],
  office: [
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ],
  text: ["text/plain", "text/csv", "text/markdown"],
} as const;
export type FileKind = keyof typeof FILE_KINDS;
const FILE_KIND_NAMES = Object.keys(FILE_KINDS) as [FileKind, ...FileKind[]];
/** For the browser's file picker: the extensions of each kind. */
export const FILE_KIND_EXTENSIONS: Record<FileKind, string> = { pdf: ".pdf", image: ".png,.jpg,.jpeg,.gif,.webp", office: ".docx,.xlsx,.pptx", text: ".txt,.csv,.md" };

/** An attachment id as a file field holds it. */
const attachmentIdSchema = z.string().regex(/^[a-z0-9]{8,40}$/, "not an uploaded file");

const fieldIdSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, "letters, digits and _ (start with a letter)");

/** Show (and require) the field only when another, earlier field has one of these values. */
const fieldConditionSchema = z
  .object({
    field: fieldIdSchema,
    /** The other field's value, or one of a list of values (booleans and numbers compare as given). */
    equals: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()])).min(1)]),
  })
  .strict();
export type FieldCondition = z.output<typeof fieldConditionSchema>;

export const formFieldSchema = z
  .object({
    id: fieldIdSchema,
    label: z.string().trim().min(1).max(120),
    type: z.enum(FORM_FIELD_TYPES),
    required: z.boolean().default(false),
    /** number and money: smallest/largest value; text: shortest/longest length. */
    min: z.number().optional(),
    max: z.number().optional(),
    /** select: the choices. */
    options: z.array(z.object({ value: z.string().min(1).max(100), label: z.string().min(1).max(120) })).max(50).optional(),
    /** money: the ISO 4217 currency the amount is in. */
    currency: z.string().regex(/^[A-Z]{3}$/, "a three-letter currency code such as EUR").optional(),
    help: z.string().max(300).optional(),
    when: fieldConditionSchema.optional(),
    /** file: how many files at most (default 1). */
    maxFiles: z.number().int().min(1).max(10).optional(),
    /** file: the kinds accepted (default: every kind attachments take). */
    accept: z.array(z.enum(FILE_KIND_NAMES)).min(1).max(FILE_KIND_NAMES.length).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === "select" && !f.options?.length) ctx.addIssue({ code: "custom", path: ["options"], message: "a select field needs options" });
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) ctx.addIssue({ code: "custom", path: ["min"], message: "min is above max" });
    if (f.currency && f.type !== "money") ctx.addIssue({ code: "custom", path: ["currency"], message: "only a money field has a currency" });
    if (f.type !== "file" && f.maxFiles !== undefined) ctx.addIssue({ code: "custom", path: ["maxFiles"], message: "only a file field has maxFiles" });
    if (f.type !== "file" && f.accept !== undefined) ctx.addIssue({ code: "custom", path: ["accept"], message: "only a file field has accept" });
  });
export type FormField = z.output<typeof formFieldSchema>;

export const formDefinitionSchema = z
  .array(formFieldSchema)
  .min(1)
  .max(30)
  .superRefine((fields, ctx) => {
    const seen = new Map<string, FormField>();
    fields.forEach((f, i) => {
      if (seen.has(f.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `field id "${f.id}" is used twice` });
      if (f.when) {
        const other = seen.get(f.when.field);
        if (!other) ctx.addIssue({ code: "custom", path: [i, "when", "field"], message: `"${f.when.field}" is not a field before "${f.id}"` });
        else if (other.type === "file") ctx.addIssue({ code: "custom", path: [i, "when", "field"], message: `"${f.when.field}" is a file field: a condition cannot test it` });
        else if (other.type === "select") {
          const values = new Set(other.options!.map((o) => o.value));
          for (const v of [f.when.equals].flat()) if (!values.has(String(v))) ctx.addIssue({ code: "custom", path: [i, "when", "equals"], message: `"${String(v)}" is not one of the options of "${other.id}"` });
        }
      }
      seen.set(f.id, f);
    });
  });

/** Empty inputs (""/null) count as "not given", so optional fields can be left blank in a browser form. */
function blankToUndefined(v: unknown): unknown {
  return v === "" || v === null || (Array.isArray(v) && v.length === 0) ? undefined : v;
}

const toNumber = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v);

/** One field's value schema, as if the field were optional (required-ness is checked on the whole form). */
function valueSchema(f: FormField): z.ZodType {
  switch (f.type) {
    case "text":
    case "textarea": {
      let t = z.string().trim();
      const min = f.required ? Math.max(1, f.min ?? 1) : f.min;
      if (min !== undefined) t = t.min(min, min > 1 ? `at least ${min} characters` : "required");
      const max = f.max ?? (f.type === "textarea" ? 5000 : 2000);
      return t.max(max, `at most ${max} characters`);
    }
    case "number":
    case "money": {
      let n = z.number({ error: "must be a number" });
      if (f.min !== undefined) n = n.min(f.min, `must be at least ${f.min}`);
      if (f.max !== undefined) n = n.max(f.max, `must be at most ${f.max}`);
      // An amount has at most two decimals (cents); browser inputs deliver strings.
      if (f.type === "money") n = n.refine((x) => Math.round(x * 100) === x * 100, "at most two decimals");
      return z.preprocess(toNumber, n);
    }
    case "select": {
      const values = (f.options ?? []).map((o) => o.value);
      return z.string().refine((v) => values.includes(v), { message: `choose one of: ${values.join(", ")}` });
    }
    case "boolean":
      return z.preprocess((v) => (v === "true" || v === "on" ? true : v === "false" ? false : v), z.boolean({ error: "must be yes or no" }));
    case "date":
      return z.iso.date({ error: "must be a date (YYYY-MM-DD)" });
    case "file": {
      const max = f.maxFiles ?? 1;
      return z
        .array(attachmentIdSchema, { error: "must be a list of uploaded files" })
        .max(max, max === 1 ? "one file only" : `at most ${max} files`)
        .refine((ids) => new Set(ids).size === ids.length, "the same file twice");
    }
  }
}

/** The content types a file field accepts (every kind when it names none). */
export function acceptedContentTypes(f: Pick<FormField, "accept">): string[] {
  return (f.accept ?? FILE_KIND_NAMES).flatMap((k) => [...FILE_KINDS[k]]);
}

/**
 * What is wrong with a form's file answers, given the uploads the caller may use there (`usable`:
 * the rows found among the ids, with their sniffed type): an id not among them, or a kind the field
 * does not accept. One message per field, keyed by its id; empty when every file is fine.
 */
export function fileAnswerErrors(wanted: { field: FormField; ids: string[] }[], usable: readonly { id: string; contentType: string; filename: string }[], where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, ids } of wanted) {
    const types = acceptedContentTypes(field);
    for (const id of ids) {
      const row = usable.find((r) => r.id === id);
      if (!row) out[field.id] ??= `not a file uploaded ${where}`;
      else if (!types.includes(row.contentType)) out[field.id] ??= `"${row.filename}" is not a kind of file this field accepts (${(field.accept ?? FILE_KIND_NAMES).join(", ")})`;
    }
  }
  return out;
}

/** The attachment ids a form's values hold, per file field (only fields with a value). */
export function formFileIds(fields: readonly FormField[], values: Record<string, unknown> | null | undefined): { field: FormField; ids: string[] }[] {
  if (!values) return [];
  return fields.flatMap((f) => (f.type === "file" && Array.isArray(values[f.id]) && (values[f.id] as unknown[]).length ? [{ field: f, ids: values[f.id] as string[] }] : []));
}

/** Whether a conditional field applies, given the (parsed) values of the fields before it. */
export function fieldVisible(f: FormField, values: Record<string, unknown>): boolean {
  if (!f.when) return true;
  const actual = values[f.when.field];
  return [f.when.equals].flat().some((v) => v === actual || String(v) === String(actual ?? "\u0000"));
}

/**
 * The one schema for a form: unknown keys are refused, each field typed and bounded; a field
 * whose condition does not hold is neither required nor kept (its value is dropped).
 */
export function buildFormSchema(fields: readonly FormField[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) shape[f.id] = z.preprocess(blankToUndefined, valueSchema(f).optional());
  return z
    .object(shape)
    .strict()
    .superRefine(
      (values, ctx) => {
        // A missing required field is reported beside every other field's error, so this runs
        // even when another field failed (`when`); a field whose condition does not hold is not required.
        if (!values || typeof values !== "object" || Array.isArray(values)) return;
        const given = values as Record<string, unknown>;
        const kept: Record<string, unknown> = {};
        for (const f of fields) {
          if (!fieldVisible(f, kept)) continue;
          const v = blankToUndefined(given[f.id]);
          if (v !== undefined) kept[f.id] = v;
          else if (f.required) ctx.addIssue({ code: "custom", path: [f.id], message: "required" });
        }
      },
      { when: () => true },
    )
    .transform((values) => {
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (!fieldVisible(f, out)) continue;
        const v = (values as Record<string, unknown>)[f.id];
        if (v !== undefined) out[f.id] = v;
      }
      return out;
    });
}

export type FormValues = Record<string, string | number | boolean | string[] | undefined>;

/** Field errors keyed by field id (first message each), for the browser form. */
export function formErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "(form)");
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

// ── Outcomes ──────────────────────────────────────────────────────────────────────────────────
// What a decider may choose besides approve and reject: declared by a task or a human step.

const BUILT_IN_OUTCOMES = ["approve", "reject"] as const;

/** How an outcome's button looks: the main way forward, a way back or out, or a plain alternative. */
export const OUTCOME_STYLES = ["primary", "danger", "neutral"] as const;
export type OutcomeStyle = (typeof OUTCOME_STYLES)[number];

export const outcomeDefinitionSchema = z
  .object({
    id: fieldIdSchema.refine((id) => !(BUILT_IN_OUTCOMES as readonly string[]).includes(id), "approve and reject are built in"),
    label: z.string().trim().min(1).max(60),
    requiresReason: z.boolean().default(false),
    // Four-eyes (M5): a rejecting outcome ends the task at once, like "reject"; any other outcome
    // is an approval and counts as one of the N votes.
    rejecting: z.boolean().optional(),
    /** The button's look (default: neutral; a rejecting outcome: danger). */
    style: z.enum(OUTCOME_STYLES).optional(),
    /** Decision-form fields this outcome needs, even when the form leaves them optional (ADR 052). */
    fields: z.array(fieldIdSchema).max(30).optional(),
  })
  .strict();
export type OutcomeDefinition = z.output<typeof outcomeDefinitionSchema>;

export const outcomeListSchema = z
  .array(outcomeDefinitionSchema)
  .max(10)
  .refine((list) => new Set(list.map((o) => o.id)).size === list.length, { message: "outcome ids must be unique" });

/** The button style of an outcome as declared, or its default. */
export function outcomeStyle(o: Pick<OutcomeDefinition, "style" | "rejecting">): OutcomeStyle {
  return o.style ?? (o.rejecting ? "danger" : "neutral");
}

/**
 * The decision form as one outcome asks for it (ADR 052). An approving outcome needs the form's
 * required fields plus the ones it names; a rejecting custom outcome only the ones it names (like
 * "reject", it ends the task without the approval's answers). Browser and server both run it.
 */
export function formForOutcome(fields: readonly FormField[], outcome: Pick<OutcomeDefinition, "fields" | "rejecting"> | undefined): FormField[] {
  const named = new Set(outcome?.fields ?? []);
  const approving = !outcome?.rejecting;
  return fields.map((f) => ({ ...f, required: (approving && f.required) || named.has(f.id) }));
}

/** Outcome `fields` that name no field of the form, as zod issues at `outcomes.<i>.fields.<j>`. */
export function checkOutcomeFields(outcomes: readonly OutcomeDefinition[] | undefined, form: readonly FormField[] | undefined, ctx: z.RefinementCtx, at: (string | number)[] = ["outcomes"]): void {
  const ids = new Set((form ?? []).map((f) => f.id));
  outcomes?.forEach((o, i) =>
    o.fields?.forEach((f, j) => {
      if (!ids.has(f)) ctx.addIssue({ code: "custom", path: [...at, i, "fields", j], message: `"${f}" is not a field of the decision form` });
    }),
  );
}
