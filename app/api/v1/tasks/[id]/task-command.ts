import { defineRoute, type DeclaredRoute } from "@/app/api/_lib/define-route";
import type { ApiRoute } from "@/lib/http/api-route";
import { versionedJson } from "@/lib/http/responses";
import type { Actor } from "@/lib/identity/actor";
import { taskParams, taskResponse } from "@/lib/openapi/components";
import type { TaskDto } from "@/lib/tasks/schemas";

type TaskChange = (actor: Actor, id: string, input: unknown, ifMatch?: number) => Promise<TaskDto>;

/**
 * POST /api/v1/tasks/{id}/<action>: a change to one task guarded by the version the caller saw
 * (If-Match or `version`; 412 when it moved on), answered with the changed task and its ETag.
 */
export function taskCommand(spec: Pick<ApiRoute, "operationId" | "summary" | "permission" | "body">, change: TaskChange): DeclaredRoute {
  return defineRoute({
    ...spec,
    tags: ["tasks"],
    params: taskParams,
    ifMatch: true,
    responses: { 200: taskResponse },
    errors: [403, 404, 409, 412],
    handler: async ({ actor, params, body, ifMatch }) => versionedJson(await change(actor, params.id, body, ifMatch)),
  });
}
