import { defineRoute } from "@/app/api/_lib/define-route";
import { publishDecisionModel } from "@/lib/rules/models";
import { modelPublishResultSchema, modelPublishSchema } from "@/lib/rules/model-schemas";
import { modelParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "publishDecisionModel",
  tags: ["decision models"],
  summary: "Publish the newest draft; refused (409 DECISION_TEST_CASES_FAILED, with the failing cases) while a test case fails. Instances already running keep the version they started with",
  permission: "rules:edit",
  params: modelParams,
  body: { schema: modelPublishSchema, required: false },
  responses: { 200: { schema: modelPublishResultSchema } },
  errors: [404, 409, 412],
  handler: async ({ actor, params, body }) => publishDecisionModel(actor, params.key, body),
});
