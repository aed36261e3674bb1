import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import type { Actor } from "@/lib/identity/actor";
import { actorForToken } from "@/lib/identity/service";
import { refuseUnstorableInput } from "@/lib/http/input-guards";
import { consumeRequest, rateLimitHeaders, type RateLimitState } from "@/lib/http/rate-limit";
import { clientMeta, requestIdFrom } from "@/lib/http/request-meta";
import { readJson } from "@/lib/http/responses";
import { logger } from "@/lib/logger";
import { runWithRequestId } from "@/lib/request-context";
import { requireProvisioning } from "@/lib/scim/resources";
import { scimError } from "@/lib/scim/http";

// The one wrapper of every /scim/v2 route (RFC 7644): a provisioning token (an API token whose
// permissions include scim:provision — docs/identity.md), the token's rate limit, the JSON body,
// and every error as a SCIM error. Sessions are not accepted: SCIM is machine to machine. The
// routes are listed with their permission in app/api/permission-matrix.ts (SCIM_ROUTES).

export interface ScimContext {
  req: Request;
  actor: Actor;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The parsed body of POST, PUT and PATCH. */
  body: unknown;
  ifMatch: string | null;
  /** The absolute URL of /scim/v2, for `location` and `$ref`. */
  baseUrl: string;
  requestId: string;
}

type ScimHandler = (ctx: ScimContext) => Promise<Response>;

export function scimRoute(handler: ScimHandler) {
  return (req: Request, ctx: { params: Promise<Record<string, string>> }): Promise<Response> => {
    const requestId = requestIdFrom(req.headers);
    return runWithRequestId(requestId, () => serve(handler, req, ctx, requestId));
  };
}

async function serve(handler: ScimHandler, req: Request, ctx: { params: Promise<Record<string, string>> }, requestId: string): Promise<Response> {
  const started = Date.now();
  const url = new URL(req.url);
  let rate: RateLimitState | null = null;
  let response: Response;
  try {
    const actor = await provisioningActor(req, requestId);
    rate = await consumeRequest(actor);
    requireProvisioning(actor);
    const params = ((await ctx?.params) ?? {}) as Record<string, string>;
    const query = Object.fromEntries(url.searchParams);
    const body = ["POST", "PUT", "PATCH"].includes(req.method) ? await readJson(req) : undefined;
    refuseUnstorableInput({ params, query, body });
    const baseUrl = `${(env().AUTH_URL ?? url.origin).replace(/\/+$/, "")}/scim/v2`;
    response = await handler({ req, actor, params, query, body, ifMatch: req.headers.get("if-match"), baseUrl, requestId });
  } catch (e) {
    if (e instanceof AppError && e.code === "RATE_LIMITED") rate = (e.details?.rateLimit as RateLimitState | undefined) ?? null;
    response = await scimError(e, requestId);
  }
  response.headers.set("x-request-id", requestId);
  if (rate) for (const [k, v] of Object.entries(rateLimitHeaders(rate))) response.headers.set(k, v);
  logger.info({ method: req.method, path: url.pathname, status: response.status, ms: Date.now() - started }, "scim request");
  return response;
}

async function provisioningActor(req: Request, requestId: string): Promise<Actor> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
  const actor = m?.[1] ? await actorForToken(m[1], { requestId, ...clientMeta(req.headers) }) : null;
  if (!actor) throw new AppError("UNAUTHENTICATED", "Send a provisioning token (Authorization: Bearer …): an API token with the scim:provision scope.");
  return actor;
}
