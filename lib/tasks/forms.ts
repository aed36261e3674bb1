import { z } from "zod";

// Decision forms and custom outcomes a task declares. Pure zod, no server imports: the same
// schema built by buildFormSchema validates the browser form and the decision on the server.

const FORM_FIELD_TYPES = ["text", "number", "select", "boolean", "date"] as const;

const fieldIdSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, "letters, digits and _ (start with a letter)");

export const formFieldSchema = z
  .object({
    id: fieldIdSchema,
    label: z.string().trim().min(1).max(120),
    type: z.enum(FORM_FIELD_TYPES),
    required: z.boolean().default(false),
    /** number: smallest/largest value; text: shortest/longest length. */
    min: z.number().optional(),
    max: z.number().optional(),
    /** select: the choices. */
    options: z.array(z.object({ value: z.string().min(1).max(100), label: z.string().min(1).max(120) })).max(50).optional(),
    help: z.string().max(300).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === "select" && !f.options?.length) ctx.addIssue({ code: "custom", path: ["options"], message: "a select field needs options" });
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) ctx.addIssue({ code: "custom", path: ["min"], message: "min is above max" });
  });
export type FormField = z.output<typeof formFieldSchema>;

export const formDefinitionSchema = z
  .array(formFieldSchema)
  .min(1)
  .max(30)
  .refine((fields) => new Set(fields.map((f) => f.id)).size === fields.length, { message: "field ids must be unique" });

const BUILT_IN_OUTCOMES = ["approve", "reject"] as const;

export const outcomeDefinitionSchema = z
  .object({
    id: fieldIdSchema.refine((id) => !(BUILT_IN_OUTCOMES as readonly string[]).includes(id), "approve and reject are built in"),
    label: z.string().trim().min(1).max(60),
    requiresReason: z.boolean().default(false),
    // Four-eyes (M5): a rejecting outcome ends the task at once, like "reject"; any other outcome
    // is an approval and counts as one of the N votes.
    rejecting: z.boolean().optional(),
  })
  .strict();
export type OutcomeDefinition = z.output<typeof outcomeDefinitionSchema>;

export const outcomeListSchema = z
  .array(outcomeDefinitionSchema)
  .max(10)
  .refine((list) => new Set(list.map((o) => o.id)).size === list.length, { message: "outcome ids must be unique" });

/** Empty inputs (""/null) count as "not given", so optional fields can be left blank in a browser form. */
function blankToUndefined(v: unknown): unknown {
  return v === "" || v === null ? undefined : v;
}

function fieldSchema(f: FormField): z.ZodType {
  let s: z.ZodType;
  switch (f.type) {
    case "text": {
      let t = z.string().trim();
      if (f.required) t = t.min(Math.max(1, f.min ?? 1), f.min && f.min > 1 ? `at least ${f.min} characters` : "required");
      else if (f.min !== undefined) t = t.min(f.min, `at least ${f.min} characters`);
      t = t.max(f.max ?? 2000, `at most ${f.max ?? 2000} characters`);
      s = t;
      break;
    }
    case "number": {
      let n = z.number({ error: "must be a number" });
      if (f.min !== undefined) n = n.min(f.min, `must be at least ${f.min}`);
      if (f.max !== undefined) n = n.max(f.max, `must be at most ${f.max}`);
      // Browser inputs deliver strings.
      s = z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), n);
      break;
    }
    case "select": {
      const values = (f.options ?? []).map((o) => o.value);
      s = z.string().refine((v) => values.includes(v), { message: `choose one of: ${values.join(", ")}` });
      break;
    }
    case "boolean":
      s = z.preprocess((v) => (v === "true" || v === "on" ? true : v === "false" ? false : v), z.boolean({ error: "must be yes or no" }));
      break;
    case "date":
      s = z.iso.date({ error: "must be a date (YYYY-MM-DD)" });
      break;
  }
  const present = z.custom<unknown>((v) => v !== undefined, { message: "required" });
  return z.preprocess(blankToUndefined, f.required ? present.pipe(s) : s.optional()) as z.ZodType;
}

/** The one schema for a task's decision form: unknown keys are refused, each field typed and bounded. */
export function buildFormSchema(fields: readonly FormField[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) shape[f.id] = fieldSchema(f);
  return z.object(shape).strict();
}

export type FormValues = Record<string, string | number | boolean | undefined>;

/** Field errors keyed by field id (first message each), for the browser form. */
export function formErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "(form)");
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}
