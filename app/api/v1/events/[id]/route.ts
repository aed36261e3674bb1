import { withApi } from "../../../_lib/with-api";
import { getEventReceipt } from "@/lib/events/service";

/** An event's receipt: whether it has been processed yet, and what processing did. */
export const GET = withApi<{ id: string }>(async ({ actor, params }) => getEventReceipt(actor, params.id), { permission: "events:write" });
