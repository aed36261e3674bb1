import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { replaceModelTestCases } from "@/lib/rules/models";
import { modelTestCaseResultSchema, modelTestCaseSchema, modelTestCasesSchema } from "@/lib/rules/model-schemas";
import { modelParams } from "@/lib/openapi/components";

export const PUT = defineRoute({
  operationId: "replaceModelTestCases",
  tags: ["decision models"],
  summary: "Replace the model's test cases (a decision, its inputs → the value it must answer); answers with their results on the newest version",
  permission: "rules:edit",
  params: modelParams,
  body: { schema: modelTestCasesSchema },
  responses: { 200: { schema: z.object({ testCases: z.array(modelTestCaseSchema), testResults: z.array(modelTestCaseResultSchema) }) } },
  errors: [404, 409],
  handler: async ({ actor, params, body }) => replaceModelTestCases(actor, params.key, body),
});
