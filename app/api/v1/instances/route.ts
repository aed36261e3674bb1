import { defineRoute } from "@/app/api/_lib/define-route";
import { listInstances } from "@/lib/engine";
import { instanceListQuerySchema, instancePageSchema } from "@/lib/engine/schemas";

export const GET = defineRoute({
  operationId: "listInstances",
  tags: ["processes"],
  // Operators (processes:manage) and dashboard readers (metrics:read): the service checks either.
  summary: "Process instances, newest first",
  query: instanceListQuerySchema,
  responses: { 200: { schema: instancePageSchema } },
  errors: [403],
  handler: async ({ actor, query }) => listInstances(actor, query),
});
