import { UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { parseJob, requestIdOf } from "./parse-job";

const job = (name: string, data: unknown, id = "j1") => ({ id, name, data, timestamp: 0 });

describe("parseJob", () => {
  it("returns the payload as its schema reads it, narrowed by name", () => {
    const parsed = parseJob(job("run-step", { instanceId: "i1", stepRunId: "s1", requestId: "r1", trace: {} }), ["run-step", "wait-timeout"]);
    expect(parsed).toEqual({ name: "run-step", data: { instanceId: "i1", stepRunId: "s1" } });
  });

  it("accepts a scheduler's job, which carries no data", () => {
    expect(parseJob(job("seal-audit", undefined), ["seal-audit"])).toEqual({ name: "seal-audit", data: {} });
  });

  it("fails for good, naming the field, when the payload is wrong", () => {
    const run = () => parseJob(job("send-email", { notificationId: 42 }, "email.n1"), ["send-email"]);
    expect(run).toThrow(UnrecoverableError);
    expect(run).toThrow(/^job email\.n1: invalid send-email payload: .*expected string.*notificationId/);
  });

  it("fails for good on a job the processor does not run", () => {
    expect(() => parseJob(job("seal-audit", {}), ["send-email", "deliver-webhook"])).toThrow(new UnrecoverableError('job j1: "seal-audit" is not one of send-email, deliver-webhook'));
  });
});

describe("requestIdOf", () => {
  it("reads the request id the outbox copied into the payload", () => {
    expect(requestIdOf(job("task-created", { taskId: "t", requestId: "rid-1" }))).toBe("rid-1");
    expect(requestIdOf(job("seal-audit", undefined))).toBeUndefined();
    expect(requestIdOf(job("task-created", { requestId: 7 }))).toBeUndefined();
  });
});
