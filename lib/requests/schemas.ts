import { z } from "zod";
import { formFieldSchema } from "../processes/forms";
import { PROCESS_KEY_RE } from "../processes/schemas";

// Requesters (ADR 039): the catalogue of processes a person may start, the request they file
// (the start form's answers), and their requests as they go on. One schema per shape, used by the
// routes, the browser forms and the DTOs.

export const catalogueEntrySchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  version: z.number().int(),
  /** The start form (empty: the process needs no answers). */
  form: z.array(formFieldSchema),
});
export type CatalogueEntry = z.infer<typeof catalogueEntrySchema>;
export const catalogueSchema = z.object({ data: z.array(catalogueEntrySchema) });

/** POST /api/v1/requests: which process, and the start form's answers (checked against that form on the server). */
export const submitRequestSchema = z
  .object({
    process: z.string().regex(PROCESS_KEY_RE, "a process key"),
    answers: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type SubmitRequestInput = z.input<typeof submitRequestSchema>;

export const withdrawRequestSchema = z.object({ reason: z.string().trim().min(1, "Say why you are withdrawing it").max(2000) }).strict();

const refSchema = z.object({ id: z.string(), name: z.string() });

/** A step that waits for people now: who has it, since when, until when, and any open question to the requester. */
export const requestStepSchema = z.object({
  taskId: z.string(),
  reference: z.string(),
  title: z.string(),
  stepId: z.string().nullable(),
  status: z.enum(["OPEN", "INFO_REQUESTED"]),
  /** The person who has it, else the group whose queue it waits in. */
  assignee: refSchema.nullable(),
  group: refSchema.nullable(),
  since: z.string(),
  dueAt: z.string().nullable(),
  /** A question waiting for an answer from the requester (answer it with POST /tasks/{taskId}/answer). */
  question: z.object({ text: z.string(), askedBy: z.string(), askedAt: z.string() }).nullable(),
});

export const TIMELINE_KINDS = ["submitted", "step", "approval", "decision", "comment", "question", "answer", "withdrawn", "ended"] as const;
export const timelineEntrySchema = z.object({
  at: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  /** Who did it (null: the process itself). */
  by: z.string().nullable(),
  text: z.string(),
  taskId: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const requestDtoSchema = z.object({
  id: z.string(),
  process: z.object({ key: z.string(), name: z.string(), version: z.number().int() }),
  status: z.enum(["RUNNING", "WAITING", "COMPLETED", "FAILED", "CANCELLED", "COMPENSATING", "COMPENSATED"]),
  /** In words: "In progress", "Approved", "Withdrawn"… */
  statusLabel: z.string(),
  currentStepId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** The start form's answers, with their labels. */
  answers: z.array(z.object({ id: z.string(), label: z.string(), value: z.unknown() })),
  waitingOn: z.array(requestStepSchema),
  /** Oldest first. */
  timeline: z.array(timelineEntrySchema),
  can: z.object({ withdraw: z.boolean() }),
});
export type RequestDto = z.infer<typeof requestDtoSchema>;
export const requestListSchema = z.object({ data: z.array(requestDtoSchema) });
export type RequestList = z.infer<typeof requestListSchema>;
