import { z } from "zod";

// A process's context layout (issue #21/#22, ADR 040): how its tasks show the case instead of a
// JSON dump. Declared once in the definition; the task page formats the values in the viewer's
// locale and time zone. Paths are dot paths into the task's context, then the instance's variables.

const pathSchema = z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, "must be a dot path such as invoice.amount").max(200);

export const CONTEXT_FORMATS = ["text", "money", "number", "date", "datetime", "link", "status"] as const;

const fieldSchema = z
  .object({
    path: pathSchema,
    label: z.string().trim().min(1).max(100),
    format: z.enum(CONTEXT_FORMATS).default("text"),
    /** money: an ISO 4217 code, or the path of the value holding it. */
    currency: z.string().regex(/^[A-Z]{3}$/).optional(),
    currencyPath: pathSchema.optional(),
    /** A link to the source system; `{path}` placeholders are filled from the case (URL-encoded). */
    href: z.string().regex(/^https?:\/\//, "must be an http(s) URL template").max(500).optional(),
  })
  .strict();

const sectionSchema = z.object({ title: z.string().trim().min(1).max(100), fields: z.array(fieldSchema).min(1).max(40) }).strict();

/** Figures side by side (invoice vs purchase order vs goods received); differences from the first column are highlighted. */
const comparisonSchema = z
  .object({
    title: z.string().trim().min(1).max(100),
    columns: z.array(z.string().trim().min(1).max(60)).min(2).max(4),
    rows: z
      .array(
        z
          .object({
            label: z.string().trim().min(1).max(100),
            paths: z.array(pathSchema.nullable()).min(2).max(4),
            format: z.enum(CONTEXT_FORMATS).default("text"),
            currency: z.string().regex(/^[A-Z]{3}$/).optional(),
            currencyPath: pathSchema.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(20),
  })
  .strict()
  .refine((c) => c.rows.every((r) => r.paths.length === c.columns.length), "every row needs one path (or null) per column");

export const contextLayoutSchema = z
  .object({
    sections: z.array(sectionSchema).max(10).default([]),
    comparison: comparisonSchema.optional(),
    /** The case's party (vendor, customer): earlier requests with the same value here, and how they were decided. */
    history: z.object({ path: pathSchema, label: z.string().trim().min(1).max(60) }).strict().optional(),
  })
  .strict()
  .meta({ id: "ContextLayout" });
export type ContextLayout = z.infer<typeof contextLayoutSchema>;
export type ContextField = ContextLayout["sections"][number]["fields"][number];
export type ContextFormat = (typeof CONTEXT_FORMATS)[number];

/** The value at a dot path, or undefined. */
export function valueAt(source: unknown, path: string): unknown {
  let v: unknown = source;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** An href template filled from the case; null when a placeholder has no value. */
export function fillHref(template: string, lookup: (path: string) => unknown): string | null {
  let missing = false;
  const url = template.replace(/\{([\w$.]+)\}/g, (_m, p: string) => {
    const v = lookup(p);
    if (v === undefined || v === null || v === "") missing = true;
    return encodeURIComponent(String(v ?? ""));
  });
  return missing ? null : url;
}
