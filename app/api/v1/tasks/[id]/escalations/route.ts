import { defineRoute } from "@/app/api/_lib/define-route";
import { getTaskEscalations } from "@/lib/tasks";
import { taskEscalationsDtoSchema } from "@/lib/sla/schemas";
import { taskParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "getTaskEscalations",
  tags: ["tasks"],
  summary: "The task's SLA state (running, paused, overdue, escalated level N) and every escalation level fired, with its lateness",
  params: taskParams,
  responses: { 200: { schema: taskEscalationsDtoSchema } },
  errors: [403, 404],
  handler: async ({ actor, params }) => getTaskEscalations(actor, params.id),
});
