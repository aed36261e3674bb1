import { defineRoute } from "@/app/api/_lib/define-route";
import { getTask } from "@/lib/tasks";
import { versionedJson } from "@/lib/http/responses";
import { taskParams, taskResponse } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "getTask",
  tags: ["tasks"],
  summary: "One task; ETag is its version",
  params: taskParams,
  responses: { 200: taskResponse },
  errors: [403, 404],
  handler: async ({ actor, params }) => versionedJson(await getTask(actor, params.id)),
});
