import { z } from "zod";
import type { ZodOpenApiPathsObject, ZodOpenApiResponseObject } from "zod-openapi";
import {
  evaluateSchema,
  evaluationDtoSchema,
  publishSchema,
  publishResultSchema,
  tableDetailSchema,
  tableDiffSchema,
  tableSummarySchema,
  testCaseResultSchema,
  testCaseSchema,
  testCasesSchema,
  unusedRulesQuerySchema,
  unusedRulesSchema,
  uploadResultSchema,
} from "./schemas";

// The decision-table routes in the OpenAPI document (lib/openapi/document.ts spreads these in).

type Problems = (...statuses: number[]) => Record<string, ZodOpenApiResponseObject>;

const keyParam = z.object({ key: z.string().meta({ description: "The table's key: its DMN decision id" }) });
const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const ok = (schema: z.ZodType, description = "OK", status = "200") => ({ [status]: { description, ...json(schema) } });

export function decisionTablePaths(problems: Problems): ZodOpenApiPathsObject {
  return {
    "/api/v1/decision-tables": {
      get: {
        tags: ["decision tables"],
        summary: "Decision tables with their versions (rules:edit)",
        responses: { ...ok(z.object({ data: z.array(tableSummarySchema) })), ...problems(401, 403) },
      },
      post: {
        tags: ["decision tables"],
        summary: "Upload a DMN 1.3 file (body: the XML, application/xml or text/xml); each decision table becomes a new draft version",
        requestBody: { required: true, content: { "application/xml": { schema: z.string().meta({ description: "A .dmn file" }) } } },
        responses: { ...ok(uploadResultSchema, "Drafts created", "201"), ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    "/api/v1/decision-tables/{key}": {
      get: {
        tags: ["decision tables"],
        summary: "One table: versions, the current version's rules, test cases and their results (Accept: application/xml or ?format=dmn for the file)",
        requestParams: { path: keyParam },
        responses: { ...ok(tableDetailSchema), ...problems(401, 403, 404) },
      },
    },
    "/api/v1/decision-tables/{key}/evaluate": {
      post: {
        tags: ["decision tables"],
        summary: "Evaluate the latest published version, or a pinned version; audited (decision_table.evaluated)",
        requestParams: { path: keyParam },
        requestBody: { required: true, ...json(evaluateSchema) },
        responses: { ...ok(evaluationDtoSchema), ...problems(401, 403, 404, 415, 422) },
      },
    },
    "/api/v1/decision-tables/{key}/publish": {
      post: {
        tags: ["decision tables"],
        summary: "Publish the newest draft; refused (409 DECISION_TEST_CASES_FAILED, with the failing cases) while a test case fails",
        requestParams: { path: keyParam },
        requestBody: { required: false, ...json(publishSchema) },
        responses: { ...ok(publishResultSchema), ...problems(401, 403, 404, 409, 412, 422) },
      },
    },
    "/api/v1/decision-tables/{key}/diff": {
      get: {
        tags: ["decision tables"],
        summary: "Rules added, removed, changed and moved between the latest published version and the draft",
        requestParams: { path: keyParam },
        responses: { ...ok(tableDiffSchema), ...problems(401, 403, 404) },
      },
    },
    "/api/v1/decision-tables/{key}/unused-rules": {
      get: {
        tags: ["decision tables"],
        summary: "Rules of the latest published version that decided no audited evaluation in the last `days` days (default 90): candidates for pruning",
        requestParams: { path: keyParam, query: unusedRulesQuerySchema },
        responses: { ...ok(unusedRulesSchema), ...problems(401, 403, 404, 422) },
      },
    },
    "/api/v1/decision-tables/{key}/test-cases": {
      put: {
        tags: ["decision tables"],
        summary: "Replace the table's test cases (inputs → expected outputs); answers with their results on the current version",
        requestParams: { path: keyParam },
        requestBody: { required: true, ...json(testCasesSchema) },
        responses: {
          ...ok(z.object({ testCases: z.array(testCaseSchema), testResults: z.array(testCaseResultSchema) })),
          ...problems(401, 403, 404, 415, 422),
        },
      },
    },
  };
}
