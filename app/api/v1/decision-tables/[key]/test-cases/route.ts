import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { replaceTestCases } from "@/lib/rules/service";
import { testCaseResultSchema, testCaseSchema, testCasesSchema } from "@/lib/rules/schemas";
import { tableParams } from "@/lib/openapi/components";

export const PUT = defineRoute({
  operationId: "replaceTestCases",
  tags: ["decision tables"],
  summary: "Replace the table's test cases (inputs → expected outputs); answers with their results on the current version",
  permission: "rules:edit",
  params: tableParams,
  body: { schema: testCasesSchema },
  responses: { 200: { schema: z.object({ testCases: z.array(testCaseSchema), testResults: z.array(testCaseResultSchema) }) } },
  errors: [404],
  handler: async ({ actor, params, body }) => replaceTestCases(actor, params.key, body),
});
