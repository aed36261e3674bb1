// server.ts dispatches a few hot API routes itself (ADR 013). Every entry of its table must be a
// real route module with that method, at the path its pattern claims.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FAST_ROUTE_TABLE, loadFastRoutes, matchFastRoute } from "@/app/api/_lib/fast-routes";

describe("directly dispatched routes", () => {
  it("each entry is the route module at its own path and exports the method", async () => {
    for (const [, pattern, file] of FAST_ROUTE_TABLE) {
      expect(existsSync(path.join("app", file)), file).toBe(true);
      const fromPattern = pattern.replace(/^\//, "").replace(/:([a-z]+)/gi, "[$1]") + "/route.ts";
      expect(file).toBe(fromPattern);
    }
    const routes = await loadFastRoutes();
    expect(routes).toHaveLength(FAST_ROUTE_TABLE.length);
  });

  it("matches only /api/v1 requests in the table", async () => {
    const routes = await loadFastRoutes();
    expect(matchFastRoute(routes, "POST", "/api/v1/tasks/abc/decision")?.params).toEqual({ id: "abc" });
    expect(matchFastRoute(routes, "POST", "/api/v1/events")).not.toBeNull();
    expect(matchFastRoute(routes, "GET", "/api/health")).toBeNull();
    expect(matchFastRoute(routes, "POST", "/api/v1/tasks/abc/reassign")).toBeNull();
  });
});
