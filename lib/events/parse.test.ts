import { CloudEvent, HTTP } from "cloudevents";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { MAX_EVENT_BYTES, parseCloudEvent } from "./parse";

const attrs = { id: "evt-1", source: "urn:acme:erp", type: "com.acme.invoice.received", subject: "INV-4450", data: { invoiceNumber: "INV-4450", amount: 2300 } };

function headersOf(h: Record<string, unknown>): Headers {
  return new Headers(Object.entries(h).map(([k, v]): [string, string] => [k, String(v)]));
}

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("parseCloudEvent", () => {
  it("reads a structured-mode event made by the SDK", () => {
    const msg = HTTP.structured(new CloudEvent(attrs));
    expect(parseCloudEvent(headersOf(msg.headers), msg.body as string)).toEqual({
      id: "evt-1",
      source: "urn:acme:erp",
      type: "com.acme.invoice.received",
      subject: "INV-4450",
      correlationKey: "INV-4450",
      data: { invoiceNumber: "INV-4450", amount: 2300 },
    });
  });

  it("reads a binary-mode event made by the SDK, with the correlationkey extension", () => {
    const msg = HTTP.binary(new CloudEvent({ ...attrs, correlationkey: "PO-7" }));
    const ev = parseCloudEvent(headersOf(msg.headers), msg.body as string);
    expect(ev).toMatchObject({ id: "evt-1", type: "com.acme.invoice.received", correlationKey: "PO-7", data: { amount: 2300 } });
  });

  it("missing required attributes are a 400 naming them (the SDK would invent an id)", () => {
    const body = JSON.stringify({ specversion: "1.0", type: "t", data: {} });
    const err = errorOf(() => parseCloudEvent(headersOf({ "content-type": "application/cloudevents+json" }), body));
    expect(err.status).toBe(400);
    expect(err.message).toBe("The event is missing required attributes: id, source.");
    const binary = errorOf(() => parseCloudEvent(headersOf({ "content-type": "application/json", "ce-specversion": "1.0", "ce-id": "1" }), "{}"));
    expect(binary.message).toBe("The event is missing required headers: ce-source, ce-type.");
  });

  it("another content type is a 415 that says how to send an event", () => {
    const err = errorOf(() => parseCloudEvent(headersOf({ "content-type": "text/plain" }), "hello"));
    expect(err.status).toBe(415);
    const batch = errorOf(() => parseCloudEvent(headersOf({ "content-type": "application/cloudevents-batch+json" }), "[]"));
    expect(batch.status).toBe(415);
    const xml = errorOf(() => parseCloudEvent(headersOf({ "content-type": "application/xml", "ce-specversion": "1.0", "ce-id": "1", "ce-source": "s", "ce-type": "t" }), "<a/>"));
    expect(xml.status).toBe(415);
  });

  it("an oversized body is a 413", () => {
    const big = JSON.stringify({ ...attrs, specversion: "1.0", data: { blob: "x".repeat(MAX_EVENT_BYTES) } });
    expect(errorOf(() => parseCloudEvent(headersOf({ "content-type": "application/cloudevents+json" }), big)).status).toBe(413);
  });

  it("malformed JSON and a wrong specversion are 400s", () => {
    expect(errorOf(() => parseCloudEvent(headersOf({ "content-type": "application/cloudevents+json" }), "{nope")).status).toBe(400);
    const v03 = JSON.stringify({ ...attrs, specversion: "0.3" });
    expect(errorOf(() => parseCloudEvent(headersOf({ "content-type": "application/cloudevents+json" }), v03)).status).toBe(400);
  });

  it("an event the SDK's validation refuses is a 400 with its reasons, and stack traces come back on for the rest of the process", () => {
    const before = Error.stackTraceLimit;
    const badSchema = JSON.stringify({ ...attrs, specversion: "1.0", dataschema: "not a uri" });
    const err = errorOf(() => parseCloudEvent(headersOf({ "content-type": "application/cloudevents+json" }), badSchema));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^Not a valid CloudEvent: /);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error("after").stack).toContain("parse.test.ts");
  });

  it("a time that is not RFC 3339 is a 400 in both modes (the SDK would put the current time in its place)", () => {
    const structured = (time: unknown) => JSON.stringify({ ...attrs, specversion: "1.0", time });
    const json = { "content-type": "application/cloudevents+json" };
    expect(errorOf(() => parseCloudEvent(headersOf(json), structured("yesterday"))).message).toMatch(/RFC 3339/);
    expect(errorOf(() => parseCloudEvent(headersOf(json), structured("2026-12-08 09:30"))).status).toBe(400);
    expect(errorOf(() => parseCloudEvent(headersOf(json), structured(1733650200))).status).toBe(400);
    expect(parseCloudEvent(headersOf(json), structured("2026-12-08T09:30:00.123+01:00")).id).toBe("evt-1");
    const binary = HTTP.binary(new CloudEvent(attrs));
    expect(errorOf(() => parseCloudEvent(headersOf({ ...binary.headers, "ce-time": "soon" }), binary.body as string)).status).toBe(400);
    expect(parseCloudEvent(headersOf(binary.headers), binary.body as string).id).toBe("evt-1");
  });
});
