import { z } from "zod";
import type { ZodOpenApiPathsObject, ZodOpenApiResponseObject } from "zod-openapi";
import { kpiDashboardSchema, kpiQuerySchema, versionSplitDtoSchema, versionSplitSchema } from "./schemas";
import { jobActionResultSchema, queueHealthSchema } from "../metrics/queue-health";

// KPI dashboard, A/B version split and queue health in the OpenAPI document.

type Problems = (...statuses: number[]) => Record<string, ZodOpenApiResponseObject>;

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const ok = (schema: z.ZodType, description = "OK", status = "200") => ({ [status]: { description, ...json(schema) } });
const keyParam = z.object({ key: z.string().meta({ description: "The process key" }) });
const jobParams = z.object({ queue: z.string().meta({ description: "Queue name: notifications, maintenance or engine" }), id: z.string().meta({ description: "Job id" }) });

export function observabilityPaths(problems: Problems): ZodOpenApiPathsObject {
  return {
    "/api/v1/kpis": {
      get: {
        tags: ["observability"],
        summary: "Process KPIs over a period (from the daily rollups): totals, per process, version and step, daily series, decisions",
        requestParams: { query: kpiQuerySchema },
        responses: { ...ok(kpiDashboardSchema), ...problems(401, 403, 422) },
      },
    },
    "/api/v1/processes/{key}/split": {
      get: { tags: ["processes"], summary: "The process's A/B version split, if any", requestParams: { path: keyParam }, responses: { ...ok(z.object({ split: versionSplitDtoSchema.nullable() })), ...problems(401, 403) } },
      put: {
        tags: ["processes"],
        summary: "Split new instances between two active versions (percentB % to versionB; audited)",
        requestParams: { path: keyParam },
        requestBody: { ...json(versionSplitSchema), required: true },
        responses: { ...ok(versionSplitDtoSchema), ...problems(401, 403, 404, 415, 422) },
      },
      delete: { tags: ["processes"], summary: "Remove the split: new instances start on the newest active version (audited)", requestParams: { path: keyParam }, responses: { "204": { description: "Removed" }, ...problems(401, 403, 404, 409) } },
    },
    "/api/v1/queues": {
      get: { tags: ["observability"], summary: "Queue health: jobs per BullMQ queue and state, newest failed jobs", responses: { ...ok(queueHealthSchema), ...problems(401, 403) } },
    },
    "/api/v1/queues/{queue}/jobs/{id}/retry": {
      post: { tags: ["observability"], summary: "Retry a failed job (admins; audited)", requestParams: { path: jobParams }, responses: { ...ok(jobActionResultSchema), ...problems(401, 403, 404, 409) } },
    },
    "/api/v1/queues/{queue}/jobs/{id}": {
      delete: { tags: ["observability"], summary: "Remove a failed job (admins; audited)", requestParams: { path: jobParams }, responses: { ...ok(jobActionResultSchema), ...problems(401, 403, 404, 409) } },
    },
  };
}
