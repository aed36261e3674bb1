import { defineRoute } from "@/app/api/_lib/define-route";
import { listDeliveries } from "@/lib/webhooks/service";
import { deliveryPageSchema, deliveryQuerySchema } from "@/lib/webhooks/schemas";
import { webhookParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "listDeliveries",
  tags: ["webhooks"],
  summary: "The endpoint's delivery log, newest first: status, attempts (time, HTTP status, error, duration) and the signed payload",
  permission: "webhooks:manage",
  params: webhookParams,
  query: deliveryQuerySchema,
  responses: { 200: { schema: deliveryPageSchema } },
  errors: [404],
  handler: async ({ actor, params, query }) => listDeliveries(actor, params.id, query),
});
