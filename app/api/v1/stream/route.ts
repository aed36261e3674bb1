import { withApi } from "../../_lib/with-api";
import { openLiveStream } from "@/lib/live/stream";

// Server-Sent Events: one long response per browser tab.
export const dynamic = "force-dynamic";

export const GET = withApi(async ({ req, actor }) => openLiveStream(actor, req.signal), { permission: "tasks:read" });
