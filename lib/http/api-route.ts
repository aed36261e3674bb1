import type { z } from "zod";
import type { Permission } from "../identity/permissions";
import type { ClientRateLimit } from "./rate-limit";

// A route under /api/v1 is declared once, in its route.ts, with defineRoute
// (app/api/_lib/define-route.ts). The declaration gives the route its exported handler, tells the
// router (lib/http/router.ts) how to serve it, and is its operation in the OpenAPI document
// (lib/openapi/document.ts).

/** A route module's exported handler, as Next.js and the router call it. */
export type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A JSON body: the wrapper reads it (415, 400, 413) and the service parses it with `schema` (422). */
interface JsonBody {
  schema: z.ZodType;
  /** false: an empty body reads as `{}`. */
  required?: boolean;
}

/** A body the handler reads itself (YAML, XML, a CloudEvent), by media type. */
interface RawBody {
  content: Record<string, z.ZodType>;
  required?: boolean;
}

export interface ResponseSpec {
  description?: string;
  /** The JSON body. */
  schema?: z.ZodType;
  /** Other media types, instead of `schema`. */
  content?: Record<string, z.ZodType>;
  headers?: z.ZodObject;
}

export interface ApiRoute {
  operationId: string;
  summary: string;
  tags: string[];
  /** Checked before the handler runs (403). Ownership and finer rules stay in the service. */
  permission?: Permission;
  /** No authentication: the API's own description, and the pages nobody signs in to use (invitations, password reset). */
  public?: true;
  /**
   * Public routes: how many requests one client address may make in a window (429 + Retry-After
   * past it), counted in `bucket` (routes of one flow share it). None: not limited.
   */
  clientRateLimit?: ClientRateLimit;
  /**
   * Open to a person whom the sign-in policy requires to set up a second factor before anything
   * else (their enrolment and who they are); every other route answers them 403 MFA_ENROLMENT_REQUIRED.
   */
  beforeSecondFactor?: true;
  /** The path's parameters, named as the folders name them. */
  params?: z.ZodObject;
  /** Handed to the handler as the raw `query` record; the service parses it (422). */
  query?: z.ZodObject;
  /** Other request headers the route reads. */
  headers?: z.ZodObject;
  /** The handler gets If-Match as a version number (`ifMatch`; 400 when malformed). */
  ifMatch?: true;
  body?: JsonBody | RawBody;
  /** The successful answers, by status. */
  responses: Record<number, ResponseSpec>;
  /** The error statuses the service answers besides those the wrapper and router answer themselves. */
  errors?: number[];
  /** The response is produced over time (SSE, an export): it is piped as it comes, and req.signal aborts when the client goes away. */
  stream?: true;
  /** Larger request bodies are refused with 413 before the handler runs (default 1 MiB). */
  maxBodyBytes?: number;
}

/** One method of one route file, as the route tree finds it. */
export interface ApiEndpoint {
  method: string;
  /** "/api/v1/tasks/:id/decision" */
  pattern: string;
  handler: RouteHandler;
  route: ApiRoute;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function isJsonBody(body: ApiRoute["body"]): body is JsonBody {
  return body !== undefined && "schema" in body;
}

/** The operation reads Idempotency-Key (withApi: every authenticated POST; ADR 027). */
export function acceptsIdempotencyKey(route: ApiRoute, method: string): boolean {
  return method === "POST" && !route.public;
}

/** Every status an operation can answer: the router's and the wrapper's by what it declares, plus its own. */
export function statusesOf(route: ApiRoute, method: string): number[] {
  const s = new Set<number>([500, ...(route.errors ?? [])]);
  if (!route.public) {
    // Unauthenticated, rate-limited, and a database or Redis connection that failed (503 + Retry-After).
    s.add(401).add(429).add(503);
    // A session that must set up its second factor first (ADR 044).
    if (!route.beforeSecondFactor) s.add(403);
  }
  if (route.clientRateLimit) s.add(429);
  // Idempotency-Key: malformed (400), reused with another body or still in flight (409).
  if (acceptsIdempotencyKey(route, method)) s.add(400).add(409);
  if (route.permission) s.add(403);
  // The router refuses a body over the limit before anything reads it; GET and HEAD bodies are not read.
  if (method !== "GET" && method !== "HEAD") s.add(413);
  if (isJsonBody(route.body)) s.add(400).add(415).add(422);
  if (route.query) s.add(422);
  if (route.ifMatch) s.add(400);
  // Inputs PostgreSQL could not store (lib/http/input-guards.ts): a path id with NUL names nothing, a body with it is invalid.
  if (route.params) s.add(404);
  if (route.body) s.add(422);
  return [...s].sort((a, b) => a - b);
}
