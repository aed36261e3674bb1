import { defineRoute } from "@/app/api/_lib/define-route";
import { heartbeat, leave, viewersOf } from "@/lib/tasks";
import { presenceSchema } from "@/lib/live/presence-schemas";
import { noContent } from "@/lib/http/responses";
import { taskParams } from "@/lib/openapi/components";

// Who else has the task open (Redis only, expires after 30 s without a heartbeat).

export const GET = defineRoute({
  operationId: "getTaskViewers",
  tags: ["inbox"],
  summary: "Who else is viewing the task now (heartbeat within 30 s); you are left out",
  permission: "tasks:read",
  params: taskParams,
  responses: { 200: { schema: presenceSchema } },
  errors: [404],
  handler: async ({ actor, params }) => ({ data: await viewersOf(actor, params.id) }),
});

export const POST = defineRoute({
  operationId: "viewTask",
  tags: ["inbox"],
  summary:
    "Heartbeat: you are viewing the task (send every 10 s while it is open); returns the others viewing it. Arrivals and departures go out on the stream as task.presence",
  permission: "tasks:read",
  params: taskParams,
  responses: { 200: { schema: presenceSchema } },
  errors: [404],
  handler: async ({ actor, params }) => ({ data: await heartbeat(actor, params.id) }),
});

export const DELETE = defineRoute({
  operationId: "leaveTask",
  tags: ["inbox"],
  summary: "You closed the task: others see you gone at once",
  permission: "tasks:read",
  params: taskParams,
  responses: { 204: {} },
  handler: async ({ actor, params }) => {
    await leave(actor, params.id);
    return noContent();
  },
});
