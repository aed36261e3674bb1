import { z } from "zod";
import type { ZodOpenApiPathsObject, ZodOpenApiResponseObject } from "zod-openapi";
import { calendarDtoSchema, calendarInputSchema, taskEscalationsDtoSchema } from "./schemas";

// Escalation and business-calendar routes in the OpenAPI document (lib/openapi/document.ts spreads these in).

type Problems = (...statuses: number[]) => Record<string, ZodOpenApiResponseObject>;
const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const ok = (schema: z.ZodType) => ({ "200": { description: "OK", ...json(schema) } });
const keyParam = z.object({ key: z.string().meta({ description: "Group key" }) });

export function slaPaths(problems: Problems): ZodOpenApiPathsObject {
  return {
    "/api/v1/tasks/{id}/escalations": {
      get: {
        tags: ["tasks"],
        summary: "The task's SLA state (running, paused, overdue, escalated level N) and every escalation level fired, with its lateness",
        requestParams: { path: z.object({ id: z.string().meta({ description: "Task id" }) }) },
        responses: { ...ok(taskEscalationsDtoSchema), ...problems(401, 404) },
      },
    },
    "/api/v1/calendars": {
      get: { tags: ["calendars"], summary: "Every group's business calendar (the default where none is set)", responses: { ...ok(z.object({ data: z.array(calendarDtoSchema) })), ...problems(401, 403) } },
    },
    "/api/v1/groups/{key}/calendar": {
      get: { tags: ["calendars"], summary: "A group's business calendar", requestParams: { path: keyParam }, responses: { ...ok(calendarDtoSchema), ...problems(401, 403, 404) } },
      put: {
        tags: ["calendars"],
        summary: "Set a group's working days, hours, time zone and holidays (processes:manage); applies to tasks created from then on; audited calendar.updated",
        requestParams: { path: keyParam },
        requestBody: { required: true, ...json(calendarInputSchema) },
        responses: { ...ok(calendarDtoSchema), ...problems(401, 403, 404, 415, 422) },
      },
    },
  };
}
