import { defineRoute } from "@/app/api/_lib/define-route";
import { withdrawRequest } from "@/lib/requests/service";
import { requestDtoSchema, withdrawRequestSchema } from "@/lib/requests/schemas";
import { instanceParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "withdrawRequest",
  tags: ["requests"],
  summary: "Withdraw a request of yours that is still in progress (reason required): completed steps with compensation are undone, open tasks cancelled; audited request.withdrawn",
  params: instanceParams,
  body: { schema: withdrawRequestSchema },
  responses: { 200: { schema: requestDtoSchema } },
  errors: [403, 404, 409],
  handler: async ({ actor, params, body }) => withdrawRequest(actor, params.id, body),
});
