import { context, propagation, trace, SpanStatusCode, type Span } from "@opentelemetry/api";

// OpenTelemetry tracing, off by default. Switched on by the standard variables: an exporter in
// OTEL_TRACES_EXPORTER (otlp, console) or an OTLP endpoint in OTEL_EXPORTER_OTLP_ENDPOINT, and
// not OTEL_SDK_DISABLED=true. The web app registers @vercel/otel in instrumentation.ts, the
// worker starts @opentelemetry/sdk-node (startWorkerTracing). With tracing off, the API's no-op
// tracer makes the spans below free. The trace context rides in job payloads (traceparent) next
// to the request id, so a worker span continues the HTTP request's trace.

export function tracingEnabled(source: Record<string, string | undefined> = process.env): boolean {
  if (source.OTEL_SDK_DISABLED === "true") return false;
  const exporters = (source.OTEL_TRACES_EXPORTER ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (exporters.length > 0) return exporters.some((e) => e !== "none");
  return Boolean(source.OTEL_EXPORTER_OTLP_ENDPOINT || source.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Starts the Node SDK in the worker when tracing is on; returns a shutdown function. */
export async function startWorkerTracing(serviceName = "baton-worker"): Promise<() => Promise<void>> {
  if (!tracingEnabled()) return async () => undefined;
  process.env.OTEL_SERVICE_NAME ??= serviceName;
  // The SDK reads OTEL_TRACES_EXPORTER / OTEL_EXPORTER_OTLP_* itself (default exporter: otlp).
  const { NodeSDK } = await import("@opentelemetry/sdk-node");
  const sdk = new NodeSDK({ instrumentations: [] });
  sdk.start();
  return () => sdk.shutdown();
}

/** The active trace context as W3C headers (traceparent, tracestate) for a job payload. */
export function traceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `fn` in a span that continues the trace carried in a job's payload, if any. */
export async function inJobSpan<T>(name: string, attributes: Record<string, string | undefined>, carrier: unknown, fn: () => Promise<T>): Promise<T> {
  const parent = carrier && typeof carrier === "object" ? propagation.extract(context.active(), carrier as Record<string, string>) : context.active();
  const attrs = Object.fromEntries(Object.entries(attributes).filter((e): e is [string, string] => e[1] !== undefined));
  return trace.getTracer("baton-worker").startActiveSpan(name, { attributes: attrs }, parent, async (span: Span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
