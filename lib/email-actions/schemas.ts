import { z } from "zod";
import { versionNumber } from "../fields";
import { taskDtoSchema } from "../tasks/schemas";

// Deciding from the e-mail (ADR 047): what the confirmation page shows and what it sends back.
// Client-safe: the page's form and the API parse the same shapes.

/** The outcome a link proposes: approve, reject or one of the task's custom outcomes (ADR 052). */
export const emailActionSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/);

/** The link, not yet used: which decision it proposes, until when, and the task as the person may act on it. */
export const emailActionPreviewSchema = z
  .object({
    action: emailActionSchema,
    expiresAt: z.string(),
    task: taskDtoSchema,
  })
  .meta({ id: "EmailActionPreview" });
export type EmailActionPreview = z.infer<typeof emailActionPreviewSchema>;

/**
 * The confirmation: a reason (required to reject and for outcomes that say so, as in the inbox),
 * the decision form's values as the outcome asks for them, and the task version the person saw.
 */
export const confirmEmailActionSchema = z
  .object({
    reason: z.string().trim().max(2000).optional(),
    /** Checked by decideTask against the task's form for this outcome (the page runs the same schema). */
    form: z.record(z.string(), z.unknown()).optional(),
    version: versionNumber().optional(),
  })
  .strict();
export type ConfirmEmailAction = z.infer<typeof confirmEmailActionSchema>;
