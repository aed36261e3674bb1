import { AppError } from "../errors";

// The filters identity providers send to find a resource before creating it (RFC 7644 3.4.2.2):
// `userName eq "…"`, `externalId eq "…"`, `displayName eq "…"`, joined by `and`. Anything else is
// refused as invalidFilter rather than answered wrongly.

export interface EqualityFilter {
  /** The attribute as the filter names it, lower-cased (SCIM attribute names are case-insensitive). */
  attribute: string;
  value: string;
}

const TERM = /^\s*([A-Za-z][\w.:-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*/i;

export function invalidFilter(detail: string): AppError {
  return new AppError("BAD_REQUEST", detail, { details: { scimType: "invalidFilter" } });
}

/** Parses `a eq "x" and b eq "y"` into its terms, keeping only the attributes `supported` names. */
export function parseFilter(filter: string, supported: readonly string[]): EqualityFilter[] {
  const terms: EqualityFilter[] = [];
  let rest = filter;
  for (;;) {
    const m = TERM.exec(rest);
    if (!m) throw invalidFilter(`The filter "${filter}" is not supported: use attribute eq "value" (joined by and) with ${supported.join(", ")}.`);
    const attribute = m[1]!.toLowerCase();
    if (!supported.includes(attribute)) throw invalidFilter(`Filtering by ${m[1]} is not supported; use ${supported.join(", ")}.`);
    let value: string;
    try {
      value = JSON.parse(`"${m[2]}"`) as string;
    } catch {
      throw invalidFilter(`The value in "${filter}" is not a valid string.`);
    }
    terms.push({ attribute, value });
    rest = rest.slice(m[0].length);
    if (rest.trim() === "") return terms;
    const and = /^and\s+/i.exec(rest);
    if (!and) throw invalidFilter(`The filter "${filter}" is not supported: only eq terms joined by and.`);
    rest = rest.slice(and[0].length);
  }
}
