import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/webhooks/service";
import { updateWebhookSchema, webhookDtoSchema, webhookWithSecretSchema } from "@/lib/webhooks/schemas";
import { webhookParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "getWebhook",
  tags: ["webhooks"],
  summary: "One endpoint",
  permission: "webhooks:manage",
  params: webhookParams,
  responses: { 200: { schema: webhookDtoSchema } },
  errors: [404],
  handler: async ({ actor, params }) => getWebhook(actor, params.id),
});

export const PATCH = defineRoute({
  operationId: "updateWebhook",
  tags: ["webhooks"],
  summary: "Change the URL, description, event types or active flag; `rotateSecret: true` returns a new secret once",
  permission: "webhooks:manage",
  params: webhookParams,
  body: { schema: updateWebhookSchema },
  responses: { 200: { schema: z.union([webhookWithSecretSchema, webhookDtoSchema]) } },
  errors: [404],
  handler: async ({ actor, params, body }) => updateWebhook(actor, params.id, body),
});

export const DELETE = defineRoute({
  operationId: "deleteWebhook",
  tags: ["webhooks"],
  summary: "Delete an endpoint and its delivery log",
  permission: "webhooks:manage",
  params: webhookParams,
  responses: { 200: { schema: z.object({ deleted: z.literal(true) }) } },
  errors: [404],
  handler: async ({ actor, params }) => deleteWebhook(actor, params.id),
});
