// Deadlines and escalation against real PostgreSQL and Redis, with second-long durations: the
// timers (BullMQ delayed jobs through the outbox), the batch that fires them, the sweep that
// covers for a flushed Redis or a stopped worker, and the SLA pause while information is awaited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "@/lib/db";
import { env } from "@/lib/env";
import { createRedis } from "@/lib/redis";
import { queue, QUEUES } from "@/lib/queues";
import { fireDueEscalations } from "@/lib/tasks";
import { getCalendar, setCalendar, slaAtCreation } from "@/lib/sla/service";
import { answerInfoRequest, requestInfo } from "@/lib/tasks";
import { createTask, decideTask, getTask } from "@/lib/tasks";
import { notifyTaskEscalated } from "@/lib/notifications/escalations";
import { startEscalations } from "@/workers/processors/escalations";
import { processNotificationJob } from "@/workers/processors/notifications";
import { Worker } from "bullmq";
import { createGroup, createUser } from "@/prisma/factories";
import { appError, auditFor, db, makeTeam, uid, waitFor, type Team } from "./helpers";

const SWEEP_MS = 700;
const ON_TIME_MS = 1500;
const GRACE_MS = 300;
let team: Team;
let escalations: ReturnType<typeof startEscalations> | null = null;
const connection = createRedis({ forWorker: true });

function start() {
  escalations = startEscalations({ connection, prefix: env().REDIS_PREFIX, concurrency: 50, sweepMs: SWEEP_MS, graceMs: GRACE_MS });
}
async function stop() {
  await escalations?.close();
  escalations = null;
}

let notifications: Worker;
beforeAll(async () => {
  team = await makeTeam();
  start();
  notifications = new Worker(QUEUES.notifications, processNotificationJob, { connection, prefix: env().REDIS_PREFIX, concurrency: 4 });
});
afterAll(async () => {
  await stop();
  await notifications.close();
  await connection.quit();
});

