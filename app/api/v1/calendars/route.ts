import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { listCalendars } from "@/lib/sla/service";
import { calendarDtoSchema } from "@/lib/sla/schemas";

export const GET = defineRoute({
  operationId: "listCalendars",
  tags: ["calendars"],
  summary: "Every group's business calendar (the default where none is set)",
  responses: { 200: { schema: z.object({ data: z.array(calendarDtoSchema) }) } },
  errors: [403],
  handler: async ({ actor }) => listCalendars(actor),
});
