// The supervisor console: a team's load and queues, out-of-office windows, moving work — and who
// may do it (supervisors of that team and admins; members get 403 as problem+json).
import { addHours, subHours } from "date-fns";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createGroup, createUser, userActor } from "@/prisma/factories";
import { createTask } from "@/lib/tasks";
import { bulkAction, reassignTask } from "@/lib/tasks";
import { clearOutOfOffice, endOfToday, getTeamView, setOutOfOffice } from "@/lib/team/service";
import { appError, auditFor, db, makeTeam, uid, type Team } from "./helpers";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));
// The API reads the session cookie through app/api/_lib/session-token (not auth()).
vi.mock("@/app/api/_lib/session-token", () => ({ sessionUserId: async () => session.userId }));
const { GET: getTeam } = await import("@/app/api/v1/team/route");
const { PUT: putOutOfOffice } = await import("@/app/api/v1/team/members/[id]/out-of-office/route");

let team: Team;
let other: Team;
beforeAll(async () => {
  team = await makeTeam();
  other = await makeTeam();
});

const assigned = (to: { id: string }, input: Record<string, unknown> = {}) =>
  createTask(team.as.admin, { title: `Console ${uid()}`, assignee: to.id, ...input });

describe("team view", () => {
  it("shows each member's open, overdue and due-today work, their load and the unassigned queue", async () => {
    const now = new Date();
    // Due today but later than now (unless the day is nearly over, then it is simply open).
    const laterToday = new Date(Math.min(addHours(now, 1).getTime(), endOfToday(now, "UTC").getTime() - 1000));
    await assigned(team.users.alice, { dueAt: subHours(now, 3).toISOString(), priority: "URGENT" });
    await assigned(team.users.alice, { dueAt: laterToday.toISOString() });
    await assigned(team.users.alice, { dueAt: addHours(now, 72).toISOString(), priority: "LOW" });
    const queued = await createTask(team.as.supervisor, { title: `Queue ${uid()}`, candidateGroup: team.group.key, dueAt: subHours(now, 1).toISOString() });

    const view = await getTeamView(team.as.supervisor, {}, now);
    expect(view.supervisor).toEqual({ id: team.users.supervisor.id, name: team.users.supervisor.name });
    expect(view.members.map((m) => m.id).sort()).toEqual([team.users.alice.id, team.users.bob.id, team.users.carol.id].sort());
    const alice = view.members.find((m) => m.id === team.users.alice.id)!;
    expect(alice.counts).toEqual({ open: 3, overdue: 1, dueToday: laterToday > now ? 1 : 0 });
    expect(alice.load).toBe(4 + 1 + 0.5);
    expect(alice.tasks[0]?.priority).toBe("URGENT");
    expect(alice.groups.map((g) => g.key)).toEqual([team.group.key]);
    const queue = view.queues.find((q) => q.group.id === team.group.id)!;
    expect(queue.tasks.map((t) => t.id)).toContain(queued.id);
    expect(queue.counts.overdue).toBeGreaterThanOrEqual(1);
    // Nobody from another team.
    expect(view.members.some((m) => m.id === other.users.alice.id)).toBe(false);
    expect(view.queues.some((q) => q.group.id === other.group.id)).toBe(false);
  });

  it("lists the team's escalated work, including what was escalated to the supervisor", async () => {
    // lib/sla records an escalation by moving the task and stamping escalationLevel/escalatedAt.
    const toLead = await assigned(team.users.supervisor, { dueAt: subHours(new Date(), 4).toISOString() });
    const toMember = await assigned(team.users.bob, { dueAt: subHours(new Date(), 2).toISOString() });
    const foreign = await createTask(other.as.admin, { title: `Foreign ${uid()}`, assignee: other.users.alice.id });
    for (const [t, minutes] of [[toLead, 5], [toMember, 1], [foreign, 1]] as const) {
      await db().task.update({ where: { id: t.id }, data: { escalationLevel: 1, escalatedAt: new Date(Date.now() - minutes * 60_000) } });
    }
    const view = await getTeamView(team.as.supervisor);
    expect(view.escalated.map((t) => t.id)).toEqual([toMember.id, toLead.id]);
    expect(view.escalated[0]).toMatchObject({ escalationLevel: 1, assignee: { id: team.users.bob.id } });
    expect(view.totals.escalated).toBe(2);
  });

  it("admins see every team, or one supervisor's", async () => {
    const all = await getTeamView(team.as.admin);
    expect(all.supervisor).toBeNull();
    expect(all.queues.map((q) => q.group.id)).toEqual(expect.arrayContaining([team.group.id, other.group.id]));
    const one = await getTeamView(team.as.admin, { supervisor: other.users.supervisor.email });
    expect(one.supervisor?.id).toBe(other.users.supervisor.id);
    expect(one.queues.map((q) => q.group.id)).toEqual([other.group.id]);
  });

  it("members and auditors get 403 as problem+json, with no data", async () => {
    expect((await appError(getTeamView(team.as.alice))).code).toBe("FORBIDDEN");
    expect((await appError(getTeamView(team.as.auditor))).code).toBe("FORBIDDEN");
    session.userId = team.users.alice.id;
    const res = await getTeam(new Request("http://localhost/api/v1/team"), { params: Promise.resolve({}) });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(body).not.toHaveProperty("members");
  });
});

