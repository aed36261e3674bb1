import { describe, expect, it } from "vitest";
import { compilePattern, matchRoute } from "./route-match";

const routes = [
  compilePattern("GET", "/api/v1/tasks", "list"),
  compilePattern("GET", "/api/v1/tasks/:id", "get"),
  compilePattern("POST", "/api/v1/tasks/:id/decision", "decide"),
];

describe("matchRoute", () => {
  it("matches method and path, ignoring the query string", () => {
    expect(matchRoute(routes, "GET", "/api/v1/tasks?view=inbox&limit=50")).toEqual({ handler: "list", params: {} });
    expect(matchRoute(routes, "POST", "/api/v1/tasks/t-1/decision")).toEqual({ handler: "decide", params: { id: "t-1" } });
  });

  it("decodes captured segments", () => {
    expect(matchRoute(routes, "GET", "/api/v1/tasks/a%20b")?.params).toEqual({ id: "a b" });
  });

  it("leaves everything else to Next.js", () => {
    expect(matchRoute(routes, "DELETE", "/api/v1/tasks/t-1")).toBeNull();
    expect(matchRoute(routes, "GET", "/api/v1/tasks/t-1/history")).toBeNull();
    expect(matchRoute(routes, "GET", "/api/v1/task")).toBeNull();
    expect(matchRoute(routes, "GET", "/inbox")).toBeNull();
    expect(matchRoute(routes, "GET", "/api/v1/tasks/%E0%A4%A")).toBeNull();
  });

  it("does not let a trailing slash or a fragment change the answer", () => {
    expect(matchRoute(routes, "GET", "/api/v1/tasks/")?.handler).toBe("list");
    expect(matchRoute(routes, "GET", "/api/v1/tasks#x")?.handler).toBe("list");
  });
});
