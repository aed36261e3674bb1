import { AppError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { SCIM, type ListQuery } from "./schemas";

// What every SCIM resource shares: meta (location, version), the ETag, the list envelope.

export function requireProvisioning(actor: Actor): void {
  requirePermission(actor, "scim:provision");
}

/** A resource's version: the instant of its last change, as a weak ETag. */
export function etagOf(updatedAt: Date): string {
  return `W/"${updatedAt.getTime()}"`;
}

/** The version an If-Match names (null: none sent; "*" matches any). */
export function checkIfMatch(ifMatch: string | null, updatedAt: Date): void {
  if (ifMatch === null || ifMatch.trim() === "*") return;
  const wanted = ifMatch.split(",").map((t) => t.trim());
  if (!wanted.includes(etagOf(updatedAt)) && !wanted.includes(etagOf(updatedAt).slice(2))) {
    throw new AppError("VERSION_MISMATCH", "The resource changed since that version (If-Match); read it again.", { details: { currentVersion: etagOf(updatedAt) } });
  }
}

export function meta(resourceType: "User" | "Group", baseUrl: string, id: string, created: Date, updatedAt: Date) {
  return {
    resourceType,
    created: created.toISOString(),
    lastModified: updatedAt.toISOString(),
    location: `${baseUrl}/${resourceType}s/${id}`,
    version: etagOf(updatedAt),
  };
}

export function listResponse<T>(resources: T[], total: number, query: ListQuery) {
  return { schemas: [SCIM.LIST], totalResults: total, startIndex: query.startIndex, itemsPerPage: resources.length, Resources: resources };
}

export function invalidValue(detail: string, path?: string): AppError {
  return new AppError("VALIDATION_FAILED", detail, { details: { scimType: "invalidValue" }, fieldErrors: path ? [{ path, message: detail }] : undefined });
}

export function uniqueness(detail: string): AppError {
  return new AppError("CONFLICT", detail, { details: { scimType: "uniqueness" } });
}

export function notFound(what: "User" | "Group", id: string): AppError {
  return new AppError("NOT_FOUND", `No ${what.toLowerCase()} ${JSON.stringify(id)}.`);
}

export function invalidPath(path: string): AppError {
  return new AppError("BAD_REQUEST", `The path "${path}" is not supported.`, { details: { scimType: "invalidPath" } });
}

export function invalidSyntax(detail: string): AppError {
  return new AppError("BAD_REQUEST", detail, { details: { scimType: "invalidSyntax" } });
}

/** Zod problems as one SCIM invalidValue (or invalidSyntax for a wrong shape). */
export function fromScimZod(error: { issues: { path: PropertyKey[]; message: string }[] }, what: string): AppError {
  const issues = error.issues.map((i) => `${i.path.map(String).join(".") || what}: ${i.message}`);
  return invalidValue(`${what} is not valid: ${issues.join("; ")}.`);
}
