import { defineRoute } from "@/app/api/_lib/define-route";
import { sendTestEvent } from "@/lib/webhooks/service";
import { deliveryDtoSchema } from "@/lib/webhooks/schemas";
import { json } from "@/lib/http/responses";
import { webhookParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "sendTestEvent",
  tags: ["webhooks"],
  summary: "Queue a signed webhook.test event for the endpoint; the delivery shows in its log",
  permission: "webhooks:manage",
  params: webhookParams,
  responses: { 202: { description: "Queued", schema: deliveryDtoSchema } },
  errors: [404],
  handler: async ({ actor, params }) => json(await sendTestEvent(actor, params.id), { status: 202 }),
});
