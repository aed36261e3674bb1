import { defineRoute } from "@/app/api/_lib/define-route";
import { retryFailedStep } from "@/lib/engine";
import { instanceDtoSchema, retryStepSchema } from "@/lib/engine/schemas";
import { instanceParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "retryFailedStep",
  tags: ["processes"],
  summary: "Retry the failed step (of a failed instance, or a failed branch while the others go on); audited step.retried",
  permission: "processes:manage",
  params: instanceParams,
  body: { schema: retryStepSchema, required: false },
  responses: { 200: { schema: instanceDtoSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => retryFailedStep(actor, params.id, body),
});
