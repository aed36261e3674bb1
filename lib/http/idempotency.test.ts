import { describe, expect, it, vi } from "vitest";

// Key validation happens before any database access; a stub that fails loudly proves it.
vi.mock("../db", async (original) => ({
  ...(await original<typeof import("../db")>()),
  query: () => {
    throw new Error("database reached");
  },
}));

vi.mock("../env", () => ({ env: () => ({ IDEMPOTENCY_LEASE_MS: 60_000 }) }));

const { requestHash, withIdempotency } = await import("./idempotency");
const { AppError } = await import("../errors");

const run = () => Promise.resolve(new Response("{}"));

describe("Idempotency-Key validation", () => {
  it.each(["", " ", "has space", "ü-nicode", "semi;colon", "a/b", "x".repeat(256)])("rejects %j with 400", async (key) => {
    const err = await withIdempotency(key, "scope", "hash", run).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as InstanceType<typeof AppError>).code).toBe("BAD_REQUEST");
    expect((err as InstanceType<typeof AppError>).status).toBe(400);
  });

  it.each(["a", "order-1042", "3f2b1c9e-7d4a-4c55-9a0e-2b7f1d6c8e90", "erp:inv.4411_retry", "x".repeat(255)])(
    "accepts %j (and goes on to the database)",
    async (key) => {
      await expect(withIdempotency(key, "scope", "hash", run)).rejects.toThrow("database reached");
    },
  );
});

describe("requestHash", () => {
  it("depends on method, path and body", () => {
    const base = requestHash("POST", "/api/v1/tasks", '{"a":1}');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash("POST", "/api/v1/tasks", '{"a":1}')).toBe(base);
    expect(requestHash("POST", "/api/v1/tasks", '{"a":2}')).not.toBe(base);
    expect(requestHash("POST", "/api/v1/tokens", '{"a":1}')).not.toBe(base);
    expect(requestHash("PUT", "/api/v1/tasks", '{"a":1}')).not.toBe(base);
  });
});
