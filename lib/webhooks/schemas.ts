import { ENUMS } from "../generated/db/schema";
import { z } from "zod";

// Outgoing webhooks (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).

export const WEBHOOK_EVENT_TYPES = [
  "task.created",
  "task.reassigned",
  "task.escalated",
  "task.decided",
  "task.info_requested",
  "task.info_answered",
  // Sent by "Send test event" so an admin can check an endpoint.
  "webhook.test",
] as const;
const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

const urlSchema = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }));

export const createWebhookSchema = z
  .object({
    url: urlSchema,
    description: z.string().trim().max(200).default(""),
    /** Empty: every event type. */
    eventTypes: z.array(webhookEventTypeSchema).max(WEBHOOK_EVENT_TYPES.length).default([]),
    active: z.boolean().default(true),
  })
  .strict();
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;

export const updateWebhookSchema = z
  .object({
    url: urlSchema.optional(),
    description: z.string().trim().max(200).optional(),
    eventTypes: z.array(webhookEventTypeSchema).max(WEBHOOK_EVENT_TYPES.length).optional(),
    active: z.boolean().optional(),
    /** Replace the signing secret; the new one is in the response, once. */
    rotateSecret: z.literal(true).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change");

export const webhookDtoSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  active: z.boolean(),
  /** The first characters of the secret, to tell secrets apart. */
  secretHint: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  stats: z.object({ succeeded: z.number(), failed: z.number(), pending: z.number(), lastDeliveryAt: z.string().nullable() }),
});
export type WebhookDto = z.infer<typeof webhookDtoSchema>;

export const webhookWithSecretSchema = webhookDtoSchema.extend({
  /** The signing secret (whsec_…), returned only when created or rotated. */
  secret: z.string(),
});
export type WebhookWithSecretDto = z.infer<typeof webhookWithSecretSchema>;

export const webhookListSchema = z.object({ data: z.array(webhookDtoSchema) });

const DELIVERY_STATUSES = ENUMS.WebhookDeliveryStatus;
const deliveryStatusSchema = z.enum(DELIVERY_STATUSES);

const attemptSchema = z.object({
  n: z.number().int(),
  at: z.string(),
  ms: z.number(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type DeliveryAttempt = z.infer<typeof attemptSchema>;

export const deliveryDtoSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: deliveryStatusSchema,
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
  attemptLog: z.array(attemptSchema),
  payload: z.unknown(),
});
export type DeliveryDto = z.infer<typeof deliveryDtoSchema>;

export const deliveryQuerySchema = z.object({
  status: deliveryStatusSchema.optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export const deliveryPageSchema = z.object({ data: z.array(deliveryDtoSchema), nextCursor: z.string().nullable() });
export type DeliveryPage = z.infer<typeof deliveryPageSchema>;

