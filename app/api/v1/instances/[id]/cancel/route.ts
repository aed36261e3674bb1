import { defineRoute } from "@/app/api/_lib/define-route";
import { cancelInstance } from "@/lib/engine";
import { cancelInstanceSchema, instanceDtoSchema } from "@/lib/engine/schemas";
import { instanceParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "cancelInstance",
  tags: ["processes"],
  summary: "Cancel the instance (reason required): its pending steps stop and its open tasks are cancelled; audited instance.cancelled",
  permission: "processes:manage",
  params: instanceParams,
  body: { schema: cancelInstanceSchema },
  responses: { 200: { schema: instanceDtoSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => cancelInstance(actor, params.id, body),
});
