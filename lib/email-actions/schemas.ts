import { z } from "zod";
import { versionNumber } from "../fields";
import { taskDtoSchema } from "../tasks/schemas";

// Deciding from the e-mail (ADR 047): what the confirmation page shows and what it sends back.
// Client-safe: the page's form and the API parse the same shapes.

export const emailActionSchema = z.enum(["approve", "reject"]);

/** The link, not yet used: which decision it proposes, until when, and the task as the person may act on it. */
export const emailActionPreviewSchema = z
  .object({
    action: emailActionSchema,
    expiresAt: z.string(),
    task: taskDtoSchema,
  })
  .meta({ id: "EmailActionPreview" });
export type EmailActionPreview = z.infer<typeof emailActionPreviewSchema>;

/** The confirmation: a reason (required to reject, as in the inbox) and the task version the person saw. */
export const confirmEmailActionSchema = z
  .object({
    reason: z.string().trim().max(2000).optional(),
    version: versionNumber().optional(),
  })
  .strict();
export type ConfirmEmailAction = z.infer<typeof confirmEmailActionSchema>;
