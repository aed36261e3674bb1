import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { getEventReceipt } from "@/lib/events/service";
import { eventReceiptDtoSchema } from "@/lib/events/schemas";

export const GET = defineRoute({
  operationId: "getEventReceipt",
  tags: ["events"],
  summary: "An event's receipt: accepted or processed, and what processing did",
  permission: "events:write",
  params: z.object({ id: z.string().meta({ description: "The receiptId of the answer to POST /api/v1/events" }) }),
  responses: { 200: { schema: eventReceiptDtoSchema } },
  errors: [404],
  handler: async ({ actor, params }) => getEventReceipt(actor, params.id),
});
