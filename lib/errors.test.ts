import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, ERROR_STATUS, fromZodError, isAppError, toProblem } from "./errors";
import { errorResponse, problem } from "./http/responses";

describe("AppError → problem details", () => {
  it("maps every code to an HTTP status", () => {
    expect(ERROR_STATUS).toMatchObject({
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      SOD_VIOLATION: 403,
      TASK_NOT_FOUND: 404,
      TASK_ALREADY_DECIDED: 409,
      TASK_CLAIMED_BY_OTHER: 409,
      VERSION_MISMATCH: 412,
      UNSUPPORTED_MEDIA_TYPE: 415,
      VALIDATION_FAILED: 422,
      RATE_LIMITED: 429,
      INTERNAL: 500,
    });
    expect(new AppError("VERSION_MISMATCH", "changed").status).toBe(412);
  });

  it("serialises RFC 9457 fields plus code, instance and details", () => {
    const err = new AppError("TASK_ALREADY_DECIDED", "This task has already been decided.", { details: { decidedBy: "Dana Lee" } });
    expect(toProblem(err, "/api/v1/tasks/t1/decision")).toEqual({
      type: "https://baton.dev/problems/task-already-decided",
      title: "Conflict",
      status: 409,
      detail: "This task has already been decided.",
      code: "TASK_ALREADY_DECIDED",
      instance: "/api/v1/tasks/t1/decision",
      decidedBy: "Dana Lee",
    });
  });

  it("turns a ZodError into VALIDATION_FAILED with field errors", () => {
    const schema = z.object({ title: z.string().min(1, "Title is required"), nested: z.object({ n: z.number() }) });
    const r = schema.safeParse({ title: "", nested: { n: "x" } });
    if (r.success) throw new Error("expected failure");
    const err = fromZodError(r.error, "Task");
    expect(err.code).toBe("VALIDATION_FAILED");
    expect(err.status).toBe(422);
    expect(err.message).toBe("Task is invalid — title: Title is required");
    expect(err.fieldErrors).toEqual([
      { path: "title", message: "Title is required" },
      { path: "nested.n", message: expect.any(String) },
    ]);
    expect(toProblem(err).errors).toHaveLength(2);
  });

  it("names root-level zod errors (root)", () => {
    const r = z.object({}).strict().safeParse("nope");
    if (r.success) throw new Error("expected failure");
    expect(fromZodError(r.error).fieldErrors?.[0]?.path).toBe("(root)");
  });

  it("isAppError checks the class and optionally the code", () => {
    const e = new AppError("FORBIDDEN", "no");
    expect(isAppError(e)).toBe(true);
    expect(isAppError(e, "FORBIDDEN")).toBe(true);
    expect(isAppError(e, "NOT_FOUND")).toBe(false);
    expect(isAppError(new Error("x"))).toBe(false);
  });
});

describe("errorResponse", () => {
  it("answers an AppError with application/problem+json and its status", async () => {
    const res = errorResponse(new AppError("VERSION_MISMATCH", "changed", { details: { currentVersion: 3 } }), "req-12345678", "/x");
    expect(res.status).toBe(412);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.headers.get("x-request-id")).toBe("req-12345678");
    expect(await res.json()).toMatchObject({ status: 412, code: "VERSION_MISMATCH", title: "Precondition failed", currentVersion: 3, instance: "/x" });
  });

  it("answers a bare ZodError with 422 and errors", async () => {
    const r = z.object({ a: z.string() }).safeParse({});
    if (r.success) throw new Error("expected failure");
    const res = errorResponse(r.error);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { code: string; errors: unknown[] };
    expect(body.code).toBe("VALIDATION_FAILED");
    expect(body.errors).toHaveLength(1);
  });

  it("hides unknown errors behind a generic 500", async () => {
    const res = errorResponse(new Error("password=hunter2 leaked from the driver"));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toMatchObject({ code: "INTERNAL", status: 500 });
  });

  it("adds Retry-After to 429s", () => {
    const res = problem(new AppError("RATE_LIMITED", "slow down", { details: { retryAfterS: 29.2 } }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
  });
});
