// The engine's runtime beyond a straight line: parallel branches that join, compensation (saga),
// operator skip and cancel. Real PostgreSQL, a real BullMQ worker on this run's prefix, and a
// local HTTP server standing in for the ERP.
// A small breaker for the tests: three failures open it, for one second.
import { vi } from "vitest";
vi.hoisted(() => {
  process.env.CIRCUIT_FAILURE_THRESHOLD = "3";
  process.env.CIRCUIT_COOLDOWN_MS = "1000";
});
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { acquireBreaker, listBreakers, recordBreakerFailure, recordBreakerSuccess } from "@/lib/engine/circuit-breaker";
import { listCircuitBreakers } from "@/lib/engine";
import { redis, redisKey } from "@/lib/redis";
import { decideTask } from "@/lib/tasks";
import { cancelInstance, getInstance, retryFailedStep, skipFailedStep, startInstance } from "@/lib/engine";
import { publishDefinition } from "@/lib/processes/service";
import { invoiceRoutingTable } from "@/lib/rules/examples/invoice-routing";
import { modelToDmnXml } from "@/lib/rules/serialize";
import { publishDecisionTable, uploadDmn } from "@/lib/rules/service";
import { startEngineWorker, waitFor, db, makeTeam, uid, type Team } from "./helpers";

interface Call {
  path: string;
  at: number;
  idempotencyKey: string | undefined;
}
const calls: Call[] = [];
const down = new Set<string>();
const hits = new Map<string, number>();
let server: http.Server;
let base = "";

function serve(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? "/", "http://x");
  const n = (hits.get(url.pathname) ?? 0) + 1;
  hits.set(url.pathname, n);
  calls.push({ path: url.pathname, at: Date.now(), idempotencyKey: req.headers["idempotency-key"] as string | undefined });
  const send = (status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
  const [, kind] = url.pathname.split("/");
  if (kind === "ok") return send(200, { n, score: Number(url.searchParams.get("score") ?? 0) });
  if (kind === "flaky") return n <= Number(url.searchParams.get("fail") ?? 1) ? send(503, { error: "busy" }) : send(200, { n });
  if (kind === "bad") return send(422, { error: "refused" });
  if (kind === "toggle") return down.has(url.pathname) ? send(503, { error: "down" }) : send(200, { n });
  if (kind === "slow") {
    const t = setTimeout(() => send(200, { late: true }), Number(url.searchParams.get("ms") ?? 300));
    res.on("close", () => clearTimeout(t));
    return;
  }
  send(404, {});
}

