import { beforeAll, describe, expect, it } from "vitest";
import { claimTask, createTask, decideTask, getTask, getTaskHistory, listTasks, unclaimTask, cancelTask } from "@/lib/tasks";
import { appError, auditFor, db, groupTask, makeTeam, uid, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});


describe("createTask", () => {
  it("writes the task, an audit entry and an outbox message", async () => {
    const title = `Approve invoice INV-${uid()}`;
    const dto = await createTask(team.as.supervisor, {
      title,
      candidateGroup: team.group.key,
      priority: "HIGH",
      dueAt: "2030-01-01T12:00:00Z",
      context: { amount: 2300, currency: "EUR" },
    });
    expect(dto).toMatchObject({ title, status: "OPEN", priority: "HIGH", version: 1, assignee: null, dueAt: "2030-01-01T12:00:00.000Z" });
    expect(dto.reference).toMatch(/^TSK-\d+$/);

    const row = await db().task.findUniqueOrThrow({ where: { id: dto.id } });
    expect(row).toMatchObject({ title, candidateGroupId: team.group.id, requestedById: team.users.supervisor.id, status: "OPEN", version: 1 });
    expect(row.context).toEqual({ amount: 2300, currency: "EUR" });

    const audit = await auditFor(dto.id);
    expect(audit.map((a) => a.action)).toEqual(["task.created", "task.routed"]);
    expect(audit[0]).toMatchObject({ actorType: "USER", actorId: team.users.supervisor.id, subjectType: "task", subjectId: dto.id });

    const outbox = await db().outboxMessage.findMany({ where: { jobId: `task-created.${dto.id}` } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ queue: "notifications", jobName: "task-created", payload: { taskId: dto.id } });
  });

  it("resolves an assignee by e-mail", async () => {
    const dto = await createTask(team.as.admin, { title: "Direct", assignee: team.users.alice.email.toUpperCase() });
    expect(dto.assignee).toEqual({ id: team.users.alice.id, name: team.users.alice.name });
  });

  it("refuses members (no tasks:create) and writes nothing", async () => {
    const title = `Forbidden ${uid()}`;
    const err = await appError(createTask(team.as.alice, { title, candidateGroup: team.group.key }));
    expect(err.code).toBe("FORBIDDEN");
    expect(await db().task.count({ where: { title } })).toBe(0);
  });

  it("rejects unknown groups and users with field errors, writing nothing", async () => {
    const title = `Unknown ${uid()}`;
    const e1 = await appError(createTask(team.as.admin, { title, candidateGroup: "no-such-group" }));
    expect(e1.code).toBe("VALIDATION_FAILED");
    expect(e1.fieldErrors).toEqual([{ path: "candidateGroup", message: "unknown group" }]);
    const e2 = await appError(createTask(team.as.admin, { title, assignee: "ghost@nowhere.test" }));
    expect(e2.fieldErrors?.[0]?.path).toBe("assignee");
    expect(await db().task.count({ where: { title } })).toBe(0);
  });
});

