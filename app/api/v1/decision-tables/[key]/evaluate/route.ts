import { defineRoute } from "@/app/api/_lib/define-route";
import { evaluateDecision } from "@/lib/rules/service";
import { evaluateSchema, evaluationDtoSchema } from "@/lib/rules/schemas";
import { tableParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "evaluateDecisionTable",
  tags: ["decision tables"],
  summary: "Evaluate the latest published version, or a pinned version; audited (decision_table.evaluated)",
  permission: "rules:edit",
  params: tableParams,
  body: { schema: evaluateSchema },
  responses: { 200: { schema: evaluationDtoSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => evaluateDecision(actor, params.key, body),
});
