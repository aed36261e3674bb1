import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { AppError } from "@/lib/errors";
import { json } from "@/lib/http/responses";
import { MAX_EVENT_BYTES, parseCloudEvent } from "@/lib/events/parse";
import { acceptEvent, receiveEvent } from "@/lib/events/service";
import { eventAnswerSchema } from "@/lib/events/schemas";
import { prefersAsync } from "@/lib/http/prefer";

export const POST = defineRoute({
  operationId: "receiveEvent",
  tags: ["events"],
  summary:
    "Receive a CloudEvent 1.0 (structured or binary HTTP mode): 202 with what happened (started, correlated, pending, ignored); the same (source, id) again answers with the first result",
  permission: "events:write",
  headers: z.object({
    prefer: z.string().optional().meta({
      description:
        '`respond-async`: answer 202 as soon as the event is recorded (outcome "accepted", Location of its receipt) and let the worker start or correlate it — for high-rate producers. Without it the answer carries the outcome.',
    }),
  }),
  body: {
    content: {
      "application/cloudevents+json": z
        .object({ specversion: z.literal("1.0"), id: z.string(), source: z.string(), type: z.string(), subject: z.string().optional(), data: z.unknown().optional() })
        .catchall(z.unknown()),
      "application/json": z.unknown().meta({ description: "Binary mode: the event data; attributes in ce-* headers" }),
    },
  },
  responses: { 202: { description: "Accepted (Preference-Applied: respond-async when it was asked for)", schema: eventAnswerSchema } },
  errors: [415],
  handler: async ({ req, actor, rawBody }) => {
    const length = Number(req.headers.get("content-length") ?? "0");
    if (length > MAX_EVENT_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `An event must be at most ${MAX_EVENT_BYTES / 1024} KB.`);
    const event = parseCloudEvent(req.headers, rawBody ?? "");
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
});
