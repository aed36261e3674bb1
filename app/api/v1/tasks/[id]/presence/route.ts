import { withApi } from "../../../../_lib/with-api";
import { heartbeat, leave, viewersOf } from "@/lib/live/presence";

// Who else has the task open (Redis only, expires after 30 s without a heartbeat).
export const GET = withApi<{ id: string }>(async ({ actor, params }) => ({ data: await viewersOf(actor, params.id) }), { permission: "tasks:read" });
export const POST = withApi<{ id: string }>(async ({ actor, params }) => ({ data: await heartbeat(actor, params.id) }), { permission: "tasks:read" });
export const DELETE = withApi<{ id: string }>(
  async ({ actor, params }) => {
    await leave(actor, params.id);
    return new Response(null, { status: 204 });
  },
  { permission: "tasks:read" },
);
