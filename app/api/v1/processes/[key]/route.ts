import { defineRoute } from "@/app/api/_lib/define-route";
import { fromZodError } from "@/lib/errors";
import { getProcess } from "@/lib/processes/service";
import { processDetailDtoSchema, processDetailQuerySchema } from "@/lib/processes/schemas";
import { processParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "getProcess",
  tags: ["processes"],
  summary: "A process: versions, and the newest document (or ?version=N's)",
  permission: "processes:manage",
  params: processParams,
  query: processDetailQuerySchema,
  responses: { 200: { schema: processDetailDtoSchema } },
  errors: [404],
  handler: async ({ actor, params, query }) => {
    const q = processDetailQuerySchema.safeParse(query);
    if (!q.success) throw fromZodError(q.error, "Query");
    return getProcess(actor, params.key, q.data.version);
  },
});
