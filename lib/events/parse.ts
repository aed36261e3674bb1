import { HTTP, ValidationError, type CloudEventV1 } from "cloudevents";
import type { Prisma } from "../db";
import { AppError } from "../errors";

// Parses an HTTP request into one CloudEvent with the cloudevents SDK, in structured or binary
// mode. The SDK fills in a missing id or time and builds events without validating them, so the
// required attributes are checked here first and the event is validated against the 1.0 spec.

export const MAX_EVENT_BYTES = 256 * 1024;

export interface IncomingEvent {
  id: string;
  source: string;
  type: string;
  subject: string | null;
  correlationKey: string | null;
  data: Prisma.InputJsonValue | null;
}

export type { EventResult } from "./schemas";

const REQUIRED = ["specversion", "id", "source", "type"] as const;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `time`, when present, is an RFC 3339 timestamp (the SDK would put the current time in place of one it cannot read). */
function checkTime(time: unknown): void {
  if (time === undefined) return;
  if (typeof time !== "string" || !RFC3339.test(time) || Number.isNaN(Date.parse(time))) {
    throw new AppError("BAD_REQUEST", "The event's time is not an RFC 3339 timestamp (e.g. 2026-12-08T09:30:00Z).", { details: { attribute: "time" } });
  }
}

/**
 * HTTP.toEvent without stack traces: the SDK builds three ValidationErrors for every event it
 * parses (the errors it would throw, made in advance), and capturing their stacks was the largest
 * single cost of accepting an event. A refusal needs only its message.
 */
function toEventWithoutStacks(headers: Record<string, string>, body: string) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return HTTP.toEvent({ headers, body });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Parses an HTTP request into a CloudEvent (structured or binary mode) with the cloudevents SDK. */
export function parseCloudEvent(headers: Headers, body: string): IncomingEvent {
  if (Buffer.byteLength(body, "utf8") > MAX_EVENT_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `An event must be at most ${MAX_EVENT_BYTES / 1024} KB.`);
  const plain: Record<string, string> = {};
  headers.forEach((v, k) => (plain[k.toLowerCase()] = v));
  const type = (plain["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/cloudevents-batch")) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Batched CloudEvents are not accepted; send one event per request.");
  const structured = type.startsWith("application/cloudevents+json");
  const binary = !structured && Boolean(plain["ce-id"] ?? plain["ce-specversion"] ?? plain["ce-type"] ?? plain["ce-source"]);
  if (!structured && !binary) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      "Send a CloudEvent: structured mode with content-type application/cloudevents+json, or binary mode with ce-specversion, ce-id, ce-source and ce-type headers.",
    );
  }
  if (structured) {
    let obj: unknown;
    try {
      obj = JSON.parse(body);
    } catch {
      throw new AppError("BAD_REQUEST", "The body is not valid JSON.");
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new AppError("BAD_REQUEST", "A structured CloudEvent is a JSON object.");
    const missing = REQUIRED.filter((a) => typeof (obj as Record<string, unknown>)[a] !== "string" || (obj as Record<string, string>)[a] === "");
    if (missing.length) throw new AppError("BAD_REQUEST", `The event is missing required attribute${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}.`, { details: { missing } });
    if ("data_base64" in obj) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Binary event data (data_base64) is not accepted; send JSON data.");
    checkTime((obj as Record<string, unknown>).time);
  } else {
    const missing = REQUIRED.filter((a) => !plain[`ce-${a}`]);
    if (missing.length) throw new AppError("BAD_REQUEST", `The event is missing required header${missing.length > 1 ? "s" : ""}: ${missing.map((m) => `ce-${m}`).join(", ")}.`, { details: { missing } });
    if (body.length > 0 && !/^application\/([a-z0-9.+-]*\+)?json\b/.test(type)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Binary-mode event data must be JSON (content-type application/json).");
    }
    checkTime(plain["ce-time"]);
  }
  let event: CloudEventV1<unknown>;
  try {
    const parsed = toEventWithoutStacks(plain, body);
    if (Array.isArray(parsed)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Batched CloudEvents are not accepted; send one event per request.");
    event = parsed as CloudEventV1<unknown>;
    // The SDK builds events leniently; validate against the 1.0 spec here.
    (event as unknown as { validate(): boolean }).validate();
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof ValidationError || e instanceof SyntaxError || e instanceof TypeError) {
      const errors = e instanceof ValidationError ? (e.errors as unknown[]).map((x) => (typeof x === "string" ? x : JSON.stringify(x))) : [];
      throw new AppError("BAD_REQUEST", `Not a valid CloudEvent: ${e.message.split("\n")[0]}`, { details: { reasons: errors.slice(0, 10) } });
    }
    throw e;
  }
  if (event.specversion !== "1.0") throw new AppError("BAD_REQUEST", `Only CloudEvents 1.0 is accepted (specversion "${event.specversion}").`);
  let data = (event.data ?? null) as unknown;
  if (typeof data === "string" && binary && body.length > 0) {
    try {
      data = JSON.parse(data);
    } catch {
      throw new AppError("BAD_REQUEST", "The event data is not valid JSON.");
    }
  }
  const ext = (event as unknown as Record<string, unknown>).correlationkey;
  const subject = typeof event.subject === "string" && event.subject ? event.subject : null;
  return {
    id: event.id,
    source: event.source,
    type: event.type,
    subject,
    correlationKey: typeof ext === "string" && ext ? ext : subject,
    data: data as Prisma.InputJsonValue | null,
  };
}
