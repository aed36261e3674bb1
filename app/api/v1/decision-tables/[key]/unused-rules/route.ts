import { defineRoute } from "@/app/api/_lib/define-route";
import { listUnusedRules } from "@/lib/rules/service";
import { unusedRulesQuerySchema, unusedRulesSchema } from "@/lib/rules/schemas";
import { tableParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "listUnusedRules",
  tags: ["decision tables"],
  summary:
    "Rules of the latest published version that decided no audited evaluation in the last `days` days (default 90): candidates for pruning",
  permission: "rules:edit",
  params: tableParams,
  query: unusedRulesQuerySchema,
  responses: { 200: { schema: unusedRulesSchema } },
  errors: [404],
  handler: async ({ actor, params, query }) => listUnusedRules(actor, params.key, query),
});
