import { describe, expect, it } from "vitest";
import { backoffDelayMs, idempotencyKeyFor, isRetryableStatus } from "./http-call";

const step = { retries: { max: 5, backoff: "PT1S", maxBackoff: "PT10S" } };

describe("backoff", () => {
  it("doubles per retry, with jitter between half and all of the delay", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(step, n, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(step, n, () => 0))).toEqual([500, 1000, 2000, 4000]);
  });

  it("is capped by maxBackoff", () => {
    expect(backoffDelayMs(step, 10, () => 1)).toBe(10_000);
  });
});

describe("retries", () => {
  it("retries timeouts, throttling and server errors, not other client errors", () => {
    expect([408, 425, 429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });

  it("the idempotency key is <instanceId>.<stepId>", () => {
    expect(idempotencyKeyFor("cinst", "post-to-erp")).toBe("cinst.post-to-erp");
  });
});
