import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { getTaskHistory } from "@/lib/tasks";
import { auditEntryDtoSchema } from "@/lib/audit/schemas";
import { taskParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "getTaskHistory",
  tags: ["tasks"],
  summary: "The task's audit entries, oldest first",
  // L3: reading a task's history is reading the task.
  permission: "tasks:read",
  params: taskParams,
  responses: { 200: { schema: z.object({ data: z.array(auditEntryDtoSchema) }) } },
  errors: [404],
  handler: async ({ actor, params }) => getTaskHistory(actor, params.id),
});