const history = (taskId: string) => db().taskEscalation.findMany({ where: { taskId }, orderBy: { level: "asc" } });
async function levels(taskId: string, n: number, timeoutMs = 15_000) {
  return waitFor(`${n} escalation level(s) of ${taskId}`, async () => {
    const rows = await history(taskId);
    return rows.length >= n ? rows : null;
  }, timeoutMs);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("escalation levels", () => {
  it("a task escalates through each level on time, with an audit entry and a notification for each new owner", async () => {
    const prisma = db();
    const otherLead = await createUser(prisma, { name: "Escalation Desk" });
    const desk = await createGroup(prisma, { key: `desk-${uid()}`, memberIds: [otherLead.id] });
    const created = Date.now();
    const task = await createTask(team.as.admin, {
      title: `Invoice ${uid()}`,
      assignee: team.users.alice.email,
      candidateGroup: team.group.key,
      requestedBy: team.users.carol.email,
      dueIn: "PT1S",
      escalation: {
        levels: [
          { after: "PT1S", action: "remind" },
          { after: "PT2S", action: "reassign", to: team.users.bob.email },
          { after: "PT3S", action: "supervisor" },
          { after: "PT4S", action: "group", group: desk.key },
          { after: "PT5S", action: "auto_decide", outcome: "reject", reason: "Not decided within the deadline" },
        ],
      },
    });
    expect(task.sla).toMatchObject({ level: 0, levels: 5, next: { level: 1, action: "remind" } });

    const rows = await levels(task.id, 5);
    expect(rows.map((r) => r.action)).toEqual(["remind", "reassign", "supervisor", "group", "auto_decide"]);
    rows.forEach((r, i) => {
      // Each level fires at its own second after creation, and within a second of it.
      expect(r.scheduledAt.getTime() - created).toBeGreaterThanOrEqual((i + 1) * 1000 - 50);
      expect(r.scheduledAt.getTime() - created).toBeLessThan((i + 1) * 1000 + 3000);
      // On time: well within a second (the bound leaves room for a loaded 2-core test machine).
      expect(r.latenessMs).toBeLessThan(ON_TIME_MS);
      expect(r.firedAt.getTime()).toBeGreaterThanOrEqual(r.scheduledAt.getTime());
    });
    expect(rows[1]!.toAssigneeId).toBe(team.users.bob.id);
    // Bob has no supervisor of his own: the group's supervisor takes it.
    expect(rows[2]!.toAssigneeId).toBe(team.users.supervisor.id);
    expect(rows[3]!.toGroupId).toBe(desk.id);

    const after = await getTask(team.as.admin, task.id);
    expect(after).toMatchObject({ status: "DECIDED", outcome: "reject", reason: "Not decided within the deadline", decidedBy: null });
    expect(after.sla).toMatchObject({ state: "closed", level: 5, next: null });

    const actions = (await auditFor(task.id)).map((e) => e.action);
    expect(actions.filter((a) => a === "task.reminded")).toHaveLength(1);
    expect(actions.filter((a) => a === "task.escalated")).toHaveLength(3);
    expect(actions).toContain("task.rejected");

    await waitFor("escalation notifications", async () => {
      const notes = await prisma.notification.findMany({ where: { taskId: task.id, kind: { in: ["task.reminder", "task.escalated"] } } });
      const to = new Set(notes.map((n) => n.userId));
      return to.has(team.users.alice.id) && to.has(team.users.bob.id) && to.has(team.users.supervisor.id) && to.has(otherLead.id) ? notes : null;
    });
    // The notification job is idempotent.
    expect(await notifyTaskEscalated(task.id, 2)).toBe(0);
  });

  it("a decided task does not escalate, and a late or duplicate timer changes nothing", async () => {
    const task = await createTask(team.as.supervisor, {
      title: `Invoice ${uid()}`,
      candidateGroup: team.group.key,
      escalation: { levels: [{ after: "PT3S", action: "remind" }, { after: "PT4S", action: "supervisor" }] },
    });
    await decideTask(team.as.bob, task.id, { outcome: "approve" });
    await sleep(Date.parse(task.sla.next!.at!) + 1500 - Date.now());
    expect(await history(task.id)).toHaveLength(0);
    // The timer ran and found nothing to do.
    const job = await queue(QUEUES.escalations).getJob(`escalate.${task.id}.1.${Date.parse(task.sla.next!.at!)}`);
    expect(job?.returnvalue).toEqual({ skipped: "task DECIDED" });
    expect(await fireDueEscalations({ taskIds: [task.id], by: "timer" })).toEqual([]);
    expect((await getTask(team.as.admin, task.id)).version).toBe(2);
  });

  it("rejects a policy naming someone or something that does not exist (422, nothing created)", async () => {
    const before = await db().task.count();
    const e = await appError(
      createTask(team.as.supervisor, { title: "x", candidateGroup: team.group.key, escalation: { levels: [{ after: "PT1H", action: "reassign", to: "nobody@nowhere.test" }] } }),
    );
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.fieldErrors?.[0]?.path).toBe("escalation.levels.0.to");
    const o = await appError(
      createTask(team.as.supervisor, { title: "x", candidateGroup: team.group.key, escalation: { levels: [{ after: "PT1H", action: "auto_decide", outcome: "partial", reason: "r" }] } }),
    );
    expect(o.fieldErrors?.[0]?.path).toBe("escalation.levels.0.outcome");
    expect(await db().task.count()).toBe(before);
  });
});

