import { withApi } from "../../../../_lib/with-api";
import { reassignTask } from "@/lib/tasks";
import { etag, json, parseIfMatch, readJson } from "@/lib/http/responses";

export const POST = withApi<{ id: string }>(
  async ({ req, actor, params }) => {
    const task = await reassignTask(actor, params.id, await readJson(req), parseIfMatch(req));
    return json(task, { headers: { etag: etag(task.version) } });
  },
  { permission: "tasks:assign" },
);
