import { defineRoute } from "@/app/api/_lib/define-route";
import { queueHealth, queueHealthSchema } from "@/lib/metrics/queue-health";

export const GET = defineRoute({
  operationId: "getQueueHealth",
  tags: ["observability"],
  summary: "Queue health: jobs per BullMQ queue and state, newest failed jobs",
  permission: "metrics:read",
  responses: { 200: { schema: queueHealthSchema } },
  handler: async ({ actor }) => queueHealth(actor),
});
