// The process engine end to end: real PostgreSQL, real Redis/BullMQ worker on this run's prefix,
// and a local HTTP server standing in for the ERP (ok, flaky, down, slow).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { redis, redisKey } from "@/lib/redis";
import { dispatchOutbox } from "@/lib/db";
import { queue, QUEUES } from "@/lib/queues";
import { decideTask } from "@/lib/tasks";
import { getInstance, retryFailedStep, startInstance } from "@/lib/engine";
import { runStep } from "@/lib/engine";
import { recoverEngineJobs } from "@/lib/engine/recovery";
import { deprecateVersion, publishDefinition } from "@/lib/processes/service";
import { isAppError } from "@/lib/errors";
import { startEngineWorker, waitFor, db, makeTeam, uid, type Team } from "./helpers";

// ── the ERP stand-in ─────────────────────────────────────────────────────────────────────────
interface Call {
  path: string;
  at: number;
  idempotencyKey: string | undefined;
  body: unknown;
}
const calls: Call[] = [];
const hits = new Map<string, number>();
let server: http.Server;
let base = "";

function serve(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
  const url = new URL(req.url ?? "/", "http://x");
  const key = url.pathname;
  const n = (hits.get(key) ?? 0) + 1;
  hits.set(key, n);
  calls.push({ path: key, at: Date.now(), idempotencyKey: req.headers["idempotency-key"] as string | undefined, body: body ? JSON.parse(body) : null });
  const send = (status: number, payload: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(payload));
  };
  const [, kind] = key.split("/");
  if (kind === "ok") return send(200, { matched: true, postingId: `P-${n}`, echo: body ? JSON.parse(body) : null });
  if (kind === "flaky") return n <= Number(url.searchParams.get("fail") ?? 2) ? send(503, { error: "busy" }) : send(200, { matched: true });
  if (kind === "down") return send(503, { error: "down" });
  if (kind === "bad") return send(422, { error: "unknown vendor" });
  if (kind === "slow") {
    const t = setTimeout(() => send(200, { late: true }), Number(url.searchParams.get("ms") ?? 1000));
    res.on("close", () => clearTimeout(t));
    return;
  }
  send(404, { error: "no such route" });
}

