import { readdirSync } from "node:fs";
import path from "node:path";
import type { ApiEndpoint, ApiRoute, RouteHandler } from "@/lib/http/api-route";

// The API's route table, read from the file tree: every app/api/v1/**/route.ts with each HTTP
// method it exports, the folder names giving the path ([id] → :id, route groups left out). The
// router (server.ts), the OpenAPI document and the docs page all take their list from here, so a
// new route file is served and described without touching another file.

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const V1 = path.join("app", "api", "v1");

/** The route files under app/api/v1, relative to it, in a stable order. */
function routeFiles(root = path.join(process.cwd(), V1)): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .map((f) => f.split(path.sep).join("/"))
    .filter((f) => f === "route.ts" || f.endsWith("/route.ts"))
    .sort();
}

/** "tasks/[id]/decision/route.ts" → "/api/v1/tasks/:id/decision" */
function patternOf(file: string): string {
  const folders = file.split("/").slice(0, -1).filter((s) => !/^\(.+\)$/.test(s));
  const segments = folders.map((s) => {
    if (s.startsWith("[...") || s.startsWith("[[")) throw new Error(`app/api/v1/${file}: catch-all segments are not routed`);
    return s.startsWith("[") ? `:${s.slice(1, -1)}` : s;
  });
  return ["/api/v1", ...segments].join("/");
}

let loaded: Promise<ApiEndpoint[]> | undefined;

/** Imports every route module once and lists its methods; a method without a declaration is an error. */
export function loadRouteTree(): Promise<ApiEndpoint[]> {
  loaded ??= Promise.all(
    routeFiles().map(async (file) => {
      // A template with a fixed prefix, so Next.js's bundler (the docs page) includes the whole
      // folder; Vite (the tests) leaves it to Node.
      const mod = (await import(/* @vite-ignore */ `./v1/${file}`)) as Record<string, unknown>;
      return endpointsOf(file, mod);
    }),
  ).then((lists) => lists.flat());
  return loaded;
}

function endpointsOf(file: string, mod: Record<string, unknown>): ApiEndpoint[] {
  const pattern = patternOf(file);
  const names = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!).sort();
  return METHODS.filter((m) => mod[m] !== undefined).map((method) => {
    const handler = mod[method] as RouteHandler & { route?: ApiRoute };
    const where = `${method} app/api/v1/${file}`;
    if (typeof handler !== "function" || !handler.route) throw new Error(`${where}: declare it with defineRoute`);
    const declared = Object.keys(handler.route.params?.shape ?? {}).sort();
    if (declared.join() !== names.join()) throw new Error(`${where}: declares params [${declared}] but its path has [${names}]`);
    return { method, pattern, handler, route: handler.route };
  });
}
