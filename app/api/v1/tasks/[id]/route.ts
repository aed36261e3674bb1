import { withApi } from "../../../_lib/with-api";
import { getTask } from "@/lib/tasks";
import { etag, json } from "@/lib/http/responses";

export const GET = withApi<{ id: string }>(async ({ actor, params }) => {
  const task = await getTask(actor, params.id);
  return json(task, { headers: { etag: etag(task.version) } });
});
