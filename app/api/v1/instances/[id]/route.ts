import { defineRoute } from "@/app/api/_lib/define-route";
import { getInstance } from "@/lib/engine";
import { instanceDtoSchema } from "@/lib/engine/schemas";
import { instanceParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "getInstance",
  tags: ["processes"],
  // Operators (processes:manage) and dashboard readers (metrics:read): the service checks either.
  summary: "An instance: variables, step runs and tasks",
  params: instanceParams,
  responses: { 200: { schema: instanceDtoSchema } },
  errors: [403, 404],
  handler: async ({ actor, params }) => getInstance(actor, params.id),
});
