import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { propagation, trace } from "@opentelemetry/api";
import { core } from "@opentelemetry/sdk-node";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiEndpoint } from "./api-route";
import { json } from "./responses";
import { createApiRouter } from "./router";

// With tracing on, each API request is a server span named by its route pattern that continues
// the caller's trace — the context the outbox hands on to the worker's job spans.
const exporter = new InMemorySpanExporter();
let server: Server;
let url: string;

beforeAll(async () => {
  // What @vercel/otel registers in the web process (instrumentation.ts) when tracing is on.
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  const endpoint: ApiEndpoint = {
    method: "GET",
    pattern: "/api/v1/things/:id",
    route: { operationId: "getThing", summary: "A thing", tags: ["things"], responses: { 200: {} } },
    handler: async (_req, ctx) => json({ id: (await ctx.params).id }),
  };
  const api = createApiRouter([endpoint], { traced: true });
  server = createServer((req, res) => void api(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  trace.disable();
  propagation.disable();
});

describe("createApiRouter with tracing on", () => {
  it("records a server span named by the route pattern, continuing the caller's traceparent", async () => {
    const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const res = await fetch(`${url}/api/v1/things/t-42?x=1`, { headers: { traceparent: parent } });
    expect(await res.json()).toEqual({ id: "t-42" });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe("GET /api/v1/things/:id");
    expect(span?.attributes).toMatchObject({ "http.request.method": "GET", "http.route": "/api/v1/things/:id", "url.path": "/api/v1/things/t-42", "http.response.status_code": 200 });
    expect(span?.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(span?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
  });
});
