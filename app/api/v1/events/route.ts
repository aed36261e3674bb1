import { withApi } from "../../_lib/with-api";
import { AppError } from "@/lib/errors";
import { json } from "@/lib/http/responses";
import { MAX_EVENT_BYTES, parseCloudEvent } from "@/lib/events/parse";
import { receiveEvent } from "@/lib/events/service";

/**
 * CloudEvents 1.0 intake, structured or binary HTTP mode. 202 with what happened (started,
 * correlated, pending, ignored); the same (source, id) again answers with the first result.
 */
export const POST = withApi(
  async ({ req, actor }) => {
    const length = Number(req.headers.get("content-length") ?? "0");
    if (length > MAX_EVENT_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `An event must be at most ${MAX_EVENT_BYTES / 1024} KB.`);
    const event = parseCloudEvent(req.headers, await req.text());
    const { duplicate, result } = await receiveEvent(actor, event);
    return json({ ...result, duplicate }, { status: 202, headers: duplicate ? { "idempotent-replayed": "true" } : {} });
  },
  { permission: "events:write" },
);
