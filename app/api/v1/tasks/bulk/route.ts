import { defineRoute } from "@/app/api/_lib/define-route";
import { bulkAction } from "@/lib/tasks";
import { bulkActionSchema, bulkResultSchema } from "@/lib/tasks/schemas";

export const POST = defineRoute({
  operationId: "bulkTaskAction",
  tags: ["tasks"],
  summary:
    "Approve or reassign many tasks; each is changed and audited on its own, and the result says per task what happened (200 even when some failed)",
  body: { schema: bulkActionSchema },
  responses: { 200: { schema: bulkResultSchema } },
  errors: [403],
  handler: async ({ actor, body }) => bulkAction(actor, body),
});
