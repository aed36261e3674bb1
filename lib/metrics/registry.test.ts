import { describe, expect, it } from "vitest";
import { routePattern } from "./registry";

describe("routePattern", () => {
  it("collapses ids so a route, not a task, labels the latency histogram", () => {
    expect(routePattern("/api/v1/tasks/cmwwxlpi60000ep7d47wzcfg0/decision")).toBe("/api/v1/tasks/:id/decision");
    expect(routePattern("/api/v1/tokens/cmwwxk9pb000a7k7d61x4pcvb")).toBe("/api/v1/tokens/:id");
    expect(routePattern("/api/v1/processes/invoice-approval/versions/3/deprecate")).toBe("/api/v1/processes/invoice-approval/versions/:id/deprecate");
    expect(routePattern("/api/v1/tasks")).toBe("/api/v1/tasks");
  });
});
