import { defineRoute } from "@/app/api/_lib/define-route";
import { diffDecisionTable } from "@/lib/rules/service";
import { tableDiffSchema } from "@/lib/rules/schemas";
import { tableParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "diffDecisionTable",
  tags: ["decision tables"],
  summary: "Rules added, removed, changed and moved between the latest published version and the draft",
  permission: "rules:edit",
  params: tableParams,
  responses: { 200: { schema: tableDiffSchema } },
  errors: [404],
  handler: async ({ actor, params }) => diffDecisionTable(actor, params.key),
});