describe("out of office", () => {
  it("a supervisor sets a member away with a delegate: audited, routing skips them, and it can be ended", async () => {
    const sup = await createUser(db(), { role: "SUPERVISOR", name: "Sup" });
    const [m1, m2] = await Promise.all([createUser(db(), { name: "Away", supervisorId: sup.id }), createUser(db(), { name: "Cover", supervisorId: sup.id })]);
    await createGroup(db(), { supervisorId: sup.id, memberIds: [m1.id, m2.id] });
    const actor = userActor(sup);
    const from = new Date(Date.now() - 60_000).toISOString();
    const until = addHours(new Date(), 48).toISOString();

    const dto = await setOutOfOffice(actor, m1.id, { from, until, delegate: m2.email, reason: "Annual leave" });
    expect(dto).toMatchObject({ userId: m1.id, outOfOffice: { from, until, activeNow: true }, delegate: { id: m2.id } });
    const entry = await db().auditEntry.findFirstOrThrow({ where: { action: "user.out_of_office_set", subjectId: m1.id } });
    expect(entry).toMatchObject({ actorId: sup.id, reason: "Annual leave" });
    expect(entry.after).toMatchObject({ outOfOfficeUntil: until, delegateId: m2.id, delegateName: "Cover" });

    // Direct work for the away person goes to the delegate, keeping both names.
    const task = await createTask(actor, { title: `While away ${uid()}`, assignee: m1.id });
    expect(task.assignee?.id).toBe(m2.id);
    expect(task.delegatedFrom?.id).toBe(m1.id);

    const view = await getTeamView(actor);
    expect(view.members.find((m) => m.id === m1.id)?.outOfOffice?.activeNow).toBe(true);

    const cleared = await clearOutOfOffice(actor, m1.id, { reason: "Back early" });
    expect(cleared.outOfOffice).toBeNull();
    expect(cleared.delegate?.id).toBe(m2.id);
    expect(await db().auditEntry.count({ where: { action: "user.out_of_office_cleared", subjectId: m1.id } })).toBe(1);
    expect((await appError(clearOutOfOffice(actor, m1.id))).code).toBe("CONFLICT");
  });

  it("refuses people outside the team, a delegate outside it, and windows that end before they start", async () => {
    const window = { from: new Date().toISOString(), until: addHours(new Date(), 5).toISOString(), delegate: null };
    expect((await appError(setOutOfOffice(team.as.supervisor, other.users.alice.id, window))).code).toBe("FORBIDDEN");
    expect((await appError(setOutOfOffice(team.as.supervisor, team.users.alice.id, { ...window, delegate: other.users.bob.id }))).code).toBe("FORBIDDEN");
    const bad = await appError(setOutOfOffice(team.as.supervisor, team.users.alice.id, { ...window, until: subHours(new Date(), 1).toISOString() }));
    expect(bad.code).toBe("VALIDATION_FAILED");
    expect(bad.fieldErrors?.[0]?.path).toBe("until");
    expect((await appError(setOutOfOffice(team.as.supervisor, team.users.alice.id, { ...window, delegate: team.users.alice.id }))).code).toBe("VALIDATION_FAILED");
    // Nothing changed, nothing audited.
    expect(await db().auditEntry.count({ where: { action: "user.out_of_office_set", subjectId: { in: [team.users.alice.id, other.users.alice.id] } } })).toBe(0);
    expect((await db().user.findUniqueOrThrow({ where: { id: team.users.alice.id } })).outOfOfficeUntil).toBeNull();
  });

  it("members get 403 from the API", async () => {
    session.userId = team.users.bob.id;
    const req = new Request("http://localhost/api/v1/team/members/x/out-of-office", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: new Date().toISOString(), until: addHours(new Date(), 2).toISOString(), delegate: null }),
    });
    const res = await putOutOfOffice(req, { params: Promise.resolve({ id: team.users.alice.id }) });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
  });
});

describe("moving work from the console", () => {
  it("reassigns many overdue tasks with one reason, each audited, and the supervisor can take one", async () => {
    const overdue = [
      await assigned(team.users.carol, { dueAt: subHours(new Date(), 2).toISOString() }),
      await assigned(team.users.carol, { dueAt: subHours(new Date(), 1).toISOString() }),
    ];
    const result = await bulkAction(team.as.supervisor, { action: "reassign", taskIds: overdue.map((t) => t.id), assignee: team.users.bob.id, reason: "Carol is ill today" });
    expect(result.summary).toEqual({ ok: 2, failed: 0 });
    for (const t of overdue) {
      const entries = (await auditFor(t.id)).filter((e) => e.action === "task.reassigned");
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ reason: "Carol is ill today", actorId: team.users.supervisor.id });
    }
    const taken = await reassignTask(team.as.supervisor, overdue[0]!.id, { assignee: team.users.supervisor.id, reason: "Taking it myself" });
    expect(taken.assignee?.id).toBe(team.users.supervisor.id);
    expect(taken.can.decide).toBe(true);
    // Someone else's team: refused, unchanged.
    const foreign = await createTask(other.as.supervisor, { title: `Other ${uid()}`, assignee: other.users.alice.id });
    const refused = await bulkAction(team.as.supervisor, { action: "reassign", taskIds: [foreign.id], assignee: team.users.bob.id, reason: "x" });
    expect(refused.data[0]).toMatchObject({ ok: false });
    expect((await db().task.findUniqueOrThrow({ where: { id: foreign.id } })).assigneeId).toBe(other.users.alice.id);
  });
});
