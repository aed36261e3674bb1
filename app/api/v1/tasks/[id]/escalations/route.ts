import { withApi } from "../../../../_lib/with-api";
import { getTaskEscalations } from "@/lib/tasks/escalations";

export const GET = withApi<{ id: string }>(async ({ actor, params }) => getTaskEscalations(actor, params.id));
