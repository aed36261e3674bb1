import { describe, expect, it } from "vitest";
import { compileRoutes } from "./route-match";

const table = compileRoutes([
  { method: "GET", pattern: "/api/v1/tasks", target: "list" },
  { method: "POST", pattern: "/api/v1/tasks", target: "create" },
  { method: "GET", pattern: "/api/v1/tasks/:id", target: "get" },
  { method: "POST", pattern: "/api/v1/tasks/:id/decision", target: "decide" },
  { method: "POST", pattern: "/api/v1/tasks/bulk", target: "bulk" },
  { method: "GET", pattern: "/api/v1/tasks/bulk/:id/items", target: "bulk items" },
  { method: "DELETE", pattern: "/api/v1/queues/:queue/jobs/:id", target: "remove job" },
]);

describe("compileRoutes", () => {
  it("matches method and path, ignoring the query string", () => {
    expect(table.match("GET", "/api/v1/tasks?view=inbox&limit=50")).toEqual({ target: "list", params: {} });
    expect(table.match("POST", "/api/v1/tasks/t-1/decision")).toEqual({ target: "decide", params: { id: "t-1" } });
    expect(table.match("DELETE", "/api/v1/queues/engine/jobs/j%3A1")).toEqual({ target: "remove job", params: { queue: "engine", id: "j:1" } });
  });

  it("decodes captured segments", () => {
    expect(table.match("GET", "/api/v1/tasks/a%20b")).toEqual({ target: "get", params: { id: "a b" } });
  });

  it("prefers a static segment to a parameter, and falls back to the parameter deeper down", () => {
    expect(table.match("POST", "/api/v1/tasks/bulk")).toEqual({ target: "bulk", params: {} });
    // The static path exists, so another method there is a 405 rather than GET /tasks/:id.
    expect(table.match("GET", "/api/v1/tasks/bulk")).toEqual({ allow: "OPTIONS, POST" });
    // No static route continues with /decision: the parameter takes "bulk".
    expect(table.match("POST", "/api/v1/tasks/bulk/decision")).toEqual({ target: "decide", params: { id: "bulk" } });
    expect(table.match("GET", "/api/v1/tasks/bulk/b-1/items")).toEqual({ target: "bulk items", params: { id: "b-1" } });
  });

  it("answers HEAD with the GET route and lists the allowed methods of a path", () => {
    expect(table.match("HEAD", "/api/v1/tasks/t-1")).toEqual({ target: "get", params: { id: "t-1" } });
    expect(table.match("DELETE", "/api/v1/tasks")).toEqual({ allow: "GET, HEAD, OPTIONS, POST" });
    expect(table.match("OPTIONS", "/api/v1/tasks/t-1/decision")).toEqual({ allow: "OPTIONS, POST" });
  });

  it("finds nothing for paths no route has", () => {
    expect(table.match("GET", "/api/v1/tasks/t-1/history")).toBeNull();
    expect(table.match("GET", "/api/v1/task")).toBeNull();
    expect(table.match("GET", "/api/v1")).toBeNull();
    expect(table.match("GET", "/api/v1/tasks/%E0%A4%A")).toBeNull();
  });

  it("does not let a trailing slash or a fragment change the answer", () => {
    expect(table.match("GET", "/api/v1/tasks/")).toEqual({ target: "list", params: {} });
    expect(table.match("GET", "/api/v1/tasks#x")).toEqual({ target: "list", params: {} });
  });

  it("refuses two names for one segment and a route declared twice", () => {
    expect(() => compileRoutes([
      { method: "GET", pattern: "/a/:id", target: 1 },
      { method: "GET", pattern: "/a/:key/b", target: 2 },
    ])).toThrow(/name the same path segment/);
    expect(() => compileRoutes([
      { method: "GET", pattern: "/a", target: 1 },
      { method: "GET", pattern: "/a/", target: 2 },
    ])).toThrow(/declared twice/);
  });
});
