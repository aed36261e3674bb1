// Crash safety with real processes: a worker process (node --import tsx workers/index.ts, on this
// run's database and Redis prefix) is killed with SIGKILL while an HTTP step waits on a slow
// receiver; a second worker process takes the step over. The step completes exactly once, the
// receiver saw the repeated call only with the same Idempotency-Key, and nothing is lost.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getInstance, startInstance } from "@/lib/engine";
import { publishDefinition } from "@/lib/processes/service";
import { db, makeTeam, uid, waitFor, type Team } from "./helpers";
import { killWorkerProcesses, startWorkerProcess } from "./worker-process";

const calls: { at: number; idempotencyKey: string | undefined }[] = [];
let server: http.Server;
let base = "";
let team: Team;

beforeAll(async () => {
  team = await makeTeam();
  server = http.createServer((req, res) => {
    req.resume();
    calls.push({ at: Date.now(), idempotencyKey: req.headers["idempotency-key"] as string | undefined });
    // The first call hangs (the worker is killed while it waits); later calls answer at once.
    if (calls.length === 1) return;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ postingId: `P-${calls.length}` }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  killWorkerProcesses();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

// Take a dead worker's step over soon after its timeout, and sweep every second.
const startWorker = () => startWorkerProcess({ ENGINE_STALE_GRACE_MS: "500", ENGINE_RECOVERY_MS: "1000", OUTBOX_SWEEP_MS: "500" });

describe("a worker process killed mid-step", () => {
  it("another worker process completes the step exactly once, with the same Idempotency-Key", async () => {
    const k = `crash-${uid()}`;
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Crash and resume",
      steps: [
        { id: "post", kind: "http", url: `${base}/postings`, timeout: "PT2S", retries: { max: 3, backoff: "PT0.1S" }, output: { postingId: "body.postingId" }, next: "stamp" },
        { id: "stamp", kind: "set", assign: { stamped: true }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const first = await startWorker();
    const i = await startInstance(team.as.admin, k, {});
    await waitFor("the first call to reach the receiver", async () => calls.length >= 1, 30_000);
    const running = await db().stepRun.findFirstOrThrow({ where: { instanceId: i.id, stepId: "post" } });
    expect(running).toMatchObject({ status: "RUNNING", attempts: 1 });

    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    expect(first.signalCode).toBe("SIGKILL");

    const second = await startWorker();
    const done = await waitFor(
      "the instance to complete in the second worker",
      async () => {
        const x = await getInstance(team.as.admin, i.id);
        return x.status === "COMPLETED" ? x : null;
      },
      40_000,
    );
    second.kill("SIGTERM");

    // Exactly one run of the step, completed once, by the second attempt (the first died with its worker).
    const runs = await db().stepRun.findMany({ where: { instanceId: i.id, stepId: "post" } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "COMPLETED", attempts: 2 });
    expect((runs[0]!.attemptLog as { n: number; ok: boolean }[]).map((a) => [a.n, a.ok])).toEqual([[2, true]]);
    expect(done.variables).toEqual({ postingId: "P-2", stamped: true });
    expect(done.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["post", "COMPLETED"],
      ["stamp", "COMPLETED"],
      ["done", "COMPLETED"],
    ]);
    // The receiver saw the call twice, both times with the step's idempotency key; nothing else.
    expect(calls.map((c) => c.idempotencyKey)).toEqual([`${i.id}.post`, `${i.id}.post`]);
    const completions = await db().auditEntry.count({ where: { instanceId: i.id, action: "step.completed" } });
    expect(completions).toBe(3);
    expect(await db().auditEntry.count({ where: { instanceId: i.id, action: "instance.completed" } })).toBe(1);
    await new Promise((r) => second.once("exit", r));
  }, 120_000);
});
