import { withApi } from "../../_lib/with-api";
import { createTask, listTasks } from "@/lib/tasks";
import { etag, json, readJson } from "@/lib/http/responses";

export const GET = withApi(async ({ req, actor }) => listTasks(actor, Object.fromEntries(new URL(req.url).searchParams)));

export const POST = withApi(
  async ({ req, actor }) => {
    const task = await createTask(actor, await readJson(req));
    return json(task, { status: 201, headers: { etag: etag(task.version), location: `/api/v1/tasks/${task.id}` } });
  },
  { permission: "tasks:create" },
);