describe("PostgreSQL stays the truth", () => {
  it("Redis flushed mid-way: the sweep still escalates the next level within the sweep interval", async () => {
    const task = await createTask(team.as.supervisor, {
      title: `Invoice ${uid()}`,
      assignee: team.users.alice.email,
      escalation: { levels: [{ after: "PT1S", action: "remind" }, { after: "PT2.5S", action: "reassign", to: team.users.bob.email }] },
    });
    await levels(task.id, 1);
    // Level 2's timer goes to Redis just after level 1 commits: wait until it is there (its outbox
    // message marked dispatched), or the flush below can come first and the timer survive it.
    await waitFor("level 2's timer handed to Redis", async () => {
      const pending = await db().outboxMessage.count({ where: { queue: QUEUES.escalations, dispatchedAt: null, payload: { path: ["taskId"], equals: task.id } } });
      return pending === 0 ? true : null;
    });
    // Lose every escalation timer of this run (only this run's prefix, never FLUSHALL).
    const redis = createRedis();
    const keys = await redis.keys(`${env().REDIS_PREFIX}:${QUEUES.escalations}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    const [, second] = await levels(task.id, 2);
    expect(second!.firedBy).toBe("sweep");
    expect(second!.latenessMs).toBeLessThan(SWEEP_MS + GRACE_MS + ON_TIME_MS);
    expect((await getTask(team.as.admin, task.id)).assignee?.id).toBe(team.users.bob.id);
  });

  it("worker stopped for a while: overdue levels escalate on restart, each exactly once", async () => {
    await stop();
    const task = await createTask(team.as.supervisor, {
      title: `Invoice ${uid()}`,
      assignee: team.users.alice.email,
      escalation: { levels: [{ after: "PT0.5S", action: "remind" }, { after: "PT1S", action: "supervisor" }] },
    });
    await sleep(2000);
    expect(await history(task.id)).toHaveLength(0);
    start();
    // Timers and the sweep race for the same levels on restart; a second sweep finds nothing.
    await Promise.all([escalations!.sweepNow(), fireDueEscalations({ by: "sweep" })]);
    const rows = await levels(task.id, 2);
    await sleep(500);
    await escalations!.sweepNow();
    expect(await history(task.id)).toHaveLength(2);
    expect(rows.map((r) => r.level)).toEqual([1, 2]);
    const actions = (await auditFor(task.id)).map((e) => e.action);
    expect(actions.filter((a) => a === "task.reminded")).toHaveLength(1);
    expect(actions.filter((a) => a === "task.escalated")).toHaveLength(1);
  });
});

describe("the SLA clock", () => {
  it("pauses while information is requested and resumes after: due time and pending levels shift by the paused time", async () => {
    const task = await createTask(team.as.admin, {
      title: `Invoice ${uid()}`,
      assignee: team.users.alice.email,
      requestedBy: team.users.carol.email,
      dueIn: "PT3S",
      escalation: { levels: [{ after: "PT3S", action: "remind" }] },
    });
    const plannedAt = Date.parse(task.sla.next!.at!);
    const asked = await requestInfo(team.as.alice, task.id, { question: "Which PO is this?" });
    expect(asked.sla.state).toBe("paused");
    expect(asked.sla.next).toMatchObject({ level: 1, at: null });
    await sleep(Date.parse(task.sla.next!.at!) + 800 - Date.now());
    expect(await history(task.id)).toHaveLength(0);
    const answered = await answerInfoRequest(team.as.carol, task.id, { answer: "PO-4471" });
    const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
    const paused = Number(row.slaPausedMs);
    expect(paused).toBeGreaterThanOrEqual(800);
    expect(answered.sla.state).toBe("running");
    expect(Date.parse(answered.dueAt!) - Date.parse(task.dueAt!)).toBe(paused);
    expect(Date.parse(answered.sla.next!.at!)).toBe(plannedAt + paused);
    const [first] = await levels(task.id, 1);
    expect(first!.scheduledAt.getTime()).toBe(plannedAt + paused);
    expect(first!.latenessMs).toBeLessThan(ON_TIME_MS);
  });

  it("business hours: 8 working hours from Friday 15:00 in the group's calendar fall due on Monday 15:00", async () => {
    const group = await createGroup(db(), { key: `cal-${uid()}`, memberIds: [team.users.alice.id] });
    await setCalendar(team.as.admin, group.key, { timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4, 5], start: "09:00", end: "17:00", holidays: ["2026-12-25"] });
    const sla = await businessPlan(group.id, "2026-11-27T14:00:00Z", "PT8H", { PT6H: "remind", PT8H: "supervisor" });
    expect(sla.dueAt?.toISOString()).toBe("2026-11-30T14:00:00.000Z");
    expect(sla.escalationPolicy?.levels.map((l) => l.at)).toEqual(["2026-11-30T12:00:00.000Z", "2026-11-30T14:00:00.000Z"]);
  });
});

/** A new task's due time and levels in business hours on the group's calendar (levels: after → action). */
const businessPlan = (groupId: string, now: string, dueIn: string, levels: Record<string, "remind" | "supervisor">) =>
  transaction((tx) =>
    slaAtCreation(tx, {
      now: new Date(now),
      dueAt: null,
      dueIn,
      escalation: { businessHours: true, levels: Object.entries(levels).map(([after, action]) => ({ after, action })) },
      candidateGroupId: groupId,
      outcomes: ["approve", "reject"],
    }),
  );

describe("business calendars (admin API)", () => {
  it("admins set a group's calendar (audited); bad input is 422 and others get 403", async () => {
    const group = await createGroup(db(), { key: `cal-${uid()}` });
    expect((await getCalendar(team.as.alice, group.key)).custom).toBe(false);
    const bad = await appError(setCalendar(team.as.admin, group.key, { timeZone: "Mars/Olympus", workingDays: [1], start: "17:00", end: "09:00" }));
    expect(bad.code).toBe("VALIDATION_FAILED");
    expect((await appError(setCalendar(team.as.supervisor, group.key, { timeZone: "UTC", workingDays: [1], start: "09:00", end: "17:00" }))).code).toBe("FORBIDDEN");
    const cal = await setCalendar(team.as.admin, group.key, { timeZone: "America/New_York", workingDays: [1, 2, 3, 4, 5], start: "08:30", end: "16:30", holidays: ["2026-11-26"] });
    const range = [{ start: "08:30", end: "16:30" }];
    expect(cal).toMatchObject({ custom: true, timeZone: "America/New_York", workingDays: [1, 2, 3, 4, 5], hours: { mon: range, fri: range, sat: [], sun: [] }, holidays: ["2026-11-26"] });
    const audit = await db().auditEntry.findFirst({ where: { action: "calendar.updated", subjectId: group.id } });
    expect(audit?.after).toMatchObject({ timeZone: "America/New_York", hours: { mon: ["08:30-16:30"], sat: [] } });
  });

  it("hours per weekday: stored, audited before/after, refused in place when they overlap, and honoured by due dates and levels", async () => {
    const group = await createGroup(db(), { key: `cal-${uid()}`, memberIds: [team.users.alice.id] });
    const day = [{ start: "08:00", end: "12:00" }, { start: "13:00", end: "17:00" }];
    const overlap = await appError(setCalendar(team.as.admin, group.key, { timeZone: "Europe/Berlin", hours: { mon: [{ start: "08:00", end: "12:00" }, { start: "11:30", end: "17:00" }] } }));
    expect(overlap.code).toBe("VALIDATION_FAILED");
    expect(overlap.fieldErrors).toEqual([{ path: "hours.mon.1.start", message: "overlaps 08:00–12:00" }]);
    expect(await db().businessCalendar.findUnique({ where: { groupId: group.id } })).toBeNull();

    const cal = await setCalendar(team.as.admin, group.key, { timeZone: "Europe/Berlin", hours: { mon: day, tue: day, wed: day, thu: day, fri: [{ start: "08:00", end: "13:00" }] } });
    expect(cal).toMatchObject({ custom: true, workingDays: [1, 2, 3, 4, 5], hours: { thu: day, fri: [{ start: "08:00", end: "13:00" }], sat: [] } });
    expect((await db().businessCalendar.findUniqueOrThrow({ where: { groupId: group.id } })).hours).toEqual([...Array(4).fill([[480, 720], [780, 1020]]), [[480, 780]], [], []]);
    const audit = await db().auditEntry.findFirst({ where: { action: "calendar.updated", subjectId: group.id } });
    expect(audit?.before).toMatchObject({ custom: false, hours: { mon: ["09:00-17:00"], fri: ["09:00-17:00"] } });
    expect(audit?.after).toMatchObject({ hours: { mon: ["08:00-12:00", "13:00-17:00"], fri: ["08:00-13:00"], sat: [] } });

    // Thursday 3 Dec 2026 16:00 Berlin (15:00Z): due in 3 working hours → 1 h Thursday, Friday 08:00–10:00;
    // a reminder after 2 h → Friday 09:00; the supervisor after 7 h → 1 + 5 (Friday closes at 13:00) + Monday 08:00–09:00.
    const sla = await businessPlan(group.id, "2026-12-03T15:00:00Z", "PT3H", { PT2H: "remind", PT7H: "supervisor" });
    expect(sla.dueAt?.toISOString()).toBe("2026-12-04T09:00:00.000Z");
    expect(sla.escalationPolicy?.levels.map((l) => l.at)).toEqual(["2026-12-04T08:00:00.000Z", "2026-12-07T08:00:00.000Z"]);
    expect(sla.nextEscalationAt?.toISOString()).toBe("2026-12-04T08:00:00.000Z");
  });
});
