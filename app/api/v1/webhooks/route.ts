import { defineRoute } from "@/app/api/_lib/define-route";
import { createWebhook, listWebhooks } from "@/lib/webhooks/service";
import { createWebhookSchema, webhookListSchema, webhookWithSecretSchema } from "@/lib/webhooks/schemas";
import { json } from "@/lib/http/responses";

export const GET = defineRoute({
  operationId: "listWebhooks",
  tags: ["webhooks"],
  summary: "Outgoing webhook endpoints with delivery counts",
  permission: "webhooks:manage",
  responses: { 200: { schema: webhookListSchema } },
  handler: async ({ actor }) => listWebhooks(actor),
});

export const POST = defineRoute({
  operationId: "createWebhook",
  tags: ["webhooks"],
  summary: "Add an endpoint. The response carries its Standard Webhooks signing secret (whsec_…), shown once",
  permission: "webhooks:manage",
  body: { schema: createWebhookSchema },
  responses: { 201: { schema: webhookWithSecretSchema } },
  handler: async ({ actor, body }) => json(await createWebhook(actor, body), { status: 201 }),
});
