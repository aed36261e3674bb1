import { Worker, type Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { dispatchOutbox, handleLocally, pruneOutbox, runCompanions, transaction, type JobLike } from "@/lib/db";
import { queue, QUEUES } from "@/lib/queues";
import { createRedis } from "@/lib/redis";
import { decideTask } from "@/lib/tasks";
import { processNotificationJob } from "@/workers/processors/notifications";
import { db, groupTask, makeTeam, type Team, uid, waitFor } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

/** Dispatches until this message is handed over (a service's own dispatch may race us). */
async function dispatched(jobId: string): Promise<Job> {
  for (let i = 0; i < 50; i++) {
    await dispatchOutbox();
    const msg = await db().outboxMessage.findFirstOrThrow({ where: { jobId } });
    const job = await queue(QUEUES.notifications).getJob(jobId);
    if (msg.dispatchedAt && job) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`outbox message ${jobId} was never dispatched`);
}

describe("outbox → BullMQ → notification job", () => {
  it("a new group task notifies each member except the requester, exactly once even when the job runs twice", async () => {
    const task = await groupTask(team, { requestedBy: team.users.carol.email });
    const job = await dispatched(`task-created.${task.id}`);
    expect(job.name).toBe("task-created");
    expect(job.data).toMatchObject({ taskId: task.id });
    // The job lives under this run's prefix only.
    expect(job.queueQualifiedName).toBe(`${env().REDIS_PREFIX}:${QUEUES.notifications}`);

    expect(await processNotificationJob(job)).toMatchObject({ notified: 2 });
    expect(await processNotificationJob(job)).toMatchObject({ notified: 0 });

    const notes = await db().notification.findMany({ where: { taskId: task.id }, orderBy: { userId: "asc" } });
    expect(notes.map((n) => n.userId).sort()).toEqual([team.users.alice.id, team.users.bob.id].sort());
    expect(notes.every((n) => n.kind === "task.queued" && n.title.includes(task.reference))).toBe(true);
  });

  it("dispatching the same message twice keeps one job (deterministic job ids)", async () => {
    const task = await groupTask(team);
    const jobId = `task-created.${task.id}`;
    await dispatched(jobId);
    // Simulate a crash between addBulk and marking the row: dispatch again.
    await db().outboxMessage.updateMany({ where: { jobId }, data: { dispatchedAt: null } });
    expect(await dispatchOutbox()).toBeGreaterThanOrEqual(1);
    const counts = await queue(QUEUES.notifications).getJobs(["waiting", "active", "completed", "delayed", "failed"]);
    expect(counts.filter((j) => j.id === jobId)).toHaveLength(1);
  });

  it("a decision notifies the requester once", async () => {
    const task = await groupTask(team, { requestedBy: team.users.carol.email });
    await decideTask(team.as.bob, task.id, { outcome: "reject", reason: "Amount differs from PO" });
    const job = await dispatched(`task-decided.${task.id}`);
    await processNotificationJob(job);
    await processNotificationJob(job);
    const notes = await db().notification.findMany({ where: { taskId: task.id, kind: "task.decided" } });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ userId: team.users.carol.id, body: "Amount differs from PO" });
    expect(notes[0]?.title).toMatch(/rejected by Bob/);
  });

  describe("with a real BullMQ worker on this run's prefix", () => {
    let worker: Worker | undefined;
    afterAll(async () => {
      await worker?.close();
    });

    it("processes dispatched jobs and writes the notifications", async () => {
      const connection = createRedis({ forWorker: true });
      worker = new Worker(QUEUES.notifications, processNotificationJob, { connection, prefix: env().REDIS_PREFIX, concurrency: 2 });
      worker.on("error", () => undefined);
      worker.on("closed", () => void connection.quit().catch(() => undefined));
      const task = await groupTask(team, { assignee: team.users.alice.id, candidateGroup: undefined });
      const jobId = `task-created.${task.id}`;
      await dispatched(jobId);
      // Generous: on a loaded 2-core machine the worker can take several seconds to pick the job up.
      const job = await waitFor("the notification job to complete", async () => {
        const j = await queue(QUEUES.notifications).getJob(jobId);
        // Read again once completed: the first read may predate the return value.
        return j && (await j.isCompleted()) ? queue(QUEUES.notifications).getJob(jobId) : null;
      }, 60_000);
      expect(job.returnvalue).toMatchObject({ notified: 1 });
      expect(await db().notification.count({ where: { taskId: task.id, userId: team.users.alice.id } })).toBe(1);
    });
  });
});