let team: Team;
let worker: Worker;
beforeAll(async () => {
  team = await makeTeam();
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => serve(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  worker = await startEngineWorker();
});
// The tests share the stand-in's host: each starts with its circuit breaker closed.
beforeEach(async () => {
  const host = new URL(base).host;
  await redis().del(redisKey("breaker", host), redisKey("breaker", host, "failures"));
});
afterAll(async () => {
  await worker?.close();
  await new Promise((r) => server?.close(r));
});

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

function instanceIn(id: string, ...statuses: string[]) {
  return waitFor(`instance ${id} in ${statuses.join("/")}`, async () => {
    const i = await getInstance(team.as.admin, id);
    return statuses.includes(i.status) ? i : null;
  });
}

function taskOf(instanceId: string) {
  return waitFor(`a task for ${instanceId}`, () => db().task.findFirst({ where: { instanceId, status: "OPEN" } }));
}

async function auditActions(instanceId: string) {
  const rows = await db().auditEntry.findMany({ where: { instanceId }, orderBy: { seq: "asc" } });
  return rows.map((r) => r.action);
}

function key() {
  return `t-${uid()}`;
}

function threeStep(k: string, first: string, last: string, extra: Record<string, unknown> = {}) {
  return {
    key: k,
    name: "Invoice approval (test)",
    steps: [
      { id: "po-match", kind: "http", url: `${base}${first}`, body: { invoice: "{{invoiceNumber}}", amount: "{{amount}}" }, output: { poMatched: "body.matched" }, retries: { max: 0 }, next: "approve", ...extra },
      {
        id: "approve",
        kind: "human",
        title: "Approve {{invoiceNumber}} from {{vendor}}",
        context: ["invoiceNumber", "vendor", "amount", "poMatched"],
        candidateGroup: team.group.key,
        due: "PT8H",
        next: { approve: "post", reject: "rejected" },
      },
      { id: "post", kind: "http", url: `${base}${last}`, body: { invoice: "{{invoiceNumber}}" }, output: { postingId: "body.postingId" }, retries: { max: 0 }, next: "done" },
      { id: "rejected", kind: "end" },
      { id: "done", kind: "end" },
    ],
  };
}

// ── tests ────────────────────────────────────────────────────────────────────────────────────
describe("a three-step process: http → human → http", () => {
  it("runs in the worker, waits for the approval, continues and completes, all audited", async () => {
    const k = key();
    const v = await publishDefinition(team.as.admin, threeStep(k, `/ok/${k}-match`, `/ok/${k}-post`));
    expect(v.version).toBe(1);
    const started = await startInstance(team.as.admin, k, { variables: { invoiceNumber: "INV-1", vendor: "Northwind", amount: 2300 }, businessKey: "INV-1" });
    expect(started.status).toBe("RUNNING");
    expect(started.process).toEqual({ key: k, version: 1, name: "Invoice approval (test)" });

    const task = await taskOf(started.id);
    expect(task).toMatchObject({ title: "Approve INV-1 from Northwind", candidateGroupId: team.group.id, instanceId: started.id });
    expect(task.context).toEqual({ invoiceNumber: "INV-1", vendor: "Northwind", amount: 2300, poMatched: true });
    expect(task.dueAt!.getTime() - Date.now()).toBeGreaterThan(7.9 * 3600_000);
    const waiting = await instanceIn(started.id, "WAITING");
    expect(waiting.currentStepId).toBe("approve");
    expect(task.stepRunId).toBe(waiting.steps.find((s) => s.stepId === "approve")!.id);

    await decideTask(team.as.alice, task.id, { outcome: "approve" });
    const done = await instanceIn(started.id, "COMPLETED");
    expect(done.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["po-match", "COMPLETED"],
      ["approve", "COMPLETED"],
      ["post", "COMPLETED"],
      ["done", "COMPLETED"],
    ]);
    expect(done.variables).toMatchObject({ poMatched: true, postingId: "P-1", approve: { outcome: "approve", decidedBy: "Alice" } });
    expect(done.tasks).toEqual([expect.objectContaining({ id: task.id, status: "DECIDED", outcome: "approve" })]);
    // The body template kept the amount a number; every call carried <instanceId>.<stepId>.
    const mine = calls.filter((c) => c.path.startsWith(`/ok/${k}`));
    expect(mine.map((c) => c.idempotencyKey)).toEqual([`${started.id}.po-match`, `${started.id}.post`]);
    expect(mine[0]!.body).toEqual({ invoice: "INV-1", amount: 2300 });
    // The engine's own entries, in order (the task's entries carry the instance id too).
    const actions = await auditActions(started.id);
    expect(actions.filter((a) => !a.startsWith("task."))).toEqual([
      "instance.started",
      "step.completed",
      "step.waiting",
      "step.completed",
      "step.completed",
      "step.completed",
      "instance.completed",
    ]);
    expect(actions).toEqual(expect.arrayContaining(["task.created", "task.approved"]));
  });

  it("a rejection follows the reject branch", async () => {
    const k = key();
    await publishDefinition(team.as.admin, threeStep(k, `/ok/${k}-match`, `/ok/${k}-post`));
    const i = await startInstance(team.as.admin, k, { variables: { invoiceNumber: "INV-2", vendor: "Fabrikam", amount: 90 } });
    const task = await taskOf(i.id);
    await decideTask(team.as.bob, task.id, { outcome: "reject", reason: "Duplicate invoice" });
    const done = await instanceIn(i.id, "COMPLETED");
    expect(done.steps.map((s) => s.stepId)).toEqual(["po-match", "approve", "rejected"]);
    expect(done.variables.approve).toMatchObject({ outcome: "reject", reason: "Duplicate invoice" });
    expect(hits.get(`/ok/${k}-post`)).toBeUndefined();
  });
});

