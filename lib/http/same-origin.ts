import { env } from "../env";
import { AppError } from "../errors";

// CSRF defence for requests a browser sends with the session cookie (security review M1). The
// session cookie is SameSite=Lax, which a same-site page (a sibling subdomain) or an old browser
// does not stop, and ~12 routes take a POST without a body. So an unsafe request authenticated by
// the cookie must come from Baton's own pages: `Sec-Fetch-Site: same-origin` where the browser
// sends it, else an `Origin` equal to AUTH_URL's or to the request's own host. A client that sends
// neither is not a browser (browsers send Origin on every cross-origin POST) and has no ambient
// cookie to abuse. A bodiless request may carry no content type but JSON, so an HTML form or a
// `no-cors` fetch with a "simple" type is refused too. Requests with an API token skip all this.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Throws CROSS_SITE_REQUEST (403) or UNSUPPORTED_MEDIA_TYPE (415) for a cookie request from elsewhere. */
export function assertSameOriginRequest(req: Request, { bodyless }: { bodyless: boolean }): void {
  if (SAFE_METHODS.has(req.method)) return;
  const site = req.headers.get("sec-fetch-site");
  const origin = req.headers.get("origin");
  const refuse = (why: string) =>
    new AppError("CROSS_SITE_REQUEST", `This request was sent from ${why}; changes made with a session cookie must come from Baton's own pages (or use an API token).`);
  if (site !== null && site !== "same-origin") throw refuse(`a ${site} context`);
  if (origin !== null) {
    const from = hostOf(origin);
    const allowed = new Set<string>();
    const configured = env().AUTH_URL;
    if (configured) allowed.add(hostOf(configured) ?? "");
    const host = req.headers.get("host");
    if (host) allowed.add(host.toLowerCase());
    if (!from || !allowed.has(from)) throw refuse(origin === "null" ? "an opaque origin" : `another origin (${origin})`);
  }
  if (bodyless) {
    const type = req.headers.get("content-type");
    if (type && !/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `A request without a body may only declare Content-Type: application/json (got ${type.slice(0, 100)}).`);
    }
  }
}
