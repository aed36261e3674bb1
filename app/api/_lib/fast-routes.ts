// The API routes the production server (server.ts) dispatches itself instead of through
// Next.js's router (ADR 013): the calls made hundreds of times a second. Each entry is the route
// module's own exported handler — the same withApi wrapper, auth, validation and error model —
// so the two ways in cannot drift apart. Only plain withApi handlers belong here: nothing that
// uses next/headers, cookies(), streaming or other Next.js request APIs.
import { compilePattern, matchRoute, type RoutePattern } from "@/lib/http/route-match";

export type FastHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

type RouteModule = Record<string, unknown>;

/** [method, path pattern, the route module's file under app/ (for the consistency test), loader] */
export const FAST_ROUTE_TABLE: [method: string, pattern: string, file: string, load: () => Promise<RouteModule>][] = [
  ["POST", "/api/v1/events", "api/v1/events/route.ts", () => import("../v1/events/route")],
  ["GET", "/api/v1/tasks", "api/v1/tasks/route.ts", () => import("../v1/tasks/route")],
  ["GET", "/api/v1/tasks/:id", "api/v1/tasks/[id]/route.ts", () => import("../v1/tasks/[id]/route")],
  ["POST", "/api/v1/tasks/:id/decision", "api/v1/tasks/[id]/decision/route.ts", () => import("../v1/tasks/[id]/decision/route")],
  ["POST", "/api/v1/tasks/:id/claim", "api/v1/tasks/[id]/claim/route.ts", () => import("../v1/tasks/[id]/claim/route")],
  ["POST", "/api/v1/tasks/:id/unclaim", "api/v1/tasks/[id]/unclaim/route.ts", () => import("../v1/tasks/[id]/unclaim/route")],
  ["POST", "/api/v1/tasks/:id/request-info", "api/v1/tasks/[id]/request-info/route.ts", () => import("../v1/tasks/[id]/request-info/route")],
  ["POST", "/api/v1/tasks/:id/answer", "api/v1/tasks/[id]/answer/route.ts", () => import("../v1/tasks/[id]/answer/route")],
  ["POST", "/api/v1/tasks/:id/undo", "api/v1/tasks/[id]/undo/route.ts", () => import("../v1/tasks/[id]/undo/route")],
];

/** Loads the handlers once at startup; a table entry without its handler is a startup error. */
export async function loadFastRoutes(): Promise<RoutePattern<FastHandler>[]> {
  return Promise.all(
    FAST_ROUTE_TABLE.map(async ([method, pattern, , load]) => {
      const handler = (await load())[method];
      if (typeof handler !== "function") throw new Error(`fast route ${method} ${pattern}: the route module exports no ${method} handler`);
      return compilePattern(method, pattern, handler as FastHandler);
    }),
  );
}

/** The route for a request line, with its captured params, or null (Next.js serves it). */
export function matchFastRoute(routes: readonly RoutePattern<FastHandler>[], method: string, url: string) {
  return url.startsWith("/api/v1/") ? matchRoute(routes, method, url) : null;
}
