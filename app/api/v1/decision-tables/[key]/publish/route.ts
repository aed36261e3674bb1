import { defineRoute } from "@/app/api/_lib/define-route";
import { publishDecisionTable } from "@/lib/rules/service";
import { publishResultSchema, publishSchema } from "@/lib/rules/schemas";
import { tableParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "publishDecisionTable",
  tags: ["decision tables"],
  summary: "Publish the newest draft; refused (409 DECISION_TEST_CASES_FAILED, with the failing cases) while a test case fails",
  permission: "rules:edit",
  params: tableParams,
  body: { schema: publishSchema, required: false },
  responses: { 200: { schema: publishResultSchema } },
  errors: [404, 409, 412],
  handler: async ({ actor, params, body }) => publishDecisionTable(actor, params.key, body),
});
