import { ZodError } from "zod";
import { AppError } from "../errors";
import { errorResponse } from "../http/responses";
import { fromScimZod } from "./resources";
import { SCIM, SCIM_MEDIA_TYPE } from "./schemas";

// SCIM's answers (RFC 7644 section 3.12): application/scim+json, errors as the SCIM Error message
// with a `scimType` where the RFC names one. Errors are the one error model's AppErrors; only
// their serialisation differs from /api/v1's problem+json.

export function scimJson(body: unknown, { status = 200, etag, location }: { status?: number; etag?: string; location?: string } = {}): Response {
  const headers: Record<string, string> = { "content-type": `${SCIM_MEDIA_TYPE}; charset=utf-8` };
  if (etag) headers.etag = etag;
  if (location) headers.location = location;
  return new Response(JSON.stringify(body), { status, headers });
}

/** The scimType a protocol error gets when the service named none (RFC 7644 table 9). */
function defaultScimType(err: AppError): string | undefined {
  if (err.code === "BAD_REQUEST") return "invalidSyntax";
  if (err.code === "VALIDATION_FAILED") return "invalidValue";
  if (err.code === "CONFLICT") return "uniqueness";
  return undefined;
}

/** Anything a SCIM handler threw, as a SCIM error (unknown errors logged and answered 500 or 503, as the API does). */
export async function scimError(e: unknown, requestId: string): Promise<Response> {
  const err = e instanceof ZodError ? fromScimZod(e, "The request") : e;
  if (!(err instanceof AppError)) {
    // The API's classification (503 + Retry-After for a lost connection, else logged 500), in SCIM's format.
    const problem = errorResponse(err, requestId);
    const body = (await problem.json()) as { detail?: string };
    const response = scimJson({ schemas: [SCIM.ERROR], status: String(problem.status), detail: body.detail }, { status: problem.status });
    const retryAfter = problem.headers.get("retry-after");
    if (retryAfter) response.headers.set("retry-after", retryAfter);
    return response;
  }
  // SCIM answers invalid values with 400, not 422.
  const status = err.code === "VALIDATION_FAILED" ? 400 : err.status;
  const scimType = (err.details?.scimType as string | undefined) ?? defaultScimType(err);
  const response = scimJson({ schemas: [SCIM.ERROR], status: String(status), ...(scimType ? { scimType } : {}), detail: err.message }, { status });
  const retryAfter = err.details?.retryAfterS;
  if (typeof retryAfter === "number") response.headers.set("retry-after", String(Math.ceil(retryAfter)));
  if (err.code === "UNAUTHENTICATED") response.headers.set("www-authenticate", 'Bearer realm="scim"');
  return response;
}
