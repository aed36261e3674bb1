import { withApi } from "../../../../../../_lib/with-api";
import { redeliver } from "@/lib/webhooks/service";
import { json } from "@/lib/http/responses";

/** Sends a failed delivery again (same webhook-id and payload, fresh attempts). */
export const POST = withApi<{ id: string; deliveryId: string }>(async ({ actor, params }) => json(await redeliver(actor, params.id, params.deliveryId), { status: 202 }), {
  permission: "webhooks:manage",
});
