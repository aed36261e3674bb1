import { defineRoute } from "@/app/api/_lib/define-route";
import { jobActionResultSchema, queueParamSchema, retryFailedJob } from "@/lib/metrics/queue-health";

export const POST = defineRoute({
  operationId: "retryFailedJob",
  tags: ["observability"],
  summary: "Retry a failed job (admins; audited)",
  permission: "processes:manage",
  params: queueParamSchema,
  responses: { 200: { schema: jobActionResultSchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => retryFailedJob(actor, params),
});
