// ADR 015: a worker job runs the steps its transition created, one after another, up to the next
// wait; end steps complete in the transaction of the step before them; an inline-created run that
// its worker never got to is queued by the recovery sweep. No BullMQ worker runs here: the tests
// call the runner as a job would.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { recoverEngineJobs } from "@/lib/engine/recovery";
import { describeJob, runStep } from "@/lib/engine";
import { sql, transaction } from "@/lib/db";
import { startInstance } from "@/lib/engine";
import { createStepRunInTx } from "@/lib/engine/store";
import { stepById } from "@/lib/processes/definition";
import type { ProcessDocument } from "@/lib/processes/schemas";
import { publishDefinition } from "@/lib/processes/service";
import { queue, QUEUES } from "@/lib/queues";
import { db, dropFaults, failInsertsInto, makeTeam, uid, waitFor, type Team } from "./helpers";

let team: Team;
const servers: http.Server[] = [];
beforeAll(async () => {
  team = await makeTeam();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

afterEach(dropFaults);

const runsOf = (instanceId: string) => db().stepRun.findMany({ where: { instanceId }, orderBy: [{ startedAt: "asc" }, { id: "asc" }] });
const runStepJobs = async (runIds: string[]) => {
  const msgs = await db().outboxMessage.findMany({ where: { jobName: "run-step" } });
  return msgs.filter((m) => runIds.some((id) => m.jobId.startsWith(`step.${id}`)));
};

describe("steps run inline in one job", () => {
  it("one job runs the steps up to the next wait (here a person's task), writing no job for the steps it ran itself", async () => {
    const key = `inline-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Inline",
      steps: [
        { id: "a", kind: "set", assign: { a: 1 }, next: "b" },
        { id: "b", kind: "set", assign: { b: "{{a}}" }, next: "review" },
        { id: "review", kind: "human", title: "Review {{b}}", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, key, {});
    const first = (await runsOf(i.id))[0]!;
    const r = await runStep(first.id);
    expect(describeJob(r)).toBe("set → set → human waiting");

    const runs = await runsOf(i.id);
    expect(runs.map((x) => [x.stepId, x.status])).toEqual([
      ["a", "COMPLETED"],
      ["b", "COMPLETED"],
      ["review", "WAITING"],
    ]);
    const inst = await db().processInstance.findUniqueOrThrow({ where: { id: i.id } });
    expect(inst).toMatchObject({ status: "WAITING", currentStepId: "review", variables: { a: 1, b: 1 } });
    expect(await db().task.count({ where: { instanceId: i.id, title: "Review 1" } })).toBe(1);
    // Only the first run (queued by the request that started the instance) has a job.
    expect((await runStepJobs(runs.map((x) => x.id))).map((m) => m.jobId)).toEqual([`step.${first.id}`]);
  });

  it("an end step completes in the transaction of the step before it, audited as if it had run on its own", async () => {
    const key = `inline-end-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Inline end",
      steps: [
        { id: "stamp", kind: "set", assign: { ok: true }, next: "finish" },
        { id: "finish", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, key, {});
    const first = (await runsOf(i.id))[0]!;
    expect(describeJob(await runStep(first.id))).toBe("set");

    const runs = await runsOf(i.id);
    expect(runs.map((x) => [x.stepId, x.type, x.status])).toEqual([
      ["stamp", "set", "COMPLETED"],
      ["finish", "end", "COMPLETED"],
    ]);
    expect(runs[1]!.endedAt).toBeInstanceOf(Date);
    const inst = await db().processInstance.findUniqueOrThrow({ where: { id: i.id } });
    expect(inst).toMatchObject({ status: "COMPLETED", currentStepId: "finish", variables: { ok: true } });
    expect(inst.endedAt).toBeInstanceOf(Date);
    const audit = await db().auditEntry.findMany({ where: { instanceId: i.id }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["instance.started", "step.completed", "step.completed", "instance.completed"]);
    expect(audit[2]!.after).toMatchObject({ stepId: "finish", stepRunId: runs[1]!.id, status: "COMPLETED", next: null });
    expect(audit[3]!.after).toMatchObject({ status: "COMPLETED", lastStep: "finish" });
  });

  it("a long chain is cut after 16 steps: the rest goes on in a job of its own", async () => {
    const key = `inline-long-${uid()}`;
    const n = 20;
    const steps = Array.from({ length: n }, (_, k) => ({ id: `s${k}`, kind: "set" as const, assign: { [`v${k}`]: k }, next: k + 1 < n ? `s${k + 1}` : "done" }));
    await publishDefinition(team.as.admin, { key, name: "Long", steps: [...steps, { id: "done", kind: "end" }] });
    const i = await startInstance(team.as.admin, key, {});
    const first = (await runsOf(i.id))[0]!;
    const r = await runStep(first.id);
    // The job's own step and 16 inline ones; the 18th run is queued.
    expect(r.steps).toHaveLength(17);
    expect(r.queued?.why).toBe("inline step limit");
    const runs = await runsOf(i.id);
    expect(runs.filter((x) => x.status === "COMPLETED")).toHaveLength(17);
    const pending = runs.find((x) => x.status === "PENDING")!;
    expect(pending.stepId).toBe("s17");
    expect(await queue(QUEUES.engine).getJob(`step.${pending.id}`)).toBeTruthy();
    // That job finishes the instance.
    await runStep(pending.id);
    expect(await db().processInstance.findUniqueOrThrow({ where: { id: i.id } })).toMatchObject({ status: "COMPLETED", currentStepId: "done" });
  });

  it("a task step reached inline is created claimed (no claim of its own); one whose worker died is taken over once stale", async () => {
    const key = `inline-claimed-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Claimed",
      steps: [
        { id: "prep", kind: "set", assign: { n: 7 }, next: "review" },
        { id: "review", kind: "human", title: "Review {{n}}", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, key, {});
    const first = (await runsOf(i.id))[0]!;
    expect(first).toMatchObject({ status: "PENDING", attempts: 0, attemptStartedAt: null });
    await runStep(first.id);
    const review = (await runsOf(i.id)).find((x) => x.stepId === "review")!;
    // Created RUNNING at attempt 1 (version 1) by the set step's transaction, then WAITING (2): no claim between.
    expect(review).toMatchObject({ status: "WAITING", attempts: 1, version: 2 });
    expect(review.attemptStartedAt).toBeInstanceOf(Date);

    // A worker that died right after creating such a run leaves it RUNNING with no job.
    const def = await db().processDefinition.findFirstOrThrow({ where: { key } });
    const orphan = await transaction(async (tx) => {
      await tx.update("StepRun", { status: "COMPLETED", endedAt: new Date() }, sql`"id" = ${review.id}`);
      return createStepRunInTx(tx, i.id, stepById(def.document as unknown as ProcessDocument, "review")!, {}, { enqueue: false });
    });
    expect(await db().stepRun.findUniqueOrThrow({ where: { id: orphan.id } })).toMatchObject({ status: "RUNNING", attempts: 1 });
    // Not yet stale: another job leaves it to its owner.
    await expect(runStep(orphan.id, undefined, { chain: false })).rejects.toThrow(/being started by another worker/);
    // Stale (a minute on): the sweep queues it and the next worker takes it over as attempt 2.
    await db().stepRun.update({ where: { id: orphan.id }, data: { attemptStartedAt: new Date(Date.now() - 120_000) } });
    await recoverEngineJobs({ olderThanMs: 0 });
    const stale = await db().stepRun.findUniqueOrThrow({ where: { id: orphan.id } });
    expect(await queue(QUEUES.engine).getJob(`step.${orphan.id}.r${stale.version}`)).toBeTruthy();
    await runStep(orphan.id);
    expect(await db().stepRun.findUniqueOrThrow({ where: { id: orphan.id } })).toMatchObject({ status: "WAITING", attempts: 2 });
    expect(await db().task.count({ where: { stepRunId: orphan.id } })).toBe(1);
  });

  it("a step finishing from the state its job read, after someone else changed the instance, locks it and goes on from the new state", async () => {
    // The ERP answers only when the test says so; meanwhile the instance changes under the job.
    let answer!: () => void;
    const held = new Promise<void>((r) => (answer = r));
    const server = http.createServer((req, res) => {
      req.resume();
      void held.then(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "R-1" })));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push(server);
    const key = `inline-moved-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Moved",
      steps: [
        { id: "reserve", kind: "http", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/reserve`, output: { reservation: "body.id" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, key, { variables: { order: "ORD-1" } });
    const first = (await runsOf(i.id))[0]!;
    const running = runStep(first.id);
    await waitFor("the call is in flight", async () => ((await db().stepRun.findUniqueOrThrow({ where: { id: first.id } })).status === "RUNNING" ? true : null));
    // Someone else's change to the instance (an operator's note in the variables) bumps its version.
    await db().$executeRaw`UPDATE "ProcessInstance" SET "variables" = "variables" || '{"note":"checked"}'::jsonb, "version" = "version" + 1 WHERE "id" = ${i.id}`;
    answer();
    expect(describeJob(await running)).toBe("http ok");
    const inst = await db().processInstance.findUniqueOrThrow({ where: { id: i.id } });
    expect(inst).toMatchObject({ status: "COMPLETED", currentStepId: "done", variables: { order: "ORD-1", note: "checked", reservation: "R-1" } });
    expect((await runsOf(i.id)).map((x) => [x.stepId, x.status])).toEqual([
      ["reserve", "COMPLETED"],
      ["done", "COMPLETED"],
    ]);
  });

  it("an HTTP step whose finishing transaction fails gives its claim back: the retry claims it at once and repeats the call with the same key", async () => {
    const keys: string[] = [];
    const server = http.createServer((req, res) => {
      keys.push(String(req.headers["idempotency-key"]));
      req.resume();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "R-2" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push(server);
    const key = `inline-release-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Release",
      steps: [
        { id: "reserve", kind: "http", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/reserve`, output: { reservation: "body.id" }, retries: { max: 0 }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, key, {});
    const first = (await runsOf(i.id))[0]!;
    // The call succeeds; the transaction recording it fails (a lost connection, a deadlock…).
    await failInsertsInto("AuditEntry", `NEW."instanceId" = '${i.id}' AND NEW."action" = 'step.completed'`);
    await expect(runStep(first.id, undefined, { chain: false })).rejects.toThrow(/injected fault/);
    expect(await db().stepRun.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "PENDING", attempts: 0, attemptStartedAt: null, version: first.version + 2 });
    expect(keys).toHaveLength(1);

    // Not "busy" until stale: the job's retry takes it at once, as attempt 1 again (no retry was
    // spent: the step allows none), and the ERP sees the same idempotency key.
    await dropFaults();
    expect(describeJob(await runStep(first.id))).toBe("http ok");
    const done = await db().stepRun.findUniqueOrThrow({ where: { id: first.id } });
    expect(done).toMatchObject({ status: "COMPLETED", attempts: 1 });
    expect(done.attemptLog).toHaveLength(1);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await db().processInstance.findUniqueOrThrow({ where: { id: i.id } })).toMatchObject({ status: "COMPLETED", variables: { reservation: "R-2" } });
  });

  it("a task step created claimed whose transaction fails is given back and queued: the next run creates one task", async () => {
    const key = `inline-release-human-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Release human",
      steps: [
        { id: "prep", kind: "set", assign: { n: 3 }, next: "review" },
        { id: "review", kind: "human", title: "Review {{n}} ${key}", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, key, {});
    const first = (await runsOf(i.id))[0]!;
    await failInsertsInto("Task", `NEW."instanceId" = '${i.id}'`);
    // The set step commits; the task step, reached inline and created claimed, fails: it is given
    // back (PENDING, attempt returned) and queued as a job of its own.
    const r = await runStep(first.id);
    expect(describeJob(r)).toMatch(/^set → queued \(.*injected fault/);
    const review = (await runsOf(i.id)).find((x) => x.stepId === "review")!;
    expect(review).toMatchObject({ status: "PENDING", attempts: 0, attemptStartedAt: null });
    expect(await queue(QUEUES.engine).getJob(`step.${review.id}`)).toBeTruthy();
    expect(await db().task.count({ where: { instanceId: i.id } })).toBe(0);

    await dropFaults();
    expect(describeJob(await runStep(review.id))).toBe("human waiting");
    expect(await db().stepRun.findUniqueOrThrow({ where: { id: review.id } })).toMatchObject({ status: "WAITING", attempts: 1 });
    expect(await db().task.count({ where: { instanceId: i.id } })).toBe(1);
  });

  it("a run created for inline work whose worker died before running it is queued by the recovery sweep", async () => {
    const key = `inline-crash-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Crash",
      steps: [
        { id: "first", kind: "set", assign: { x: 1 }, next: "second" },
        { id: "second", kind: "set", assign: { y: 2 }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const i = await startInstance(team.as.admin, key, {});
    const def = await db().processDefinition.findFirstOrThrow({ where: { key } });
    // What a worker leaves behind when it dies between its commit and running the next step:
    // a PENDING run with no job.
    const orphan = await transaction(async (tx) => {
      await tx.update("StepRun", { status: "COMPLETED", endedAt: new Date() }, sql`"instanceId" = ${i.id}`);
      return createStepRunInTx(tx, i.id, stepById(def.document as unknown as ProcessDocument, "second")!, {}, { enqueue: false });
    });
    expect(await runStepJobs([orphan.id])).toHaveLength(0);
    expect(await queue(QUEUES.engine).getJob(`step.${orphan.id}`)).toBeUndefined();

    const { requeued } = await recoverEngineJobs({ olderThanMs: 0 });
    expect(requeued).toBeGreaterThanOrEqual(1);
    const run = await db().stepRun.findUniqueOrThrow({ where: { id: orphan.id } });
    expect(await queue(QUEUES.engine).getJob(`step.${orphan.id}.r${run.version}`)).toBeTruthy();
    await runStep(orphan.id);
    expect(await db().processInstance.findUniqueOrThrow({ where: { id: i.id } })).toMatchObject({ status: "COMPLETED", variables: { y: 2 } });
  });
});
