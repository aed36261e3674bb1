import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from "zod-openapi";
import { idempotencyKeySchema } from "../http/idempotency";
import { acceptsIdempotencyKey, isJsonBody, statusesOf, type ApiEndpoint, type ApiRoute, type ResponseSpec } from "../http/api-route";
import { namedSchemas, problemSchema } from "./components";

// The OpenAPI 3.1 description of /api/v1, assembled from the route declarations of the route tree
// (app/api/route-tree.ts): each declaration is one operation, with the statuses the wrapper and
// the router answer for what it declares plus its own. Served at GET /api/v1/openapi.json and
// rendered at /api/docs.

const DESCRIPTIONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No content",
  400: "Malformed request: the body, If-Match or Idempotency-Key",
  401: "Not signed in, or the token is invalid",
  403: "Not allowed (role, ownership or separation of duties), or a second factor the sign-in policy requires is not set up yet (MFA_ENROLMENT_REQUIRED)",
  404: "Not found, or not visible to you",
  409: "Conflict: already decided, claimed by someone else, not actionable in this state, or an Idempotency-Key in use",
  412: "Changed since the version you sent",
  413: "The body is too large",
  415: "The body's media type is not accepted",
  422: "Validation failed (see errors)",
  500: "Unexpected error (logged; quote x-request-id)",
  503: "Unavailable for a moment (a database or Redis connection failed: retry after Retry-After seconds), or a feature not turned on here (the detail says how)",
};

const PROBLEM = { "application/problem+json": { schema: problemSchema } };

const retryAfter = z.string().meta({ description: "Seconds to wait before trying again" });

const problem = (status: number): ZodOpenApiResponseObject =>
  status === 503
    ? { description: DESCRIPTIONS[503]!, headers: z.object({ "retry-after": retryAfter.optional() }), content: PROBLEM }
    : status === 409
      ? { description: DESCRIPTIONS[409]!, headers: z.object({ "retry-after": retryAfter.optional() }), content: PROBLEM }
      : status === 429
    ? {
        description: "Too many requests from this API token (a public route: from this client address): wait Retry-After seconds",
        headers: z.object({
          "retry-after": z.string().meta({ description: "Seconds until the token (or address) may call again" }),
          "ratelimit-limit": z.string().meta({ description: "Requests this token may make a minute (a public route: this address in the window of ratelimit-policy)" }),
          "ratelimit-remaining": z.string(),
          "ratelimit-reset": z.string().meta({ description: "Seconds until the window resets" }),
        }),
        content: PROBLEM,
      }
    : { description: DESCRIPTIONS[status] ?? "Error", content: PROBLEM };

const ifMatchHeader = { "if-match": z.string().optional().meta({ description: 'The version you saw, e.g. "3" (412 if it changed)' }) };
const idempotencyHeader = { "idempotency-key": idempotencyKeySchema.optional() };

const media = (content: Record<string, z.ZodType>) => Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }]));

function success(status: number, r: ResponseSpec): ZodOpenApiResponseObject {
  const content = r.content ? media(r.content) : r.schema ? { "application/json": { schema: r.schema } } : undefined;
  return { description: r.description ?? DESCRIPTIONS[status] ?? "OK", ...(r.headers ? { headers: r.headers } : {}), ...(content ? { content } : {}) };
}

function operationOf(method: string, route: ApiRoute): ZodOpenApiOperationObject {
  const headers = {
    ...route.headers?.shape,
    ...(route.ifMatch ? ifMatchHeader : {}),
    ...(acceptsIdempotencyKey(route, method) ? idempotencyHeader : {}),
  };
  const params = { path: route.params, query: route.query, header: Object.keys(headers).length ? z.object(headers) : undefined };
  const body = route.body;
  return {
    operationId: route.operationId,
    tags: route.tags,
    summary: route.summary,
    ...(route.public ? { security: [] } : {}),
    requestParams: Object.fromEntries(Object.entries(params).filter(([, v]) => v)),
    ...(body ? { requestBody: { required: body.required !== false, content: isJsonBody(body) ? { "application/json": { schema: body.schema } } : media(body.content) } } : {}),
    responses: Object.fromEntries([
      ...Object.entries(route.responses).map(([status, r]) => [status, success(Number(status), r)]),
      ...statusesOf(route, method).map((status) => [String(status), problem(status)]),
    ]),
  };
}

const built = new WeakMap<readonly ApiEndpoint[], ReturnType<typeof createDocument>>();

export function openApiDocument(endpoints: readonly ApiEndpoint[]) {
  let doc = built.get(endpoints);
  if (doc) return doc;
  const paths: ZodOpenApiPathsObject = {};
  for (const { method, pattern, route } of endpoints) {
    const path = pattern.replace(/:(\w+)/g, "{$1}");
    paths[path] = { ...paths[path], [method.toLowerCase()]: operationOf(method, route) };
  }
  doc = createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: "Baton API",
        version: "1",
        description:
          "Human-in-the-loop process orchestration: tasks, decisions, information requests, comments and the audit log. " +
          "Errors are RFC 9457 problem+json with a stable `code`. Optimistic concurrency: the task version is the ETag; send it as If-Match.",
      },
      servers: [{ url: "/" }],
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
      paths,
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "API token (bat_…), created by an admin" },
          sessionCookie: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "Browser session" },
        },
        schemas: namedSchemas,
      },
    },
    { allowEmptySchema: { unknown: true, any: true } },
  );
  built.set(endpoints, doc);
  return doc;
}
