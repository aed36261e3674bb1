import { describe, expect, it } from "vitest";
import { isConnectionFault } from "../db/faults";
import { errorResponse } from "./responses";
import { isTransientFault } from "./unavailable";

const pgError = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("transient faults of PostgreSQL and Redis", () => {
  it("knows connection loss, shutdown, too many connections and pool timeouts", () => {
    for (const e of [
      pgError("57P01", "terminating connection due to administrator command"),
      pgError("08006"),
      pgError("08P01"),
      pgError("53300", "sorry, too many clients already"),
      pgError("40P01", "deadlock detected"),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"),
      Object.assign(new Error("Reached the max retries per request limit (which is 2)."), { name: "MaxRetriesPerRequestError" }),
      new Error("Connection is closed."),
      new Error("wrapped", { cause: pgError("57P01") }),
    ]) {
      expect(isTransientFault(e), e.message).toBe(true);
    }
    for (const e of [pgError("23505"), pgError("22003", "integer out of range"), new Error("boom"), null, "x"]) expect(isTransientFault(e)).toBe(false);
  });

  it("destroys the connection only when the connection itself failed", () => {
    expect(isConnectionFault(pgError("57P01"))).toBe(true);
    expect(isConnectionFault(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionFault(pgError("40P01"))).toBe(false);
    expect(isConnectionFault(pgError("23505"))).toBe(false);
  });

  it("answers a transient fault 503 with Retry-After, in the one problem shape", async () => {
    const res = errorResponse(pgError("57P01", "terminating connection due to administrator command"), "req-1", "/api/v1/tasks");
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", instance: "/api/v1/tasks" });
  });
});
