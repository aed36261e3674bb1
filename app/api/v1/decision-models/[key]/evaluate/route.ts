import { defineRoute } from "@/app/api/_lib/define-route";
import { evaluateDecisionModel } from "@/lib/rules/models";
import { modelEvaluateSchema, modelEvaluationSchema } from "@/lib/rules/model-schemas";
import { modelParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "evaluateDecisionModel",
  tags: ["decision models"],
  summary:
    "Evaluate one decision (name or id) of the latest published version, or of a pinned version (drafts too), on JSON inputs keyed by input data name; " +
    "a decision that cannot decide is 422 DECISION_EVALUATION_FAILED with the reasons; audited (decision_model.evaluated)",
  permission: "rules:edit",
  params: modelParams,
  body: { schema: modelEvaluateSchema },
  responses: { 200: { schema: modelEvaluationSchema } },
  errors: [404, 409, 422],
  handler: async ({ actor, params, body }) => evaluateDecisionModel(actor, params.key, body),
});
