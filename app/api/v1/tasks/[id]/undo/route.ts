import { withApi } from "../../../../_lib/with-api";
import { undoDecision } from "@/lib/tasks";
import { etag, json } from "@/lib/http/responses";

export const POST = withApi<{ id: string }>(async ({ actor, params }) => {
  const task = await undoDecision(actor, params.id);
  return json(task, { headers: { etag: etag(task.version) } });
});
