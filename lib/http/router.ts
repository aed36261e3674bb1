import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AppError } from "../errors";
import { logger } from "../logger";
import { metrics } from "../metrics/registry";
import { tracingEnabled } from "../tracing";
import { DEFAULT_MAX_BODY_BYTES, type ApiEndpoint } from "./api-route";
import { JsonResponse, NodeRequest } from "./lean";
import { requestIdFrom } from "./request-meta";
import { errorResponse } from "./responses";
import { compileRoutes } from "./route-match";

// The API router: server.ts hands it every /api/v1 request (ADR 018). It matches the route
// table built from the route tree, reads the body under the route's limit, calls the route
// module's own exported handler with a Request, and writes the Response back, without
// Next.js's route-handler layer (ADR 013 measured what it costs).
//
// The Request is lib/http/lean.ts's NodeRequest over node's request and the buffered body, and a
// JSON answer is its JsonResponse, written without a body stream: per request the router
// allocates no undici Request, Headers or stream unless a handler asks for one.
// Responses of routes declared `stream` are piped as they are produced and their Request carries
// an AbortSignal that fires when the client goes away (SSE relies on it); every other response is
// complete when the handler returns and is written in one piece with its Content-Length, which
// costs less than piping it and than a signal on every Request.

/** The route label of a request that matches no route: one value, so stray paths cannot grow the metric's label set. */
const UNMATCHED_ROUTE = "unmatched";

export function isApiRequest(url: string): boolean {
  return url.startsWith("/api/v1/");
}

type ApiRouter = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** `traced`: a server span per request (default: when OTEL_* switch tracing on). */
export function createApiRouter(endpoints: readonly ApiEndpoint[], { traced = tracingEnabled() } = {}): ApiRouter {
  const table = compileRoutes(endpoints.map((e) => ({ method: e.method, pattern: e.pattern, target: e })));
  return async (req, res) => {
    const started = Date.now();
    const method = req.method ?? "GET";
    const hit = table.match(method, req.url ?? "/");
    let route = UNMATCHED_ROUTE;
    let stream = false;
    let response: Response | null;
    try {
      if (hit === null) {
        response = refusal(req, new AppError("NOT_FOUND", "There is no API route at this path."));
      } else if ("allow" in hit) {
        response =
          method === "OPTIONS"
            ? new Response(null, { status: 204, headers: { allow: hit.allow } })
            : refusal(req, new AppError("METHOD_NOT_ALLOWED", `This route does not answer ${method}.`), { allow: hit.allow });
      } else {
        const { target, params } = hit;
        route = target.pattern;
        stream = target.route.stream === true;
        response = await (traced ? inServerSpan(req, route, () => call(target, params, req, res)) : call(target, params, req, res));
      }
    } catch (e) {
      response = errorResponse(e, undefined, pathOf(req));
    }
    // The client left while sending its body: there is no one to answer.
    if (response === null) return;
    metrics().httpDuration.observe({ method, route, status: String(response.status) }, (Date.now() - started) / 1000);
    await send(res, response, stream);
  };
}

async function call(endpoint: ApiEndpoint, params: Record<string, string>, req: IncomingMessage, res: ServerResponse): Promise<Response | null> {
  const method = req.method ?? "GET";
  let body: Buffer | null = null;
  if (method !== "GET" && method !== "HEAD") {
    const limit = endpoint.route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const read = await readBody(req, limit);
    if (read === CLIENT_GONE) return null;
    if (read === TOO_LARGE) {
      // The rest of the body is never read: close the connection after answering.
      res.setHeader("connection", "close");
      return refusal(req, new AppError("PAYLOAD_TOO_LARGE", `The body must be at most ${limit / 1024} KB.`));
    }
    body = read;
  }
  let signal: AbortSignal | undefined;
  if (endpoint.route.stream) {
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    signal = abort.signal;
  }
  const request = new NodeRequest(req, `http://${req.headers.host ?? "localhost"}${req.url}`, body, signal);
  return endpoint.handler(request as unknown as Request, { params: Promise.resolve(params) });
}

/**
 * The request as a server span named by its route, continuing the caller's trace (traceparent).
 * Active while the handler runs, so the outbox copies it into the jobs the request causes and the
 * worker's spans continue it (lib/tracing.ts).
 */
function inServerSpan(req: IncomingMessage, route: string, run: () => Promise<Response | null>): Promise<Response | null> {
  const method = req.method ?? "GET";
  const attributes = { "http.request.method": method, "http.route": route, "url.path": pathOf(req) };
  const parent = propagation.extract(context.active(), req.headers);
  return trace.getTracer("baton-web").startActiveSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
    try {
      const response = await run();
      if (response) span.setAttribute("http.response.status_code", response.status);
      if (response && response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return response;
    } catch (e) {
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw e;
    } finally {
      span.end();
    }
  });
}

const TOO_LARGE = Symbol("too large");
const CLIENT_GONE = Symbol("client gone");

/** The whole body (null when empty), or TOO_LARGE as soon as it passes `limit` bytes — declared or counted. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null | typeof TOO_LARGE | typeof CLIENT_GONE> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (value: Buffer | null | typeof TOO_LARGE | typeof CLIENT_GONE) => {
      req.off("data", onData).off("end", onEnd).off("close", onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.pause();
      settle(TOO_LARGE);
    };
    const onEnd = () => settle(size === 0 ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onClose = () => settle(CLIENT_GONE);
    req.on("data", onData).on("end", onEnd).on("close", onClose);
  });
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

/** A problem answered by the router itself (no route, wrong method, body too large). */
function refusal(req: IncomingMessage, error: AppError, headers: Record<string, string> = {}): Response {
  // Node's parsed headers carry only the client address server.ts worked out, never one the client sent.
  const response = errorResponse(error, requestIdFrom(new NodeRequest(req, "", null).headers), pathOf(req));
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

/**
 * Every /api/v1 response leaves through here: the one place for the headers all API responses
 * carry. (withApi sets the per-request ones: x-request-id and the rate-limit fields.)
 */
function apiHeaders(response: Response): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  return headers;
}

async function send(res: ServerResponse, response: Response, stream: boolean): Promise<void> {
  if (response instanceof JsonResponse) {
    const body = response.bodyText;
    const headers = response.nodeHeaders();
    headers["content-length"] = String(Buffer.byteLength(body));
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  const headers = apiHeaders(response);
  if (stream && response.body) {
    res.writeHead(response.status, headers);
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), res).catch((e: unknown) => {
      // A client that goes away ends the stream early; anything else cut the response short.
      if (!res.destroyed || !(e instanceof Error && "code" in e && e.code === "ERR_STREAM_PREMATURE_CLOSE")) {
        logger.warn({ err: e instanceof Error ? e.message : String(e) }, "streamed response ended early");
      }
    });
    return;
  }
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  if (body) headers["content-length"] = body.length;
  res.writeHead(response.status, headers);
  res.end(body);
}
