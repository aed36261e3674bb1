import { defineRoute } from "@/app/api/_lib/define-route";
import { jobActionResultSchema, queueParamSchema, removeFailedJob } from "@/lib/metrics/queue-health";

export const DELETE = defineRoute({
  operationId: "removeFailedJob",
  tags: ["observability"],
  summary: "Remove a failed job (admins; audited)",
  permission: "processes:manage",
  params: queueParamSchema,
  responses: { 200: { schema: jobActionResultSchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => removeFailedJob(actor, params),
});
