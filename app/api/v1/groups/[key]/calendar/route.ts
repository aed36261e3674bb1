import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { getCalendar, setCalendar } from "@/lib/sla/service";
import { calendarDtoSchema, calendarInputSchema } from "@/lib/sla/schemas";

const groupParams = z.object({ key: z.string().meta({ description: "Group key" }) });

export const GET = defineRoute({
  operationId: "getCalendar",
  tags: ["calendars"],
  summary: "A group's business calendar",
  params: groupParams,
  responses: { 200: { schema: calendarDtoSchema } },
  errors: [403, 404],
  handler: async ({ actor, params }) => getCalendar(actor, params.key),
});

export const PUT = defineRoute({
  operationId: "setCalendar",
  tags: ["calendars"],
  summary:
    "Set a group's working days, hours, time zone and holidays (processes:manage); applies to tasks created from then on; audited calendar.updated",
  permission: "processes:manage",
  params: groupParams,
  body: { schema: calendarInputSchema },
  responses: { 200: { schema: calendarDtoSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => setCalendar(actor, params.key, body),
});
