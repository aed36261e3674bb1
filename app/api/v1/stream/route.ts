import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { openLiveStream } from "@/lib/live/stream";

// Server-Sent Events: one long response per browser tab.
export const dynamic = "force-dynamic";

export const GET = defineRoute({
  operationId: "openLiveStream",
  tags: ["live"],
  summary: "Server-Sent Events: `event: task` frames whose data is a LiveEvent, for the tasks you may see; heartbeat comments every 20 s",
  permission: "tasks:read",
  stream: true,
  responses: { 200: { description: "text/event-stream", content: { "text/event-stream": z.string().meta({ description: "data: LiveEvent JSON" }) } } },
  handler: async ({ req, actor }) => openLiveStream(actor, req.signal),
});
