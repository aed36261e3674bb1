// Headers every response carries, whichever path served it (security review M14): server.ts sets
// them before it hands a request to the API router or to Next.js, so neither path can drift.
// Pages get their own Content-Security-Policy with a per-request nonce from proxy.ts (Next.js puts
// the nonce on its scripts); everything else — the API, /api/auth, static files — gets one that
// allows nothing to run and nothing to frame it.

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** `https`: the deployment is served over TLS (AUTH_URL's scheme), so HSTS is sent. */
export function securityHeaders({ https, page }: { https: boolean; page: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
  };
  if (!page) headers["content-security-policy"] = API_CSP;
  if (https) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/**
 * The policy of a page: scripts only from here and with this request's nonce ('strict-dynamic'
 * lets them load the chunks they import); inline style attributes are allowed (React and the
 * chart and diagram libraries set them), inline <style> and <script> are not without the nonce.
 */
export function pageCsp(nonce: string, { dev }: { dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
