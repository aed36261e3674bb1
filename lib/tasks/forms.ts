import { z } from "zod";

// Decision forms and custom outcomes a task declares. Pure zod, no server imports: the same
// schema built by buildFormSchema validates the browser form and the decision on the server.

// The form machinery itself is shared with process start forms (lib/processes/forms.ts, ADR 039).
export { buildFormSchema, fieldVisible, formDefinitionSchema, formErrors, formFieldSchema, type FormField, type FormValues } from "../processes/forms";

const fieldIdSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, "letters, digits and _ (start with a letter)");

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
