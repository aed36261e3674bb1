// One request id follows an action from the HTTP request through the queue into the worker and
// onto the audit entries: a person decides a process task with X-Request-Id; the web log line,
// the real worker's log line for the job that continues the instance, and the audit entries of
// both sides carry that id. The worker runs as its own process (npm run worker), logging to a file.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before anything loads the logger or the env: web logs to a file, and this file's Redis keys
// live under their own prefix, so the worker started here never meets another file's jobs.
const dir = mkdtempSync(path.join(os.tmpdir(), "baton-rid-"));
const webLog = path.join(dir, "web.log");
const workerLog = path.join(dir, "worker.log");
process.env.LOG_FILE = webLog;
process.env.LOG_LEVEL = "info";
process.env.REDIS_PREFIX = `${process.env.REDIS_PREFIX ?? "baton_test"}_rid`.slice(0, 64);

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));
// The API reads the session cookie through app/api/_lib/session-token (not auth()).
vi.mock("@/app/api/_lib/session-token", () => ({ sessionUserId: async () => session.userId }));

const { db, makeTeam, uid, waitFor } = await import("./helpers");
const { publishDefinition } = await import("@/lib/processes/service");
const { startInstance } = await import("@/lib/engine");
const { POST: decide } = await import("@/app/api/v1/tasks/[id]/decision/route");
const { createRedis } = await import("@/lib/redis");

const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

let worker: ChildProcess;
beforeAll(async () => {
  worker = spawn(path.resolve("node_modules/.bin/tsx"), ["workers/index.ts"], {
    env: { ...process.env, LOG_FILE: workerLog, LOG_LEVEL: "info", WORKER_HEALTH_PORT: "0", BATON_SERVICE: "worker", KPI_REFRESH_MS: "3600000" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  await waitFor("the worker to start", async () => lines(workerLog).some((l) => l.msg === "worker ready"), 60_000);
}, 90_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker.once("exit", r));
    worker.kill("SIGTERM");
    await exited;
  }
  // Drop this file's Redis keys (queues and job schedulers under its own prefix).
  const redis = createRedis();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${process.env.REDIS_PREFIX}:*`, "COUNT", 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

describe("request id from HTTP through the queue to the worker and the audit log", () => {
  it("the same id is in the web log, the worker log and the audit entries of one decision", async () => {
    const team = await makeTeam();
    const key = `rid-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Request id",
      steps: [
        { id: "approve", kind: "human", title: "Approve {{n}}", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    });
    const instance = await startInstance(team.as.admin, key, { variables: { n: 1 } });
    // The worker runs the human step and creates the task.
    const task = await waitFor("the step's task", () => db().task.findFirst({ where: { instanceId: instance.id } }), 30_000);

    const requestId = `rid-${randomUUID()}`;
    session.userId = team.users.alice.id;
    const res = await decide(
      new Request(`http://localhost/api/v1/tasks/${task.id}/decision`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": requestId }, body: JSON.stringify({ outcome: "approve" }) }),
      { params: Promise.resolve({ id: task.id }) },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(requestId);

    // The worker continues the instance (job human-decided, carrying the request id).
    await waitFor("the instance to complete", async () => (await db().processInstance.findUnique({ where: { id: instance.id } }))?.status === "COMPLETED", 30_000);
    const workerLine = await waitFor("the worker's log line", async () => lines(workerLog).find((l) => l.requestId === requestId && l.msg === "job completed" && l.job === "human-decided"), 10_000);
    expect(workerLine).toMatchObject({ service: "worker", queue: "engine", job: "human-decided" });
    // The decision's notification rode along in that job and was handled by the same worker, under
    // the same id; the task's creation was notified where the engine created it (ADR 017). Neither
    // went through Redis.
    const notifyLine = await waitFor("the decision's notification", async () => lines(workerLog).find((l) => l.requestId === requestId && l.msg === "job completed" && l.job === "task-decided"), 10_000);
    expect(notifyLine).toMatchObject({ service: "worker", queue: "notifications", jobId: `task-decided.${task.id}`, local: true });
    expect(lines(workerLog).find((l) => l.msg === "job completed" && l.jobId === `task-created.${task.id}`)).toMatchObject({ queue: "notifications", local: true });
    expect(await db().outboxMessage.count({ where: { jobId: { in: [`task-decided.${task.id}`, `task-created.${task.id}`] } } })).toBe(1);
    expect((await db().outboxMessage.findFirstOrThrow({ where: { jobId: `task-created.${task.id}` } })).dispatchedAt).not.toBeNull();

    const webLine = lines(webLog).find((l) => l.requestId === requestId && l.msg === "api request");
    expect(webLine).toMatchObject({ method: "POST", path: `/api/v1/tasks/${task.id}/decision`, status: 200 });

    const audit = await db().auditEntry.findMany({ where: { requestId }, orderBy: { seq: "asc" } });
    const actions = audit.map((a) => a.action);
    // Written by the web request ...
    expect(audit.find((a) => a.action === "task.approved")).toMatchObject({ actorType: "USER", actorId: team.users.alice.id, taskId: task.id });
    // ... and by the worker, continuing the same action.
    expect(actions).toContain("instance.completed");
    expect(audit.find((a) => a.action === "instance.completed")).toMatchObject({ actorType: "WORKER", instanceId: instance.id });
  }, 90_000);
});
