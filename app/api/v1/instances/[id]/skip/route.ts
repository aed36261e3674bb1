import { defineRoute } from "@/app/api/_lib/define-route";
import { skipFailedStep } from "@/lib/engine";
import { instanceDtoSchema, skipStepSchema } from "@/lib/engine/schemas";
import { instanceParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "skipFailedStep",
  tags: ["processes"],
  summary:
    "Skip the failed step and continue at its next step (a skipped compensation moves to the next one); reason required, audited step.skipped",
  permission: "processes:manage",
  params: instanceParams,
  body: { schema: skipStepSchema },
  responses: { 200: { schema: instanceDtoSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => skipFailedStep(actor, params.id, body),
});