describe("http steps: retries, exhaustion, timeout", () => {
  it("retries with exponential backoff and the same idempotency key, then succeeds", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Flaky",
      steps: [
        { id: "call", kind: "http", url: `${base}/flaky/${k}?fail=2`, retries: { max: 3, backoff: "PT0.2S" }, output: { ok: "body.matched" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, {});
    const done = await instanceIn(i.id, "COMPLETED");
    const step = done.steps[0]!;
    expect(step).toMatchObject({ stepId: "call", status: "COMPLETED", attempts: 3 });
    expect(step.attemptLog.map((a) => [a.n, a.ok, a.httpStatus])).toEqual([
      [1, false, 503],
      [2, false, 503],
      [3, true, 200],
    ]);
    expect(done.variables).toEqual({ ok: true });
    const mine = calls.filter((c) => c.path === `/flaky/${k}`);
    expect(new Set(mine.map((c) => c.idempotencyKey))).toEqual(new Set([`${i.id}.call`]));
    // Backoff 0.2 s, doubling, with equal jitter: at least 100 ms, then at least 200 ms.
    expect(mine[1]!.at - mine[0]!.at).toBeGreaterThanOrEqual(95);
    expect(mine[2]!.at - mine[1]!.at).toBeGreaterThanOrEqual(195);
    const actions = await auditActions(i.id);
    expect(actions.filter((a) => a === "step.attempt_failed")).toHaveLength(2);
  });

  it("exhausted retries fail the step and the instance visibly, audited; an operator retry completes it", async () => {
    const k = key();
    // The ERP fails the first three calls: all of the step's attempts (1 + 2 retries).
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Down",
      steps: [
        { id: "post-to-erp", kind: "http", url: `${base}/flaky/${k}?fail=3`, retries: { max: 2, backoff: "PT0.05S" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, {});
    const failed = await instanceIn(i.id, "FAILED");
    expect(failed.error).toMatch(/^Step "post-to-erp" failed after 3 attempts: POST http:\/\/127\.0\.0\.1:\d+\/flaky\/.+ answered 503/);
    expect(failed.steps[0]).toMatchObject({ status: "FAILED", attempts: 3 });
    expect(failed.steps[0]!.error).toBe(failed.error);
    expect(failed.can.retry).toBe(true);
    expect(hits.get(`/flaky/${k}`)).toBe(3);
    expect(await auditActions(i.id)).toEqual(["instance.started", "step.attempt_failed", "step.attempt_failed", "step.failed", "instance.failed"]);
    const failure = await db().auditEntry.findFirstOrThrow({ where: { instanceId: i.id, action: "instance.failed" } });
    expect(failure.reason).toBe(failed.error);

    // Only operators retry; the retry is a fresh step run of the same step, audited with the reason.
    await expect(retryFailedStep(team.as.alice, i.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const retried = await retryFailedStep(team.as.admin, i.id, { reason: "ERP back up" });
    expect(retried.status).toBe("RUNNING");
    const done = await instanceIn(i.id, "COMPLETED");
    expect(done.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["post-to-erp", "FAILED"],
      ["post-to-erp", "COMPLETED"],
      ["done", "COMPLETED"],
    ]);
    const retriedEntry = await db().auditEntry.findFirstOrThrow({ where: { instanceId: i.id, action: "step.retried" } });
    expect(retriedEntry).toMatchObject({ actorId: team.users.admin.id, reason: "ERP back up" });
    await expect(retryFailedStep(team.as.admin, i.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a 4xx other than 408/429 is not retried; onError takes the fallback branch", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Bad request",
      steps: [
        { id: "call", kind: "http", url: `${base}/bad/${k}`, retries: { max: 3, backoff: "PT0.05S" }, next: "done", onError: "fallback" },
        { id: "fallback", kind: "set", assign: { usedFallback: true }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, {});
    const done = await instanceIn(i.id, "COMPLETED");
    expect(done.steps.map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ["call", "FAILED", 1],
      ["fallback", "COMPLETED", 0],
      ["done", "COMPLETED", 0],
    ]);
    expect(done.variables).toEqual({ usedFallback: true });
  });

  it("a call slower than the step's timeout is aborted and counted as a failed attempt", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Slow",
      steps: [
        { id: "call", kind: "http", url: `${base}/slow/${k}?ms=3000`, timeout: "PT0.2S", retries: { max: 1, backoff: "PT0.05S" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const t0 = Date.now();
    const i = await startInstance(team.as.admin, k, {});
    const failed = await instanceIn(i.id, "FAILED");
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(failed.error).toMatch(/timed out after 200 ms/);
    expect(failed.steps[0]!.attemptLog).toHaveLength(2);
    expect(failed.steps[0]!.attemptLog.every((a) => a.ok === false && (a.ms as number) < 1000)).toBe(true);
  });
});

describe("versions", () => {
  it("in-flight instances keep their version across a publish; new ones take the newest active; deprecation stops starts", async () => {
    const k = key();
    const v1doc = {
      key: k,
      name: "Pinned",
      steps: [
        { id: "approve", kind: "human", title: "v1 approval", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    };
    await publishDefinition(team.as.admin, v1doc);
    const a = await startInstance(team.as.admin, k, {});
    const taskA = await taskOf(a.id);
    expect(taskA.title).toBe("v1 approval");

    const v2 = await publishDefinition(team.as.admin, {
      ...v1doc,
      steps: [
        { id: "approve", kind: "human", title: "v2 approval", candidateGroup: team.group.key, next: { approve: "stamp", reject: "done" } },
        { id: "stamp", kind: "set", assign: { stampedBy: "v2" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    expect(v2.version).toBe(2);
    const b = await startInstance(team.as.admin, k, {});
    expect(b.process.version).toBe(2);
    expect((await taskOf(b.id)).title).toBe("v2 approval");

    await decideTask(team.as.alice, taskA.id, { outcome: "approve" });
    const doneA = await instanceIn(a.id, "COMPLETED");
    expect(doneA.process.version).toBe(1);
    expect(doneA.steps.map((s) => s.stepId)).toEqual(["approve", "done"]);

    await deprecateVersion(team.as.admin, k, 2);
    const c = await startInstance(team.as.admin, k, {});
    expect(c.process.version).toBe(1);
    await deprecateVersion(team.as.admin, k, 1);
    await expect(startInstance(team.as.admin, k, {})).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(deprecateVersion(team.as.admin, k, 1)).rejects.toMatchObject({ code: "CONFLICT" });
    // The in-flight instance on the deprecated v2 still finishes.
    await decideTask(team.as.bob, (await taskOf(b.id)).id, { outcome: "approve" });
    const doneB = await instanceIn(b.id, "COMPLETED");
    expect(doneB.variables).toMatchObject({ stampedBy: "v2" });
  });

  it("an invalid upload is a 422 whose errors name the steps; nothing is published", async () => {
    const k = key();
    const err = await publishDefinition(team.as.admin, {
      key: k,
      name: "Broken",
      steps: [
        { id: "a", kind: "teleport", next: "b" },
        { id: "b", kind: "end" },
      ],
    }).catch((e: unknown) => e);
    expect(isAppError(err, "VALIDATION_FAILED")).toBe(true);
    expect((err as { details: { steps: string[] } }).details.steps).toEqual(["a"]);
    expect(await db().processDefinition.count({ where: { key: k } })).toBe(0);
    await expect(publishDefinition(team.as.supervisor, { key: k, name: "x", steps: [{ id: "e", kind: "end" }] })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("crash safety", () => {
  it("a commit whose job never reached Redis is delivered by the outbox sweep", async () => {
    const k = key();
    await publishDefinition(team.as.admin, { key: k, name: "Crash", steps: [{ id: "stamp", kind: "set", assign: { ok: true }, next: "done" }, { id: "done", kind: "end" }] });
    await worker.pause();
    try {
      const i = await startInstance(team.as.admin, k, {});
      const run = await db().stepRun.findFirstOrThrow({ where: { instanceId: i.id } });
      const jobId = `step.${run.id}`;
      // Simulate the crash: let the request's own dispatch finish, then undo it as if it never happened.
      await waitFor("the request's dispatch", async () => (await db().outboxMessage.findFirst({ where: { jobId } }))?.dispatchedAt);
      await (await queue(QUEUES.engine).getJob(jobId))?.remove();
      await db().outboxMessage.updateMany({ where: { jobId }, data: { dispatchedAt: null } });
      expect(await queue(QUEUES.engine).getJob(jobId)).toBeUndefined();

      expect(await dispatchOutbox()).toBeGreaterThanOrEqual(1);
      expect(await queue(QUEUES.engine).getJob(jobId)).toBeTruthy();
      worker.resume();
      const done = await instanceIn(i.id, "COMPLETED");
      expect(done.variables).toEqual({ ok: true });

      // A duplicate job for a finished step is a no-op.
      expect(await runStep(run.id)).toEqual({ steps: [{ kind: "skipped", why: "instance COMPLETED" }] });
      expect(await db().stepRun.count({ where: { instanceId: i.id } })).toBe(2);
    } finally {
      worker.resume();
    }
  });

  it("a dispatched job id is not queued twice", async () => {
    const k = key();
    await publishDefinition(team.as.admin, { key: k, name: "Twice", steps: [{ id: "done", kind: "end" }] });
    const i = await startInstance(team.as.admin, k, {});
    await instanceIn(i.id, "COMPLETED");
    const run = await db().stepRun.findFirstOrThrow({ where: { instanceId: i.id } });
    await db().outboxMessage.updateMany({ where: { jobId: `step.${run.id}` }, data: { dispatchedAt: null } });
    await dispatchOutbox();
    const jobs = await queue(QUEUES.engine).getJobs(["waiting", "active", "completed", "delayed", "failed"]);
    expect(jobs.filter((j) => j.id === `step.${run.id}`)).toHaveLength(1);
    expect(await auditActions(i.id)).toEqual(["instance.started", "step.completed", "instance.completed"]);
  });

  it("jobs Redis lost after dispatch are rebuilt from PostgreSQL by the recovery sweep", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Lost jobs",
      steps: [
        { id: "approve", kind: "human", title: "Lost {{n}}", candidateGroup: team.group.key, next: { approve: "stamp", reject: "stamp" } },
        { id: "stamp", kind: "set", assign: { ok: true }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    await worker.pause();
    try {
      const i = await startInstance(team.as.admin, k, { variables: { n: 1 } });
      const run = await db().stepRun.findFirstOrThrow({ where: { instanceId: i.id } });
      // Dispatched, then lost in Redis: the outbox sweep has nothing left to send.
      await waitFor("dispatch", async () => (await db().outboxMessage.findFirst({ where: { jobId: `step.${run.id}` } }))?.dispatchedAt);
      await (await queue(QUEUES.engine).getJob(`step.${run.id}`))?.remove();
      expect(await dispatchOutbox()).toBe(0);
      expect((await recoverEngineJobs({ olderThanMs: 0 })).requeued).toBeGreaterThanOrEqual(1);
      worker.resume();
      const task = await taskOf(i.id);
      await instanceIn(i.id, "WAITING");

      // The decision's job is lost too.
      await worker.pause();
      await decideTask(team.as.alice, task.id, { outcome: "approve" });
      await waitFor("dispatch", async () => (await db().outboxMessage.findFirst({ where: { jobId: `human.${task.id}` } }))?.dispatchedAt);
      await (await queue(QUEUES.engine).getJob(`human.${task.id}`))?.remove();
      await new Promise((r) => setTimeout(r, 20));
      expect((await recoverEngineJobs({ olderThanMs: 0 })).requeued).toBeGreaterThanOrEqual(1);
      worker.resume();
      const done = await instanceIn(i.id, "COMPLETED");
      expect(done.variables).toMatchObject({ ok: true });
    } finally {
      worker.resume();
    }
  });
});