let team: Team;
let worker: Worker;
beforeAll(async () => {
  team = await makeTeam();
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => serve(req, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  worker = await startEngineWorker();
});
const host = () => new URL(base).host;
// Every test starts with a closed breaker for the test server (they all share its host).
beforeEach(async () => {
  await redis().del(redisKey("breaker", host()), redisKey("breaker", host(), "failures"));
});
afterAll(async () => {
  await worker?.close();
  await new Promise((r) => server?.close(r));
});

function instanceIn(id: string, ...statuses: string[]) {
  return waitFor(`instance ${id} in ${statuses.join("/")}`, async () => {
    const i = await getInstance(team.as.admin, id);
    return statuses.includes(i.status) ? i : null;
  });
}
const openTask = (instanceId: string, title?: string) =>
  waitFor(`an open task for ${instanceId}`, () => db().task.findFirst({ where: { instanceId, status: "OPEN", ...(title ? { title } : {}) } }));
const actionsOf = async (instanceId: string) => (await db().auditEntry.findMany({ where: { instanceId }, orderBy: { seq: "asc" } })).map((r) => r.action);
const key = () => `rt-${uid()}`;

describe("parallel branches", () => {
  it("runs the branches concurrently, joins when all arrived, and merges their variables in branch order", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Onboarding checks",
      steps: [
        { id: "checks", kind: "parallel", branches: [{ name: "credit", start: "credit-check" }, { name: "review", start: "review" }], join: "checked" },
        // Both branches write `verdict`: the later-declared branch (review) wins, whatever finishes first.
        { id: "credit-check", kind: "http", url: `${base}/slow/${k}-credit?ms=50`, output: { creditLate: "body.late" }, next: "credit-verdict" },
        { id: "credit-verdict", kind: "set", assign: { verdict: "credit", creditSeen: "{{creditLate}}" }, next: "checked" },
        { id: "review", kind: "human", title: "Review {{vendor}}", candidateGroup: team.group.key, next: { approve: "review-verdict", reject: "review-verdict" } },
        { id: "review-verdict", kind: "set", assign: { verdict: "review" }, next: "checked" },
        { id: "checked", kind: "join", next: "summary" },
        { id: "summary", kind: "set", assign: { summary: "{{verdict}}" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, { variables: { vendor: "Contoso" } });
    const task = await openTask(i.id);
    // The credit branch finishes while the review waits: the instance waits, nothing merged yet.
    const waiting = await waitFor("credit branch at the join", async () => {
      const x = await getInstance(team.as.admin, i.id);
      return x.steps.some((s) => s.stepId === "credit-verdict" && s.status === "COMPLETED") && x.status === "WAITING" ? x : null;
    });
    expect(waiting.variables).toEqual({ vendor: "Contoso" });
    expect(waiting.steps.filter((s) => s.branch).map((s) => [s.stepId, s.branch])).toEqual(
      expect.arrayContaining([
        ["credit-check", "credit"],
        ["credit-verdict", "credit"],
        ["review", "review"],
      ]),
    );
    await decideTask(team.as.alice, task.id, { outcome: "approve" });
    const done = await instanceIn(i.id, "COMPLETED");
    expect(done.variables).toMatchObject({ vendor: "Contoso", creditLate: true, creditSeen: true, verdict: "review", summary: "review", review: { outcome: "approve" } });
    const joins = done.steps.filter((s) => s.stepId === "checked");
    expect(joins).toHaveLength(1);
    expect(done.steps.find((s) => s.stepId === "checks")!.status).toBe("COMPLETED");
    const actions = await actionsOf(i.id);
    expect(actions.filter((a) => a === "step.forked" || a === "step.joined")).toEqual(["step.forked", "step.joined"]);
    expect(actions.at(-1)).toBe("instance.completed");
  });

  it("a failed branch shows on the instance while the other goes on; the join fails once both settled; retry resumes only that branch", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Branch failure",
      steps: [
        { id: "fork", kind: "parallel", branches: [{ name: "a", start: "a-call" }, { name: "b", start: "b-ask" }], join: "joined" },
        { id: "a-call", kind: "http", url: `${base}/flaky/${k}-a?fail=1`, retries: { max: 0 }, output: { aN: "body.n" }, next: "joined" },
        { id: "b-ask", kind: "human", title: "B {{n}}", candidateGroup: team.group.key, next: { approve: "joined", reject: "joined" } },
        { id: "joined", kind: "join", next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, { variables: { n: 1 } });
    const failing = await waitFor("branch a failed", async () => {
      const x = await getInstance(team.as.admin, i.id);
      return x.error && x.status === "WAITING" ? x : null;
    });
    expect(failing.error).toMatch(/Step "a-call" failed after 1 attempt/);
    expect(failing.can.retry).toBe(true);
    expect(failing.failedStep).toMatchObject({ stepId: "a-call", skipTo: "joined" });
    // Retry while branch b still waits: a fresh run in branch a; the ERP now answers.
    await retryFailedStep(team.as.admin, i.id, { reason: "ERP back" });
    await waitFor("branch a done", async () => (await db().stepRun.findFirst({ where: { instanceId: i.id, stepId: "a-call", status: "COMPLETED" } })) ?? null);
    await decideTask(team.as.bob, (await openTask(i.id)).id, { outcome: "approve" });
    const done = await instanceIn(i.id, "COMPLETED");
    expect(done.variables).toMatchObject({ aN: 2 });
    expect(done.steps.filter((s) => s.stepId === "a-call").map((s) => [s.status, s.branch])).toEqual([
      ["FAILED", "a"],
      ["COMPLETED", "a"],
    ]);
    expect(done.error).toBeNull();
  });

  it("without a retry the join fails once the other branch settled, and the instance fails", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Join failure",
      steps: [
        { id: "fork", kind: "parallel", branches: [{ name: "a", start: "a-call" }, { name: "b", start: "b-set" }], join: "joined" },
        { id: "a-call", kind: "http", url: `${base}/bad/${k}`, retries: { max: 0 }, next: "joined" },
        { id: "b-set", kind: "set", assign: { b: true }, next: "joined" },
        { id: "joined", kind: "join", next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, {});
    const failed = await instanceIn(i.id, "FAILED");
    expect(failed.error).toMatch(/^Step "fork": branch "a" failed/);
    expect(failed.steps.find((s) => s.stepId === "fork")!.status).toBe("FAILED");
    expect(failed.steps.find((s) => s.stepId === "b-set")!.status).toBe("COMPLETED");
    expect(failed.failedStep).toMatchObject({ stepId: "a-call" });
    // Skipping the failed branch step continues the branch at its join: the instance completes.
    await expect(skipFailedStep(team.as.admin, i.id, {})).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await skipFailedStep(team.as.admin, i.id, { reason: "Vendor registered by phone" });
    const done = await instanceIn(i.id, "COMPLETED");
    expect(done.steps.find((s) => s.stepId === "a-call")!.status).toBe("SKIPPED");
    expect(done.variables).toEqual({ b: true });
    const skipped = await db().auditEntry.findFirstOrThrow({ where: { instanceId: i.id, action: "step.skipped" } });
    expect(skipped).toMatchObject({ actorId: team.users.admin.id, reason: "Vendor registered by phone" });
  });
});

describe("compensation (saga)", () => {
  const saga = (k: string, failAt: string) => ({
    key: k,
    name: "Order saga",
    steps: [
      { id: "reserve", kind: "http", url: `${base}/ok/${k}-reserve`, compensate: "release", next: "charge" },
      { id: "charge", kind: "http", url: `${base}/ok/${k}-charge`, compensate: "refund", output: { charged: "body.n" }, next: "ship" },
      { id: "note", kind: "set", assign: { noted: true }, next: "ship" },
      { id: "ship", kind: "http", url: `${base}${failAt}`, retries: { max: 0 }, next: "done" },
      { id: "done", kind: "end" },
      { id: "release", kind: "http", url: `${base}/ok/${k}-release` },
      // The refund fails once: compensation retries like any http step.
      { id: "refund", kind: "http", url: `${base}/flaky/${k}-refund?fail=1`, retries: { max: 2, backoff: "PT0.05S" }, output: { refunded: "body.n" } },
    ],
  });

  it("a permanent failure compensates the completed steps in reverse order, each a step run, audited", async () => {
    const k = key();
    const doc = saga(k, `/bad/${k}-ship`);
    doc.steps = doc.steps.filter((s) => s.id !== "note");
    await publishDefinition(team.as.admin, doc);
    const i = await startInstance(team.as.admin, k, {});
    const done = await instanceIn(i.id, "COMPENSATED");
    expect(done.steps.map((s) => [s.stepId, s.status, s.compensationOf ? "comp" : ""])).toEqual([
      ["reserve", "COMPENSATED", ""],
      ["charge", "COMPENSATED", ""],
      ["ship", "FAILED", ""],
      ["refund", "COMPLETED", "comp"],
      ["release", "COMPLETED", "comp"],
    ]);
    expect(done.steps.find((s) => s.stepId === "refund")!.attempts).toBe(2);
    expect(done.variables).toMatchObject({ charged: 1, refunded: 2 });
    // The ERP saw refund before release.
    const order = calls.filter((c) => c.path.startsWith(`/ok/${k}`) || c.path.startsWith(`/flaky/${k}`)).map((c) => c.path.replace(`${k}-`, ""));
    expect(order).toEqual(["/ok/reserve", "/ok/charge", "/flaky/refund", "/flaky/refund", "/ok/release"]);
    expect(calls.find((c) => c.path === `/ok/${k}-release`)!.idempotencyKey).toBe(`${i.id}.release`);
    const actions = await actionsOf(i.id);
    expect(actions.filter((a) => a.startsWith("instance.") || a.startsWith("step.compens"))).toEqual([
      "instance.started",
      "instance.compensating",
      "step.compensation_started",
      "step.compensated",
      "step.compensation_started",
      "step.compensated",
      "instance.compensated",
    ]);
    expect(done.error).toMatch(/Step "ship" failed/);
  });

  it("a human rejection with compensateOnReject compensates; open tasks of other branches are cancelled", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Reject saga",
      steps: [
        { id: "reserve", kind: "http", url: `${base}/ok/${k}-reserve`, compensate: "release", next: "fork" },
        { id: "fork", kind: "parallel", branches: [{ name: "manager", start: "manager" }, { name: "finance", start: "finance" }], join: "both" },
        { id: "manager", kind: "human", title: "Manager", candidateGroup: team.group.key, compensateOnReject: true, next: { approve: "both" } },
        { id: "finance", kind: "human", title: "Finance", candidateGroup: team.group.key, next: { approve: "both", reject: "both" } },
        { id: "both", kind: "join", next: "done" },
        { id: "done", kind: "end" },
        { id: "release", kind: "set", assign: { released: true } },
      ],
    });
    const i = await startInstance(team.as.admin, k, {});
    const manager = await openTask(i.id, "Manager");
    const finance = await openTask(i.id, "Finance");
    await decideTask(team.as.alice, manager.id, { outcome: "reject", reason: "Not in budget" });
    const done = await instanceIn(i.id, "COMPENSATED");
    expect(done.variables).toMatchObject({ released: true });
    expect((await db().task.findUniqueOrThrow({ where: { id: finance.id } })).status).toBe("CANCELLED");
    expect(done.steps.find((s) => s.stepId === "finance")!.status).toBe("CANCELLED");
    expect(done.steps.find((s) => s.stepId === "reserve")!.status).toBe("COMPENSATED");
  });
});

