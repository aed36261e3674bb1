import { defineRoute } from "@/app/api/_lib/define-route";
import { getTaskCase } from "@/lib/tasks";
import { caseDtoSchema } from "@/lib/tasks/context-schemas";
import { taskParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "getTaskCase",
  tags: ["tasks"],
  summary: "The case around a task: the process's context layout and values, the request's timeline, the case's other tasks and comments, and the party's earlier requests",
  params: taskParams,
  responses: { 200: { schema: caseDtoSchema } },
  errors: [403, 404],
  handler: async ({ actor, params }) => getTaskCase(actor, params.id),
});
