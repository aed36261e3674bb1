// Matching a request line against a small table of path patterns (server.ts's directly
// dispatched routes, ADR 013). Pure, so it is unit-tested on its own.

export interface RoutePattern<H> {
  method: string;
  /** Path segments; ":name" captures one segment. */
  segments: string[];
  handler: H;
}

export function compilePattern<H>(method: string, pattern: string, handler: H): RoutePattern<H> {
  return { method, segments: pattern.split("/").filter(Boolean), handler };
}

/** The first route whose method and path match, with its decoded params; null when none does. */
export function matchRoute<H>(routes: readonly RoutePattern<H>[], method: string, url: string): { handler: H; params: Record<string, string> } | null {
  const q = url.search(/[?#]/);
  const parts = (q < 0 ? url : url.slice(0, q)).split("/").filter(Boolean);
  for (const r of routes) {
    if (r.method !== method || r.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const s = r.segments[i]!;
      if (!s.startsWith(":")) {
        ok = s === parts[i];
        continue;
      }
      try {
        params[s.slice(1)] = decodeURIComponent(parts[i]!);
      } catch {
        ok = false; // a malformed escape: let Next.js answer it
      }
    }
    if (ok) return { handler: r.handler, params };
  }
  return null;
}
