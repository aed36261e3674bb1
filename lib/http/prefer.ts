// The Prefer request header (RFC 7240): comma-separated preferences, each a token with an optional
// value and parameters, e.g. `Prefer: respond-async, wait=10`.

export function preferences(headers: Headers): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (const raw of headers.get("prefer")?.split(",") ?? []) {
    const [pref] = raw.split(";");
    const [name, ...value] = (pref ?? "").split("=");
    const key = name?.trim().toLowerCase();
    if (!key) continue;
    const v = value.join("=").trim().replace(/^"(.*)"$/, "$1");
    if (!out.has(key)) out.set(key, v === "" ? true : v);
  }
  return out;
}

/** True when the client asked for an answer as soon as the work is accepted. */
export function prefersAsync(headers: Headers): boolean {
  return preferences(headers).has("respond-async");
}