describe("operator actions", () => {
  it("cancel stops pending steps and cancels open tasks, audited with the reason", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Cancel me",
      steps: [
        { id: "ask", kind: "human", title: "Cancel {{n}}", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, { variables: { n: 1 } });
    const task = await openTask(i.id);
    await instanceIn(i.id, "WAITING");
    await expect(cancelInstance(team.as.alice, i.id, { reason: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(cancelInstance(team.as.admin, i.id, { reason: " " })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    const cancelled = await cancelInstance(team.as.admin, i.id, { reason: "Duplicate order" });
    expect(cancelled).toMatchObject({ status: "CANCELLED", can: { retry: false, skip: false, cancel: false } });
    expect(cancelled.steps[0]!.status).toBe("CANCELLED");
    expect((await db().task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("CANCELLED");
    const entry = await db().auditEntry.findFirstOrThrow({ where: { instanceId: i.id, action: "instance.cancelled" } });
    expect(entry).toMatchObject({ actorId: team.users.admin.id, reason: "Duplicate order" });
    expect(await db().auditEntry.count({ where: { taskId: task.id, action: "task.cancelled" } })).toBe(1);
    await expect(cancelInstance(team.as.admin, i.id, { reason: "again" })).rejects.toMatchObject({ code: "CONFLICT" });
    // A late decision of the cancelled task changes nothing.
    await expect(decideTask(team.as.alice, task.id, { outcome: "approve" })).rejects.toMatchObject({ message: "This task was cancelled." });
  });

  it("skip continues a failed main-flow step at its next step; a step with no single next cannot be skipped", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Skip me",
      steps: [
        { id: "sync", kind: "http", url: `${base}/bad/${k}`, retries: { max: 0 }, next: "stamp" },
        { id: "stamp", kind: "set", assign: { stamped: true }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, {});
    const failed = await instanceIn(i.id, "FAILED");
    expect(failed.can).toEqual({ retry: true, skip: true, cancel: true });
    await skipFailedStep(team.as.admin, i.id, { reason: "Synced by hand" });
    const done = await instanceIn(i.id, "COMPLETED");
    expect(done.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["sync", "SKIPPED"],
      ["stamp", "COMPLETED"],
      ["done", "COMPLETED"],
    ]);
    await expect(skipFailedStep(team.as.admin, i.id, { reason: "again" })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("circuit breaker per host", () => {
  it("opens after N failures, queues the step without spending attempts, probes after the cool-down and closes on success", async () => {
    const k = key();
    const path = `/toggle/${k}`;
    down.add(path);
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Breaker",
      steps: [
        { id: "sync", kind: "http", url: `${base}${path}`, retries: { max: 6, backoff: "PT0.05S", maxBackoff: "PT0.1S" }, output: { n: "body.n" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, {});
    // Three 503s open the breaker; the fourth attempt is not made: the step waits for the breaker.
    const queued = await waitFor("queued behind the breaker", async () => {
      const x = await getInstance(team.as.admin, i.id);
      return x.steps[0]?.circuitHost ? x : null;
    });
    expect(queued.status).toBe("RUNNING");
    expect(queued.steps[0]).toMatchObject({ status: "PENDING", attempts: 3, circuitHost: host() });
    expect(queued.steps[0]!.error).toMatch(new RegExp(`^Waiting: circuit open for ${host().replace(/\./g, "\\.")} until `));
    const until = new Date(queued.steps[0]!.nextAttemptAt!).getTime();
    expect(until - Date.now()).toBeGreaterThan(0);
    expect(until - Date.now()).toBeLessThan(2000);
    const listed = (await listCircuitBreakers(team.as.admin)).data.find((b) => b.host === host());
    expect(listed).toMatchObject({ state: "open", queuedSteps: 1 });
    expect(hits.get(path)).toBe(3);
    await expect(listCircuitBreakers(team.as.alice)).rejects.toMatchObject({ code: "FORBIDDEN" });

    // The host recovers; after the cool-down one probe goes through and closes the breaker.
    down.delete(path);
    const done = await instanceIn(i.id, "COMPLETED");
    expect(done.steps[0]).toMatchObject({ status: "COMPLETED", attempts: 4, circuitHost: null });
    expect(hits.get(path)).toBe(4);
    expect((await listBreakers()).find((b) => b.host === host())).toMatchObject({ state: "closed", failures: 0 });
    const actions = await actionsOf(i.id);
    expect(actions.filter((a) => a === "step.attempt_failed")).toHaveLength(3);
    expect(actions).toContain("step.circuit_open");
  });

  it("an open breaker takes the step's onCircuitOpen branch without calling the host", async () => {
    const k = key();
    for (let n = 0; n < 3; n++) await recordBreakerFailure(host(), "test: down");
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Breaker fallback",
      steps: [
        { id: "sync", kind: "http", url: `${base}/ok/${k}`, onCircuitOpen: "later", next: "done" },
        { id: "later", kind: "set", assign: { deferred: true }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, {});
    const done = await instanceIn(i.id, "COMPLETED");
    expect(done.steps.map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ["sync", "FAILED", 0],
      ["later", "COMPLETED", 0],
      ["done", "COMPLETED", 0],
    ]);
    expect(done.steps[0]!.error).toMatch(/^Circuit open for .* took onCircuitOpen$/);
    expect(done.variables).toEqual({ deferred: true });
    expect(hits.get(`/ok/${k}`)).toBeUndefined();
  });

  it("a step reached inline (created claimed) behind an open breaker spends no attempt: it waits, or takes onCircuitOpen", async () => {
    for (let n = 0; n < 3; n++) await recordBreakerFailure(host(), "test: down");
    const waits = key();
    const falls = key();
    const steps = (k: string, fallback: boolean) => [
      { id: "prep", kind: "set", assign: { ready: true }, next: "sync" },
      { id: "sync", kind: "http", url: `${base}/ok/${k}`, ...(fallback ? { onCircuitOpen: "later" } : {}), next: "done" },
      ...(fallback ? [{ id: "later", kind: "set", assign: { deferred: true }, next: "done" }] : []),
      { id: "done", kind: "end" },
    ];
    await publishDefinition(team.as.admin, { key: waits, name: "Inline behind breaker", steps: steps(waits, false) });
    await publishDefinition(team.as.admin, { key: falls, name: "Inline breaker fallback", steps: steps(falls, true) });
    const a = await startInstance(team.as.admin, waits, {});
    const b = await startInstance(team.as.admin, falls, {});
    const queued = await waitFor("queued behind the breaker", async () => {
      const x = await getInstance(team.as.admin, a.id);
      return x.steps[1]?.circuitHost ? x : null;
    });
    expect(queued.steps[1]).toMatchObject({ stepId: "sync", status: "PENDING", attempts: 0, circuitHost: host() });
    const fellBack = await instanceIn(b.id, "COMPLETED");
    expect(fellBack.steps.map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ["prep", "COMPLETED", 0],
      ["sync", "FAILED", 0],
      ["later", "COMPLETED", 0],
      ["done", "COMPLETED", 0],
    ]);
    // After the cool-down the waiting one makes its first attempt.
    const done = await instanceIn(a.id, "COMPLETED");
    expect(done.steps[1]).toMatchObject({ status: "COMPLETED", attempts: 1 });
    expect(hits.get(`/ok/${waits}`)).toBe(1);
    expect(hits.get(`/ok/${falls}`)).toBeUndefined();
  });

  it("half-open lets exactly one probe through; a failed probe opens it again", async () => {
    const h = `probe-${uid()}.test:443`;
    const t0 = Date.now();
    for (let n = 0; n < 3; n++) await recordBreakerFailure(h, "503", t0);
    expect(await acquireBreaker(h, 5000, t0 + 10)).toMatchObject({ allowed: false, state: "open" });
    // After the cool-down, concurrent callers: one probe, the others wait for it.
    const gates = await Promise.all([1, 2, 3].map(() => acquireBreaker(h, 5000, t0 + 1100)));
    expect(gates.filter((g) => g.allowed)).toEqual([{ allowed: true, probe: true }]);
    expect(await recordBreakerFailure(h, "still 503", t0 + 1200)).toBe("reopened");
    expect(await acquireBreaker(h, 5000, t0 + 1300)).toMatchObject({ allowed: false, state: "open" });
    // The next probe succeeds: closed, and calls flow again.
    expect(await acquireBreaker(h, 5000, t0 + 2300)).toEqual({ allowed: true, probe: true });
    await recordBreakerSuccess(h);
    expect(await acquireBreaker(h, 5000, t0 + 2400)).toEqual({ allowed: true, probe: false });
    // Failures older than the window do not add up.
    expect(await recordBreakerFailure(h, "503", t0 + 3000)).toBe("closed");
    expect(await recordBreakerFailure(h, "503", t0 + 3000 + 61_000)).toBe("closed");
    expect(await recordBreakerFailure(h, "503", t0 + 3000 + 61_001)).toBe("closed");
  });
});

describe("decision steps with a DMN decision table", () => {
  async function publishTable(key: string, version: number, change?: (rules: typeof invoiceRoutingTable.rules) => void) {
    const m = structuredClone(invoiceRoutingTable);
    m.key = key;
    change?.(m.rules);
    await uploadDmn(team.as.admin, modelToDmnXml(m));
    await publishDecisionTable(team.as.admin, key, { version });
  }

  it("evaluates the latest or a pinned version, branches on the output, and records version, rules, inputs and outputs", async () => {
    const table = `rt_${uid().replace(/-/g, "")}`;
    await publishTable(table, 1);
    // v2 sends everything up to 10,000 (known vendor) to auto-approve.
    await publishTable(table, 2, (rules) => {
      rules[1]!.outputEntries[0]!.text = '"auto-approve"';
    });
    const k = key();
    const steps = (version?: number) => [
      { id: "route", kind: "decision", table: { key: table, ...(version ? { version } : {}), inputs: { amount: "invoice.amount", newVendor: "invoice.newVendor" } }, branches: [{ when: { var: "route.route", op: "==", value: "auto-approve" }, next: "auto" }], otherwise: "manual" },
      { id: "auto", kind: "set", assign: { path: "auto" }, next: "done" },
      { id: "manual", kind: "set", assign: { path: "manual" }, next: "done" },
      { id: "done", kind: "end" },
    ];
    await publishDefinition(team.as.admin, { key: k, name: "Table decision", steps: steps() });
    const latest = await startInstance(team.as.admin, k, { variables: { invoice: { amount: 5000, newVendor: false } } });
    const a = await instanceIn(latest.id, "COMPLETED");
    expect(a.variables).toMatchObject({ path: "auto", route: { route: "auto-approve", approvals: 1 } });
    expect(a.steps[0]!.output).toMatchObject({ table, version: 2, matchedRules: [expect.objectContaining({ id: "invoice_routing_rule_2", index: 2 })], inputs: { amount: 5000, newVendor: false }, branch: 0, next: "auto" });

    const k2 = key();
    await publishDefinition(team.as.admin, { key: k2, name: "Pinned decision", steps: steps(1) });
    const pinned = await startInstance(team.as.admin, k2, { variables: { invoice: { amount: 5000, newVendor: false } } });
    const b = await instanceIn(pinned.id, "COMPLETED");
    expect(b.variables).toMatchObject({ path: "manual", route: { route: "clerk", candidateGroup: "accounts-payable" } });
    expect(b.steps[0]!.output).toMatchObject({ version: 1, branch: "otherwise" });
    const evaluated = await db().auditEntry.findFirstOrThrow({ where: { instanceId: pinned.id, action: "decision_table.evaluated" } });
    expect(evaluated.after).toMatchObject({ version: 1, inputs: { amount: 5000, newVendor: false }, matchedRules: [expect.any(String)], outputs: [expect.objectContaining({ route: "clerk" })] });
    // Every step writes step.completed; pick the decision step's (no ordering is implied by findFirst).
    const completions = await db().auditEntry.findMany({ where: { instanceId: pinned.id, action: "step.completed" } });
    const completed = completions.find((e) => (e.after as { stepId?: string } | null)?.stepId === "route");
    expect(completed?.after).toMatchObject({ stepId: "route", table, tableVersion: 1, matchedRules: [expect.any(String)] });
  });

  it("a table that cannot answer fails the step, naming the table; skip takes otherwise", async () => {
    const k = key();
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Missing table",
      steps: [
        { id: "route", kind: "decision", table: { key: "no-such-table" }, otherwise: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, k, {});
    const failed = await instanceIn(i.id, "FAILED");
    expect(failed.error).toBe('Step "route": decision table "no-such-table" has no published version');
    expect(failed.failedStep).toMatchObject({ stepId: "route", skipTo: "done" });
    await skipFailedStep(team.as.admin, i.id, { reason: "Table retired" });
    await instanceIn(i.id, "COMPLETED");
  });
});
