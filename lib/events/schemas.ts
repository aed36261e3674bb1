import { z } from "zod";

// The shapes of the event intake's answers: the service's types and the OpenAPI document both
// come from these.

/** What processing an event did; stored on its receipt. */
const eventResultSchema = z.object({
  receiptId: z.string(),
  outcome: z.enum(["started", "correlated", "pending", "ignored", "rejected"]).meta({
    description: "rejected: the producer lost the right to start what the event would start before the worker took it up (reason says why)",
  }),
  instances: z.array(z.object({ id: z.string(), process: z.string(), version: z.number().int() })).optional(),
  instanceId: z.string().optional(),
  stepId: z.string().optional(),
  correlationKey: z.string().nullable().optional(),
  reason: z.string().optional(),
});
export type EventResult = z.infer<typeof eventResultSchema>;

/** The answer to POST /api/v1/events: the result, or "accepted" when the worker will process it. */
export const eventAnswerSchema = eventResultSchema.extend({
  outcome: z.enum(["started", "correlated", "pending", "ignored", "rejected", "accepted"]).meta({
    description: "accepted: recorded and queued (Prefer: respond-async); read the outcome at /api/v1/events/{receiptId}",
  }),
  duplicate: z.boolean().meta({ description: "true when this (source, id) was received before: the first result is returned" }),
});

/** GET /api/v1/events/{receiptId}. */
export const eventReceiptDtoSchema = z.object({
  receiptId: z.string(),
  source: z.string(),
  id: z.string(),
  type: z.string(),
  subject: z.string().nullable(),
  correlationKey: z.string().nullable(),
  receivedAt: z.string(),
  status: z.enum(["accepted", "processed"]),
  result: eventResultSchema.nullable(),
});
export type EventReceiptDto = z.infer<typeof eventReceiptDtoSchema>;
