import { defineRoute } from "@/app/api/_lib/define-route";
import { createTask, listTasks } from "@/lib/tasks";
import { createTaskSchema, taskListQuerySchema, taskPageSchema } from "@/lib/tasks/schemas";
import { versionedJson } from "@/lib/http/responses";
import { taskResponse } from "@/lib/openapi/components";
import { z } from "zod";

export const GET = defineRoute({
  operationId: "listTasks",
  tags: ["tasks"],
  summary: "List tasks (cursor pagination)",
  query: taskListQuerySchema,
  responses: { 200: { schema: taskPageSchema } },
  errors: [403],
  handler: async ({ actor, query }) => listTasks(actor, query),
});

export const POST = defineRoute({
  operationId: "createTask",
  tags: ["tasks"],
  summary: "Create a task",
  permission: "tasks:create",
  body: { schema: createTaskSchema },
  responses: { 201: { ...taskResponse, description: "Created", headers: taskResponse.headers.extend({ location: z.string().meta({ description: "The task's URL" }) }) } },
  handler: async ({ actor, body }) => {
    const task = await createTask(actor, body);
    return versionedJson(task, { status: 201, headers: { location: `/api/v1/tasks/${task.id}` } });
  },
});
