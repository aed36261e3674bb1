import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { markNotificationsRead } from "@/lib/notifications/service";
import { markReadSchema } from "@/lib/notifications/schemas";

export const POST = defineRoute({
  operationId: "markNotificationsRead",
  tags: ["people"],
  summary: "Mark notifications read (ids, or all)",
  body: { schema: markReadSchema },
  responses: { 200: { schema: z.object({ updated: z.number().int() }) } },
  errors: [403],
  handler: async ({ actor, body }) => markNotificationsRead(actor, body),
});
