import type { z } from "zod";
import type { Actor } from "@/lib/identity/actor";
import { isJsonBody, type ApiRoute, type RouteHandler } from "@/lib/http/api-route";
import { refuseUnstorableInput } from "@/lib/http/input-guards";
import { clientMeta, requestIdFrom } from "@/lib/http/request-meta";
import { consumeClientRequest, rateLimitHeaders, type RateLimitState } from "@/lib/http/rate-limit";
import { AppError } from "@/lib/errors";
import { errorResponse, json, parseIfMatch, readJson } from "@/lib/http/responses";
import { requiredPermission } from "../permission-matrix";
import { withApi } from "./with-api";

/** Path parameters arrive as strings, whatever the schema documents them as. */
type ParamsOf<S> = S extends z.ZodObject ? { [K in keyof z.infer<S>]: string } : Record<string, never>;

interface RouteInput<S, Public> {
  req: Request;
  /** Who calls: null only on a public route. */
  actor: Public extends true ? null : Actor;
  params: ParamsOf<S>;
  /** The query string as a record, when the route declares a query. */
  query: Record<string, string>;
  /** The JSON body, when the route declares one (`{}` for an empty optional body). */
  body: unknown;
  /** The body as text, read once, when the route declares a body that is not only JSON (YAML, XML, a CloudEvent). */
  rawBody: string | undefined;
  /** If-Match as a version, when the route declares ifMatch. */
  ifMatch: number | undefined;
  requestId: string;
}

interface RouteSpec<S extends z.ZodObject | undefined, Public extends true | undefined> extends ApiRoute {
  params?: S;
  public?: Public;
  /** Thin: hand the inputs to the service and return its result (sent as JSON 200) or a Response. */
  handler: (input: RouteInput<S, Public>) => Promise<unknown>;
}

export type DeclaredRoute = RouteHandler & { route: ApiRoute };

const NO_QUERY: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Declares a route once: the returned function is the route module's exported handler (withApi:
 * request id, authentication, permission, Idempotency-Key, problem+json), and it carries the
 * declaration the router serves it by and the OpenAPI document describes it with.
 */
export function defineRoute<S extends z.ZodObject | undefined = undefined, Public extends true | undefined = undefined>(
  spec: RouteSpec<S, Public>,
): DeclaredRoute {
  const { handler, ...route } = spec;
  const run = async (req: Request, actor: Actor | null, params: Record<string, string>, requestId: string) => {
    const query = route.query ? Object.fromEntries(new URL(req.url).searchParams) : NO_QUERY;
    const body = isJsonBody(route.body) ? await readJson(req, { optional: route.body.required === false }) : undefined;
    // A body the handler parses itself is read here once (the router has buffered it), checked, and handed over.
    // A multipart upload (attachments) is binary: the handler reads its parts itself.
    const rawBody = route.body && !isJsonBody(route.body) && !("multipart/form-data" in route.body.content) ? await req.text() : undefined;
    refuseUnstorableInput({ params, query, body: rawBody ?? body });
    return handler({
      req,
      actor: actor as RouteInput<S, Public>["actor"],
      params: params as ParamsOf<S>,
      query,
      body,
      rawBody,
      ifMatch: route.ifMatch ? parseIfMatch(req) : undefined,
      requestId,
    });
  };
  const serve: RouteHandler = route.public
    ? async (req, ctx) => {
        let rate: RateLimitState | null = null;
        let response: Response;
        try {
          // Counted before the body is read: a flood of malformed requests counts too.
          if (route.clientRateLimit) rate = await consumeClientRequest(route.clientRateLimit, clientMeta(req.headers).ip);
          const out = await run(req, null, await ctx.params, requestIdFrom(req.headers));
          response = out instanceof Response ? out : json(out);
        } catch (e) {
          if (e instanceof AppError && e.code === "RATE_LIMITED" && route.clientRateLimit) rate = (e.details?.rateLimit as RateLimitState | undefined) ?? rate;
          response = errorResponse(e);
        }
        if (rate) for (const [k, v] of Object.entries(rateLimitHeaders(rate))) response.headers.set(k, v);
        return response;
      }
    : // The permission from the matrix (app/api/permission-matrix.ts): the declaration's, else the one its service checks.
      withApi<Record<string, string>>(({ req, actor, params, requestId }) => run(req, actor, params, requestId), {
        permission: requiredPermission(route),
        beforeSecondFactor: route.beforeSecondFactor === true,
      });
  return Object.assign(serve, { route });
}