describe("listTasks and getTask", () => {
  it("shows group members the queue and hides it from outsiders", async () => {
    const task = await groupTask(team);
    const inbox = await listTasks(team.as.bob, { view: "inbox", limit: "100" });
    expect(inbox.data.map((t) => t.id)).toContain(task.id);
    const mine = inbox.data.find((t) => t.id === task.id);
    expect(mine?.can).toEqual({ claim: true, unclaim: false, decide: true, requestInfo: true, answer: false, undo: false, readOnlyReason: null });

    const outsiderView = await listTasks(team.as.outsider, { view: "all" });
    expect(outsiderView.data.map((t) => t.id)).not.toContain(task.id);
    expect((await appError(getTask(team.as.outsider, task.id))).code).toBe("TASK_NOT_FOUND");

    // Auditors see everything but may not act.
    const audited = await getTask(team.as.auditor, task.id);
    expect(audited.can.decide).toBe(false);
    expect(audited.can.readOnlyReason).toMatch(/view tasks but not decide/);
  });

  it("paginates with a cursor, soonest due first, no duplicates", async () => {
    const base = Date.parse("2031-01-01T00:00:00Z");
    const created: Awaited<ReturnType<typeof createTask>>[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(await createTask(team.as.admin, { title: `Page ${i}`, assignee: team.users.carol.id, dueAt: new Date(base - i * 3_600_000).toISOString() }));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTasks(team.as.carol, { view: "mine", limit: "2", ...(cursor ? { cursor } : {}) });
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const ours = seen.filter((id) => created.some((c) => c.id === id));
    expect(ours).toEqual([...created].reverse().map((c) => c.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("rejects a garbage cursor with 422", async () => {
    expect((await appError(listTasks(team.as.alice, { cursor: "not-a-cursor" }))).code).toBe("VALIDATION_FAILED");
  });
});

describe("claim, unclaim and decide", () => {
  it("claim → unclaim → decide, each bumping the version with one audit entry", async () => {
    const task = await groupTask(team);
    const claimed = await claimTask(team.as.alice, task.id);
    expect(claimed).toMatchObject({ version: 2, assignee: { id: team.users.alice.id } });
    expect(claimed.can.unclaim).toBe(true);

    // Claiming your own task again is a no-op.
    expect((await claimTask(team.as.alice, task.id)).version).toBe(2);
    expect((await appError(claimTask(team.as.bob, task.id))).code).toBe("TASK_CLAIMED_BY_OTHER");
    expect((await appError(decideTask(team.as.bob, task.id, { outcome: "approve" }))).code).toBe("TASK_CLAIMED_BY_OTHER");
    expect((await appError(unclaimTask(team.as.bob, task.id))).code).toBe("FORBIDDEN");

    const released = await unclaimTask(team.as.alice, task.id);
    expect(released).toMatchObject({ version: 3, assignee: null });

    const decided = await decideTask(team.as.bob, task.id, { outcome: "reject", reason: "Duplicate of INV-4401" });
    expect(decided).toMatchObject({ status: "DECIDED", outcome: "reject", reason: "Duplicate of INV-4401", version: 4 });
    expect(decided.decidedBy?.id).toBe(team.users.bob.id);

    const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
    expect(row).toMatchObject({ status: "DECIDED", outcome: "reject", decidedById: team.users.bob.id, assigneeId: team.users.bob.id, version: 4 });
    expect(row.decidedAt).toBeInstanceOf(Date);

    const audit = await auditFor(task.id);
    expect(audit.map((a) => a.action)).toEqual(["task.created", "task.routed", "task.claimed", "task.unclaimed", "task.rejected"]);
    expect(audit[4]).toMatchObject({ actorId: team.users.bob.id, reason: "Duplicate of INV-4401" });
    expect(audit[4]?.before).toMatchObject({ status: "OPEN", version: 3 });
    expect(audit[4]?.after).toMatchObject({ status: "DECIDED", outcome: "reject", version: 4 });

    const history = await getTaskHistory(team.as.bob, task.id);
    expect(history.data.map((h) => h.action)).toEqual(audit.map((a) => a.action));
    expect(await db().outboxMessage.count({ where: { jobId: `task-decided.${task.id}` } })).toBe(1);
  });

  it("outsiders cannot claim or decide a group task", async () => {
    const task = await groupTask(team);
    // They cannot even see it.
    expect((await appError(claimTask(team.as.outsider, task.id))).code).toBe("TASK_NOT_FOUND");
    // The group's supervisor sees it but is not a member.
    expect((await appError(claimTask(team.as.supervisor, task.id))).code).toBe("FORBIDDEN");
  });

  it("auditors cannot decide", async () => {
    const task = await groupTask(team);
    expect((await appError(decideTask(team.as.auditor, task.id, { outcome: "approve" }))).code).toBe("FORBIDDEN");
    expect((await db().task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("OPEN");
  });

  it("a rejection without a reason is 422 and changes nothing", async () => {
    const task = await groupTask(team);
    const err = await appError(decideTask(team.as.alice, task.id, { outcome: "reject" }));
    expect(err.code).toBe("VALIDATION_FAILED");
    expect(err.fieldErrors).toContainEqual({ path: "reason", message: "A reason is required to reject" });
    expect(await db().task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ status: "OPEN", version: 1 });
  });

  it("deciding twice: the second is TASK_ALREADY_DECIDED", async () => {
    const task = await groupTask(team);
    await decideTask(team.as.alice, task.id, { outcome: "approve" });
    const err = await appError(decideTask(team.as.alice, task.id, { outcome: "approve" }));
    expect(err.code).toBe("TASK_ALREADY_DECIDED");
    expect(err.status).toBe(409);
    expect(err.details).toMatchObject({ decidedBy: team.users.alice.name, outcome: "approve" });
    expect((await auditFor(task.id)).filter((a) => a.action === "task.approved")).toHaveLength(1);
  });

  it("cancel needs tasks:assign and a reason, and ends the task", async () => {
    const task = await groupTask(team);
    expect((await appError(cancelTask(team.as.alice, task.id, { reason: "no" }))).code).toBe("FORBIDDEN");
    const cancelled = await cancelTask(team.as.supervisor, task.id, { reason: "Vendor withdrew the invoice" });
    expect(cancelled).toMatchObject({ status: "CANCELLED", reason: "Vendor withdrew the invoice", version: 2 });
    expect((await appError(decideTask(team.as.alice, task.id, { outcome: "approve" }))).code).toBe("TASK_NOT_ACTIONABLE");
    expect((await auditFor(task.id)).map((a) => a.action)).toEqual(["task.created", "task.routed", "task.cancelled"]);
  });
});

describe("separation of duties", () => {
  it("the requester cannot approve their own request, even when in the group", async () => {
    const task = await groupTask(team, { requestedBy: team.users.alice.email });
    expect(task.requestedBy?.id).toBe(team.users.alice.id);
    const seenByAlice = await getTask(team.as.alice, task.id);
    expect(seenByAlice.can).toMatchObject({ claim: false, decide: false, readOnlyReason: expect.stringMatching(/someone else must decide/) });

    const err = await appError(decideTask(team.as.alice, task.id, { outcome: "approve" }));
    expect(err.code).toBe("SOD_VIOLATION");
    expect(err.status).toBe(403);
    expect(await db().task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ status: "OPEN", version: 1, decidedById: null });
    expect((await auditFor(task.id)).map((a) => a.action)).toEqual(["task.created", "task.routed"]);

    // Someone else in the group may.
    await expect(decideTask(team.as.bob, task.id, { outcome: "approve" })).resolves.toMatchObject({ status: "DECIDED" });
  });

  it("a user-created task counts its creator as the requester", async () => {
    const task = await createTask(team.as.supervisor, { title: `Own ${uid()}`, assignee: team.users.supervisor.id });
    expect((await appError(decideTask(team.as.supervisor, task.id, { outcome: "approve" }))).code).toBe("SOD_VIOLATION");
  });
});

describe("optimistic concurrency", () => {
  it("a stale If-Match version is VERSION_MISMATCH (412) and nothing changes", async () => {
    const task = await groupTask(team);
    await claimTask(team.as.alice, task.id); // version 2
    const err = await appError(decideTask(team.as.alice, task.id, { outcome: "approve" }, 1));
    expect(err.code).toBe("VERSION_MISMATCH");
    expect(err.status).toBe(412);
    expect(err.details).toMatchObject({ currentVersion: 2, currentStatus: "OPEN" });

    const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
    expect(row).toMatchObject({ status: "OPEN", version: 2, outcome: null, decidedById: null });
    expect((await auditFor(task.id)).map((a) => a.action)).toEqual(["task.created", "task.routed", "task.claimed"]);

    // The version in the body works the same way; the right version goes through.
    expect((await appError(unclaimTask(team.as.alice, task.id, { version: 1 }))).code).toBe("VERSION_MISMATCH");
    expect((await appError(claimTask(team.as.bob, task.id, {}, 1))).code).toBe("VERSION_MISMATCH");
    await expect(decideTask(team.as.alice, task.id, { outcome: "approve", version: 2 })).resolves.toMatchObject({ version: 3 });
  });
});
