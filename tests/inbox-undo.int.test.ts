// The undo window (ADR 008): a decision made with hold is DECIDED and audited at once, its
// consequences wait in PostgreSQL until the window closes; commit and undo race for one row.
import { beforeAll, describe, expect, it } from "vitest";
import { Worker } from "bullmq";
import { decideTask, getTask, listTasks } from "@/lib/tasks";
import { commitDueHeldDecisions, commitHeldDecision, undoDecision } from "@/lib/tasks";
import { env } from "@/lib/env";
import { QUEUES } from "@/lib/queues";
import { createRedis } from "@/lib/redis";
import { processMaintenanceJob } from "@/workers/processors/maintenance";
import { appError, auditFor, db, groupTask, makeTeam, waitFor, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

/** Moves a hold's window so it ends `ms` from now (negative: already closed). */
async function windowEndsIn(taskId: string, ms: number) {
  await db().heldDecision.update({ where: { taskId }, data: { heldUntil: new Date(Date.now() + ms) } });
}

const consequences = (taskId: string) => db().outboxMessage.findMany({ where: { jobId: { in: [`task-decided.${taskId}`, `human.${taskId}`] } } });

describe("undo window", () => {
  it("holds a UI decision: decided and audited at once, consequences only after the window", async () => {
    const task = await groupTask(team, { requestedBy: team.users.carol.id });
    const before = Date.now();
    const decided = await decideTask(team.as.alice, task.id, { outcome: "approve", hold: true });
    expect(decided.status).toBe("DECIDED");
    expect(decided.can.undo).toBe(true);
    expect(new Date(decided.hold!.until).getTime()).toBeGreaterThanOrEqual(before + env().UNDO_WINDOW_SECONDS * 1000 - 50);
    // Others see it decided, without the undo.
    expect((await getTask(team.as.bob, task.id)).can.undo).toBe(false);
    expect((await getTask(team.as.bob, task.id)).hold).toMatchObject({ mine: false });
    // Audited now; the delayed commit job is in the outbox; no notification yet.
    const entries = await auditFor(task.id);
    expect(entries.at(-1)).toMatchObject({ action: "task.approved", actorId: team.users.alice.id });
    expect((entries.at(-1)!.after as Record<string, unknown>).undoableUntil).toBe(decided.hold!.until);
    const commitJob = await db().outboxMessage.findFirst({ where: { jobId: `commit-decision.${task.id}.${decided.version}` } });
    expect(commitJob?.availableAt?.toISOString()).toBe(decided.hold!.until);
    expect(await consequences(task.id)).toEqual([]);
    // Gone from the decider's queue at once.
    expect((await listTasks(team.as.alice, { view: "group", limit: "100" })).data.map((t) => t.id)).not.toContain(task.id);
  });

  it("undo within the window: the task is open again as before, both steps audited, nothing goes out", async () => {
    const task = await groupTask(team);
    const decided = await decideTask(team.as.alice, task.id, { outcome: "reject", reason: "Wrong vendor", hold: true });
    expect(decided.assignee?.id).toBe(team.users.alice.id);
    const undone = await undoDecision(team.as.alice, task.id);
    expect(undone).toMatchObject({ status: "OPEN", outcome: null, reason: null, decidedBy: null, assignee: null, hold: null, version: decided.version + 1 });
    expect(undone.can.decide).toBe(true);
    expect((await auditFor(task.id)).map((e) => e.action)).toEqual(["task.created", "task.routed", "task.rejected", "task.decision_undone"]);
    expect(await db().heldDecision.findUnique({ where: { taskId: task.id } })).toBeNull();
    // The delayed commit finds nothing to commit; no consequences are ever written.
    expect(await commitHeldDecision(task.id)).toBe("not_held");
    expect(await consequences(task.id)).toEqual([]);
    // And it can be decided again (by someone else, too).
    expect((await decideTask(team.as.bob, task.id, { outcome: "approve" })).status).toBe("DECIDED");
  });

  it("only the decider may undo, and a decision without hold cannot be undone", async () => {
    const held = await groupTask(team);
    await decideTask(team.as.alice, held.id, { outcome: "approve", hold: true });
    expect((await appError(undoDecision(team.as.bob, held.id))).code).toBe("FORBIDDEN");
    const direct = await groupTask(team);
    const d = await decideTask(team.as.alice, direct.id, { outcome: "approve" });
    expect(d.hold).toBeNull();
    expect((await appError(undoDecision(team.as.alice, direct.id))).code).toBe("UNDO_WINDOW_CLOSED");
    // Committed at once: its consequences are in the outbox already.
    expect((await consequences(direct.id)).map((m) => m.jobName)).toEqual(["task-decided"]);
  });

  it("commits after the window: consequences written, undo refused with the current state", async () => {
    const task = await groupTask(team, { requestedBy: team.users.carol.id });
    await decideTask(team.as.alice, task.id, { outcome: "approve", hold: true });
    expect(await commitHeldDecision(task.id)).toBe("not_due");
    await windowEndsIn(task.id, -10);
    expect(await commitHeldDecision(task.id)).toBe("committed");
    expect((await consequences(task.id)).map((m) => m.jobName)).toEqual(["task-decided"]);
    const late = await appError(undoDecision(team.as.alice, task.id));
    expect(late.code).toBe("UNDO_WINDOW_CLOSED");
    expect(late.details).toMatchObject({ currentStatus: "DECIDED" });
    expect((await getTask(team.as.alice, task.id)).hold).toBeNull();
    // Committing again is harmless.
    expect(await commitHeldDecision(task.id)).toBe("not_held");
  });

  it("undo racing the commit at the end of the window: exactly one wins, every time", async () => {
    let undos = 0;
    let commits = 0;
    for (let i = 0; i < 8; i++) {
      const task = await groupTask(team);
      await decideTask(team.as.alice, task.id, { outcome: "approve", hold: true });
      await windowEndsIn(task.id, 40);
      await new Promise((r) => setTimeout(r, 40));
      const [u, c] = await Promise.allSettled([undoDecision(team.as.alice, task.id), (async () => {
        // The job retries until due, like the worker's.
        for (;;) {
          const r = await commitHeldDecision(task.id);
          if (r !== "not_due") return r;
          await new Promise((res) => setTimeout(res, 5));
        }
      })()]);
      const undone = u.status === "fulfilled";
      const committed = c.status === "fulfilled" && c.value === "committed";
      expect(undone !== committed, `task ${i}: undo ${u.status}, commit ${c.status === "fulfilled" ? c.value : c.reason}`).toBe(true);
      const now = await getTask(team.as.alice, task.id);
      const actions = (await auditFor(task.id)).map((e) => e.action);
      if (undone) {
        undos++;
        expect(now.status).toBe("OPEN");
        expect(await consequences(task.id)).toEqual([]);
        expect(actions.at(-1)).toBe("task.decision_undone");
      } else {
        commits++;
        expect(now.status).toBe("DECIDED");
        expect((await consequences(task.id)).length).toBe(1);
        expect(actions).not.toContain("task.decision_undone");
      }
    }
    expect(undos + commits).toBe(8);
  });

  it("survives a restart: the hold lives in PostgreSQL; the worker's delayed job (or its sweep) commits it", async () => {
    // "Restart": the web process that decided is gone; nothing of the hold is in its memory.
    const swept = await groupTask(team);
    await decideTask(team.as.alice, swept.id, { outcome: "approve", hold: true });
    await windowEndsIn(swept.id, -5000);
    expect(await commitDueHeldDecisions()).toBeGreaterThanOrEqual(1);
    expect(await db().heldDecision.findUnique({ where: { taskId: swept.id } })).toBeNull();
    expect((await consequences(swept.id)).length).toBe(1);

    // The delayed commit job through the outbox and a real BullMQ worker on this run's prefix.
    const connection = createRedis({ forWorker: true });
    const worker = new Worker(QUEUES.maintenance, processMaintenanceJob, { connection, prefix: env().REDIS_PREFIX, concurrency: 1 });
    worker.on("error", () => undefined);
    try {
      const task = await groupTask(team);
      await decideTask(team.as.alice, task.id, { outcome: "approve", hold: true });
      await windowEndsIn(task.id, 300);
      await db().outboxMessage.updateMany({ where: { jobId: { startsWith: `commit-decision.${task.id}.` } }, data: { availableAt: new Date(Date.now() + 300) } });
      await waitFor("the delayed commit", async () => (await db().heldDecision.findUnique({ where: { taskId: task.id } })) === null && (await consequences(task.id)).length === 1);
    } finally {
      await worker.close();
      await connection.quit().catch(() => undefined);
    }
  });
});

describe("undo of a four-eyes vote (issue #22)", () => {
  it("takes back 'your approval recorded, 1 of 2': the vote goes, the task is as before, nothing goes out", async () => {
    const task = await groupTask(team, { approvalsRequired: 2 });
    const voted = await decideTask(team.as.alice, task.id, { outcome: "approve", hold: true });
    expect(voted).toMatchObject({ status: "OPEN", approvals: [{ approver: { id: team.users.alice.id } }], hold: { mine: true } });
    expect(voted.can.undo).toBe(true);
    expect((await getTask(team.as.bob, task.id)).can.undo).toBe(false);
    const recorded = (await auditFor(task.id)).at(-1)!;
    expect(recorded).toMatchObject({ action: "task.approval_recorded" });
    expect((recorded.after as Record<string, unknown>).undoableUntil).toBe(voted.hold!.until);

    const undone = await undoDecision(team.as.alice, task.id);
    expect(undone).toMatchObject({ status: "OPEN", approvals: [], hold: null, assignee: null, version: voted.version + 1 });
    expect(await db().taskApproval.count({ where: { taskId: task.id } })).toBe(0);
    expect((await auditFor(task.id)).at(-1)).toMatchObject({ action: "task.decision_undone", actorId: team.users.alice.id, after: { status: "OPEN", approvals: 0, approvalsRequired: 2 } });
    // The window has nothing to commit; the task waits for its two approvals again.
    expect(await commitHeldDecision(task.id)).toBe("not_held");
    await decideTask(team.as.alice, task.id, { outcome: "approve" });
    expect((await decideTask(team.as.bob, task.id, { outcome: "approve" })).status).toBe("DECIDED");
  });

  it("the next vote closes the first one's window; a window that closes by itself sets nothing in motion", async () => {
    const task = await groupTask(team, { approvalsRequired: 2 });
    await decideTask(team.as.alice, task.id, { outcome: "approve", hold: true });
    const decided = await decideTask(team.as.bob, task.id, { outcome: "approve" });
    expect(decided.status).toBe("DECIDED");
    expect((await appError(undoDecision(team.as.alice, task.id))).code).toBe("UNDO_WINDOW_CLOSED");
    expect((await getTask(team.as.bob, task.id)).approvals).toHaveLength(2);

    const other = await groupTask(team, { approvalsRequired: 2 });
    await decideTask(team.as.alice, other.id, { outcome: "approve", hold: true });
    await windowEndsIn(other.id, -2000);
    expect(await commitHeldDecision(other.id)).toBe("committed");
    expect(await consequences(other.id)).toEqual([]);
    expect(await getTask(team.as.bob, other.id)).toMatchObject({ status: "OPEN", hold: null, approvals: [{ approver: { id: team.users.alice.id } }] });
    expect((await appError(undoDecision(team.as.alice, other.id))).code).toBe("UNDO_WINDOW_CLOSED");
  });
});

describe("findTask", () => {
  it("loads in one query exactly what the ORM's include loads (votes, people, group, hold)", async () => {
    const { findTask, taskInclude } = await import("@/lib/tasks/repository");
    const canon = (v: unknown): unknown =>
      v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.map(canon) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
    const task = await groupTask(team, { approvalsRequired: 2, requestedBy: team.users.carol.id, context: { amount: 12.5, vendor: "Shape Check" } });
    await decideTask(team.as.alice, task.id, { outcome: "approve", reason: "first" });
    await decideTask(team.as.bob, task.id, { outcome: "approve", hold: true });
    const raw = await findTask(task.id);
    const orm = await db().task.findUnique({ where: { id: task.id }, include: taskInclude });
    expect(raw?.heldDecision).not.toBeNull();
    expect(raw!.approvals).toHaveLength(2);
    expect(canon(raw)).toEqual(canon(orm));
  });
});
