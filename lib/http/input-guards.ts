import { AppError } from "../errors";
import { hasNoNul, nulPath } from "../fields";

// What every declared route's inputs are checked for before the handler runs, whatever their
// schemas say: PostgreSQL stores no NUL character, in text or in jsonb, so an input holding one
// could only fail in the database (a 500, issue 19). A path id with NUL names nothing (404); a
// query or body value with NUL is invalid (422, naming the field).

export interface RouteInputs {
  params: Record<string, string>;
  query: Record<string, string>;
  /** A parsed JSON body, or the text of a body the handler reads itself. */
  body: unknown;
}

export function refuseUnstorableInput({ params, query, body }: RouteInputs): void {
  for (const value of Object.values(params)) {
    if (!hasNoNul(value)) throw new AppError("NOT_FOUND", "There is nothing with this id.");
  }
  const inQuery = nulPath(query);
  if (inQuery !== null) throw nulError(`query.${inQuery}`);
  // A raw body (YAML, XML, a CloudEvent) as text: NUL itself, or JSON's escape for it.
  const inBody = typeof body === "string" ? (hasNoNul(body) && !body.includes("\\u0000") ? null : "(body)") : nulPath(body);
  if (inBody !== null) throw nulError(inBody);
}

function nulError(path: string): AppError {
  return new AppError("VALIDATION_FAILED", `Request is invalid — ${path}: must not contain the NUL character`, {
    fieldErrors: [{ path, message: "must not contain the NUL character" }],
  });
}
