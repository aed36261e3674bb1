import { withApi } from "../../../../_lib/with-api";
import { sendTestEvent } from "@/lib/webhooks/service";
import { json } from "@/lib/http/responses";

/** Queues a signed `webhook.test` event for the endpoint; the delivery shows in its log. */
export const POST = withApi<{ id: string }>(async ({ actor, params }) => json(await sendTestEvent(actor, params.id), { status: 202 }), { permission: "webhooks:manage" });
