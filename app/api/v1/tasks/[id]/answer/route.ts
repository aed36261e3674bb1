import { withApi } from "../../../../_lib/with-api";
import { answerInfoRequest } from "@/lib/tasks";
import { etag, json, parseIfMatch, readJson } from "@/lib/http/responses";

/** Answer the open question; the task returns to OPEN with the same assignee. */
export const POST = withApi<{ id: string }>(async ({ req, actor, params }) => {
  const task = await answerInfoRequest(actor, params.id, await readJson(req), parseIfMatch(req));
  return json(task, { headers: { etag: etag(task.version) } });
});