describe("messages the committing process handles itself (the worker's notifications)", () => {
  // Polls without waitFor, which dispatches the outbox itself between polls.
  async function marked(jobId: string) {
    for (let i = 0; i < 100; i++) {
      if ((await db().outboxMessage.findFirstOrThrow({ where: { jobId } })).dispatchedAt) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${jobId} was never marked dispatched`);
  }

  async function commitMessage(jobId: string, runAt?: Date) {
    await transaction(async (tx) => tx.enqueue({ queue: QUEUES.notifications, name: "task-created", jobId, payload: { taskId: `t-${jobId}` }, runAt }));
    return db().outboxMessage.findFirstOrThrow({ where: { jobId } });
  }

  it("are handled after the commit, marked dispatched, and never queued", async () => {
    const seen: JobLike[] = [];
    const undo = handleLocally(QUEUES.notifications, async (job) => {
      // After the commit: the row is there for anyone to read.
      expect(await db().outboxMessage.count({ where: { jobId: job.id } })).toBe(1);
      seen.push(job);
    });
    try {
      const jobId = `local-${uid()}`;
      await commitMessage(jobId);
      expect(seen.map((j) => [j.id, j.name, j.data])).toEqual([[jobId, "task-created", { taskId: `t-${jobId}` }]]);
      await marked(jobId);
      expect(await queue(QUEUES.notifications).getJob(jobId)).toBeUndefined();
    } finally {
      undo();
    }
  });

  it("go to BullMQ when the handler throws, and when they are due later", async () => {
    const undo = handleLocally(QUEUES.notifications, async () => {
      throw new Error("database hiccup");
    });
    try {
      const failing = `local-${uid()}`;
      await commitMessage(failing);
      expect(await queue(QUEUES.notifications).getJob(failing)).toMatchObject({ id: failing, name: "task-created" });
      await marked(failing);

      const later = `local-${uid()}`;
      await commitMessage(later, new Date(Date.now() + 60_000));
      expect(await (await queue(QUEUES.notifications).getJob(later))?.isDelayed()).toBe(true);
    } finally {
      undo();
    }
  });

  it("a crash before the handler finished leaves the row to the sweep, which waits for its minimum age", async () => {
    const jobId = `local-${uid()}`;
    // As the row stands when the process died after the commit: written, not dispatched.
    await db().outboxMessage.create({ data: { queue: QUEUES.notifications, jobName: "task-created", jobId, payload: { taskId: "t" } } });
    await dispatchOutbox(500, { minAgeMs: 60_000 });
    expect((await db().outboxMessage.findFirstOrThrow({ where: { jobId } })).dispatchedAt).toBeNull();
    await db().$executeRaw`UPDATE "OutboxMessage" SET "createdAt" = "createdAt" - interval '2 minutes' WHERE "jobId" = ${jobId}`;
    await dispatchOutbox(500, { minAgeMs: 60_000 });
    expect((await db().outboxMessage.findFirstOrThrow({ where: { jobId } })).dispatchedAt).not.toBeNull();
    expect(await queue(QUEUES.notifications).getJob(jobId)).toMatchObject({ id: jobId });
  });
});

describe("companions: jobs riding along in another job's payload", () => {
  it("a decided process task writes one engine job that carries the decision's notification", async () => {
    const jobId = `human.${uid()}`;
    await transaction(async (tx) =>
      tx.enqueue({
        queue: QUEUES.engine,
        name: "human-decided",
        jobId,
        payload: { taskId: "t1" },
        companions: [{ queue: QUEUES.notifications, name: "task-decided", jobId: `task-decided.${jobId}`, payload: { taskId: "t1" } }],
      }),
    );
    const row = await db().outboxMessage.findFirstOrThrow({ where: { jobId } });
    expect(row.payload).toMatchObject({ taskId: "t1", companions: [{ queue: "notifications", name: "task-decided", jobId: `task-decided.${jobId}`, payload: { taskId: "t1" } }] });
  });

  it("are handled here when this process handles their queue, else queued under their own ids, and a failure queues them", async () => {
    const companion = (jobId: string) => ({ queue: QUEUES.notifications, name: "task-decided", jobId, payload: { taskId: "t1" } });
    const queued = `companion-${uid()}`;
    await runCompanions({ taskId: "t1", companions: [companion(queued)] });
    expect(await queue(QUEUES.notifications).getJob(queued)).toMatchObject({ id: queued, name: "task-decided", data: { taskId: "t1" } });

    const seen: string[] = [];
    let fail = false;
    const undo = handleLocally(QUEUES.notifications, async (job) => {
      if (fail) throw new Error("database hiccup");
      seen.push(job.id!);
    });
    try {
      const here = `companion-${uid()}`;
      await runCompanions({ companions: [companion(here)] });
      expect(seen).toEqual([here]);
      expect(await queue(QUEUES.notifications).getJob(here)).toBeUndefined();
      fail = true;
      const failing = `companion-${uid()}`;
      await runCompanions({ companions: [companion(failing)] });
      expect(await queue(QUEUES.notifications).getJob(failing)).toMatchObject({ id: failing });
    } finally {
      undo();
    }
    // Nothing to do without companions; a malformed list is refused.
    await runCompanions({ taskId: "t1" });
    await expect(runCompanions({ companions: [{ queue: "nope", name: "task-decided", jobId: "x", payload: {} }] })).rejects.toThrow(/invalid companions/);
  });
});

describe("retention", () => {
  it("deletes messages dispatched longer ago than the retention, in batches, and keeps undispatched ones whatever their age", async () => {
    const ago = (h: number) => new Date(Date.now() - h * 3_600_000);
    const mk = (jobId: string, createdAt: Date, dispatchedAt: Date | null) =>
      db().outboxMessage.create({ data: { queue: QUEUES.notifications, jobName: "task-created", jobId, payload: { taskId: "t" }, createdAt, dispatchedAt } });
    const id = uid();
    await mk(`old-a-${id}`, ago(100), ago(99));
    await mk(`old-b-${id}`, ago(80), ago(73));
    await mk(`recent-${id}`, ago(80), ago(71));
    await mk(`never-${id}`, ago(240), null);
    expect(await pruneOutbox(72, 1)).toBeGreaterThanOrEqual(2);
    const left = await db().outboxMessage.findMany({ where: { jobId: { endsWith: id } }, select: { jobId: true } });
    expect(left.map((m) => m.jobId).sort()).toEqual([`never-${id}`, `recent-${id}`]);
    expect(await pruneOutbox(72)).toBe(0);
  });
});
