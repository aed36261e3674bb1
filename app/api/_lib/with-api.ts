import { sessionUserId } from "./session-token";
import { AppError } from "@/lib/errors";
import { actorForToken, actorForUser } from "@/lib/identity/service";
import { requirePermission, type Actor } from "@/lib/identity/actor";
import type { Permission } from "@/lib/identity/permissions";
import type { SessionClaims } from "@/lib/identity/sessions";
import { clientMeta, requestIdFrom } from "@/lib/http/request-meta";
import { assertSameOriginRequest } from "@/lib/http/same-origin";
import { requestHasBody } from "@/lib/http/lean";
import { errorResponse, json } from "@/lib/http/responses";
import { requestHash, withIdempotency } from "@/lib/http/idempotency";
import { logger } from "@/lib/logger";
import { runWithRequestId } from "@/lib/request-context";
import { consumeRequest, rateLimitHeaders, type RateLimitState } from "@/lib/http/rate-limit";

export interface ApiContext<P> {
  req: Request;
  actor: Actor;
  params: P;
  requestId: string;
}

type Handler<P> = (ctx: ApiContext<P>) => Promise<Response | unknown>;

/**
 * The one wrapper every REST route uses: request id, authentication (session cookie or
 * `Authorization: Bearer` token), permission check, Idempotency-Key replay on POSTs, and
 * errors as problem+json. Ownership rules live in the services. Routes under /api/v1 reach it
 * through defineRoute; the router (lib/http/router.ts) records their latency by route pattern.
 */
export function withApi<P extends Record<string, string> = Record<string, never>>(
  handler: Handler<P>,
  opts: { permission?: Permission; beforeSecondFactor?: boolean } = {},
) {
  return async (req: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    const requestId = requestIdFrom(req.headers);
    return runWithRequestId(requestId, () => serve(req, ctx, requestId));
  };

  async function serve(req: Request, ctx: { params: Promise<P> }, requestId: string): Promise<Response> {
    const started = Date.now();
    const path = new URL(req.url).pathname;
    let response: Response;
    let rate: RateLimitState | null = null;
    try {
      // A browser's cookie may only change things from Baton's own pages (CSRF; tokens are exempt).
      if (!req.headers.has("authorization")) assertSameOriginRequest(req, { bodyless: !requestHasBody(req) });
      const actor = await resolveActor(req, requestId);
      // API tokens are limited per minute (429 + Retry-After past it); people are not.
      rate = await consumeRequest(actor);
      // The sign-in policy requires a second factor this person has not set up: nothing but its enrolment yet.
      if (actor.enrolmentRequired && !opts.beforeSecondFactor) {
        throw new AppError("MFA_ENROLMENT_REQUIRED", "Your organisation requires two-step sign-in: set it up under Settings → Sign-in security (/settings/security) before anything else.", {
          details: { enrolAt: "/settings/security?enrol=required" },
        });
      }
      if (opts.permission) requirePermission(actor, opts.permission);
      const params = ((await ctx?.params) ?? {}) as P;
      const run = async () => {
        const out = await handler({ req, actor, params, requestId });
        return out instanceof Response ? out : json(out);
      };
      const key = req.headers.get("idempotency-key");
      if (key && req.method === "POST") {
        const body = await req.clone().text();
        response = await withIdempotency(key, `${actor.type}:${actor.id ?? actor.name}:${path}`, requestHash(req.method, path, body), run);
      } else {
        response = await run();
      }
    } catch (e) {
      if (e instanceof AppError && e.code === "RATE_LIMITED") rate = (e.details?.rateLimit as RateLimitState | undefined) ?? null;
      response = errorResponse(e, requestId, path);
    }
    response.headers.set("x-request-id", requestId);
    if (rate) for (const [k, v] of Object.entries(rateLimitHeaders(rate))) response.headers.set(k, v);
    logger.info({ method: req.method, path, status: response.status, ms: Date.now() - started }, "api request");
    return response;
  }
}

async function resolveActor(req: Request, requestId: string): Promise<Actor> {
  const meta = { requestId, ...clientMeta(req.headers) };
  const header = req.headers.get("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = m?.[1] ? await actorForToken(m[1], meta) : null;
    if (!actor) throw new AppError("UNAUTHENTICATED", "The API token is invalid, expired or revoked.");
    return actor;
  }
  const claims: { value?: SessionClaims } = {};
  const userId = await sessionUserId(req, claims);
  const actor = userId ? await actorForUser(userId, meta, claims.value) : null;
  if (!actor) throw new AppError("UNAUTHENTICATED", "Sign in or send an API token (Authorization: Bearer ...).");
  return actor;
}
