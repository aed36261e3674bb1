import { withApi } from "../../_lib/with-api";
import { AppError } from "@/lib/errors";
import { json } from "@/lib/http/responses";
import { MAX_EVENT_BYTES, parseCloudEvent } from "@/lib/events/parse";
import { acceptEvent, receiveEvent } from "@/lib/events/service";
import { prefersAsync } from "@/lib/http/prefer";

/**
 * CloudEvents 1.0 intake, structured or binary HTTP mode. 202 with what happened (started,
 * correlated, pending, ignored); the same (source, id) again answers with the first result.
 * `Prefer: respond-async`: 202 as soon as the event is recorded ("accepted"); the worker
 * processes it and its receipt (Location) tells the outcome.
 */
export const POST = withApi(
  async ({ req, actor }) => {
    const length = Number(req.headers.get("content-length") ?? "0");
    if (length > MAX_EVENT_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `An event must be at most ${MAX_EVENT_BYTES / 1024} KB.`);
    const event = parseCloudEvent(req.headers, await req.text());
    if (prefersAsync(req.headers)) {
      const a = await acceptEvent(actor, event);
      const body = a.result ? { ...a.result, duplicate: a.duplicate } : { receiptId: a.receiptId, outcome: "accepted", duplicate: a.duplicate };
      return json(body, {
        status: 202,
        headers: {
          "preference-applied": "respond-async",
          location: `/api/v1/events/${encodeURIComponent(a.receiptId)}`,
          vary: "Prefer",
          ...(a.duplicate ? { "idempotent-replayed": "true" } : {}),
        },
      });
    }
    const { duplicate, result } = await receiveEvent(actor, event);
    return json({ ...result, duplicate }, { status: 202, headers: { vary: "Prefer", ...(duplicate ? { "idempotent-replayed": "true" } : {}) } });
  },
  { permission: "events:write" },
);
