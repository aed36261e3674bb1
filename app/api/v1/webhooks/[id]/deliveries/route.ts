import { withApi } from "../../../../_lib/with-api";
import { listDeliveries } from "@/lib/webhooks/service";

/** The endpoint's delivery log, newest first: every attempt with its status code, error and time. */
export const GET = withApi<{ id: string }>(async ({ req, actor, params }) => listDeliveries(actor, params.id, Object.fromEntries(new URL(req.url).searchParams)), {
  permission: "webhooks:manage",
});
