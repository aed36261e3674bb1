import { ZodError } from "zod";
import { AppError, fromZodError, toProblem } from "../errors";
import { INT4_MAX } from "../fields";
import { logger } from "../logger";
import { JsonResponse } from "./lean";
import { isTransientFault, unavailable } from "./unavailable";

/** A JSON answer (a lean Response the router writes without a body stream: lib/http/lean.ts). */
export function json(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const headers = { "content-type": "application/json; charset=utf-8", ...init.headers };
  return new JsonResponse(JSON.stringify(data), init.status ?? 200, headers) as unknown as Response;
}

export function problem(err: AppError, requestId?: string, instance?: string): Response {
  const headers: Record<string, string> = { "content-type": "application/problem+json; charset=utf-8" };
  if (requestId) headers["x-request-id"] = requestId;
  const retryAfter = err.details?.retryAfterS;
  if (typeof retryAfter === "number") headers["retry-after"] = String(Math.ceil(retryAfter));
  return new JsonResponse(JSON.stringify(toProblem(err, instance)), err.status, headers) as unknown as Response;
}

/** Maps anything thrown by a handler or service to a problem response; unknown errors are logged. */
export function errorResponse(e: unknown, requestId?: string, instance?: string): Response {
  if (e instanceof AppError) return problem(e, requestId, instance);
  if (e instanceof ZodError) return problem(fromZodError(e), requestId, instance);
  if (isTransientFault(e)) {
    logger.warn({ err: e instanceof Error ? e.message : String(e), requestId }, "transient fault: answered 503");
    return problem(unavailable(), requestId, instance);
  }
  logger.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e), requestId }, "unhandled error");
  return problem(new AppError("INTERNAL", "Something went wrong on our side. The error was logged; quote the request id when reporting it."), requestId, instance);
}

const MAX_JSON_BYTES = 1024 * 1024;

/** Reads a JSON body: 415 for another content type, 413 when too large, 400 when malformed. */
export async function readJson(req: Request, { optional = false } = {}): Promise<unknown> {
  return parseJsonBody(req.headers, await req.text(), { optional });
}

/** The JSON of a body already read as text: its content type, size and syntax checked as readJson does. */
export function parseJsonBody(headers: Headers, text: string, { optional = false } = {}): unknown {
  if (text.length === 0) {
    if (optional) return {};
    throw new AppError("BAD_REQUEST", "A JSON body is required.");
  }
  const type = headers.get("content-type") ?? "";
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.");
  }
  if (text.length > MAX_JSON_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `The body must be at most ${MAX_JSON_BYTES / 1024} KB.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON.");
  }
}

/** Parses `If-Match: "7"` (or W/"7") into a version number. */
export function parseIfMatch(req: Request): number | undefined {
  const raw = req.headers.get("if-match");
  if (!raw || raw.trim() === "*") return undefined;
  const m = /^(?:W\/)?"?(\d{1,10})"?$/.exec(raw.trim());
  // A version is an int4 (lib/fields.ts): anything larger is no ETag we ever sent.
  if (!m || Number(m[1]) > INT4_MAX) throw new AppError("BAD_REQUEST", 'If-Match must be the ETag of the task, e.g. "3".');
  return Number(m[1]);
}

export function etag(version: number): string {
  return `"${version}"`;
}

/** A versioned resource (a task) as JSON, its version as the ETag. */
export function versionedJson(dto: { version: number }, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return json(dto, { ...init, headers: { etag: etag(dto.version), ...init.headers } });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/**
 * Streams text chunks as they are produced. The first chunk is pulled before answering, so an
 * error there (a bad filter) is a problem response and not a broken stream; a client that goes
 * away stops the producer.
 */
export async function streamText(chunks: AsyncGenerator<string>, headers: Record<string, string>): Promise<Response> {
  const first = await chunks.next();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) controller.close();
      else controller.enqueue(encoder.encode(first.value));
    },
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, { headers });
}
