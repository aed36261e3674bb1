import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { listNotifications } from "@/lib/notifications/service";
import { notificationDtoSchema } from "@/lib/notifications/schemas";

export const GET = defineRoute({
  operationId: "listNotifications",
  tags: ["people"],
  summary: "Your latest in-app notifications",
  responses: { 200: { schema: z.object({ data: z.array(notificationDtoSchema), unread: z.number().int() }) } },
  errors: [403],
  handler: async ({ actor }) => listNotifications(actor),
});
