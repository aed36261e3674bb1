import { withApi } from "../../../../_lib/with-api";
import { requestInfo } from "@/lib/tasks";
import { etag, json, parseIfMatch, readJson } from "@/lib/http/responses";

/** Ask the requester (or `askTo`) a question; the task waits in INFO_REQUESTED. */
export const POST = withApi<{ id: string }>(async ({ req, actor, params }) => {
  const task = await requestInfo(actor, params.id, await readJson(req), parseIfMatch(req));
  return json(task, { headers: { etag: etag(task.version) } });
});
