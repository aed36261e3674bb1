import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { redeliver } from "@/lib/webhooks/service";
import { deliveryDtoSchema } from "@/lib/webhooks/schemas";
import { json } from "@/lib/http/responses";
import { webhookParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "redeliver",
  tags: ["webhooks"],
  summary:
    "Send a FAILED delivery again: same webhook-id and payload, a fresh signature and attempts (409 unless it failed). Audited webhook.redelivered",
  permission: "webhooks:manage",
  params: webhookParams.extend({ deliveryId: z.string().meta({ description: "Delivery id" }) }),
  responses: { 202: { description: "Queued", schema: deliveryDtoSchema } },
  errors: [404],
  handler: async ({ actor, params }) => json(await redeliver(actor, params.id, params.deliveryId), { status: 202 }),
});
