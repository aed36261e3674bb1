import { withApi } from "../../../../_lib/with-api";
import { unclaimTask } from "@/lib/tasks";
import { etag, json, parseIfMatch, readJson } from "@/lib/http/responses";

export const POST = withApi<{ id: string }>(async ({ req, actor, params }) => {
  const task = await unclaimTask(actor, params.id, await readJson(req, { optional: true }), parseIfMatch(req));
  return json(task, { headers: { etag: etag(task.version) } });
});
