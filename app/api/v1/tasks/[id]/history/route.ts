import { withApi } from "../../../../_lib/with-api";
import { getTaskHistory } from "@/lib/tasks";

export const GET = withApi<{ id: string }>(async ({ actor, params }) => getTaskHistory(actor, params.id));
