// Four-eyes approvals, custom outcomes and decision forms, reassignment, bulk actions, inbox
// filters and saved filters — services and (for the HTTP contract) the route handlers.
import { beforeAll, describe, expect, it } from "vitest";
import { POST as decideRoute } from "@/app/api/v1/tasks/[id]/decision/route";
import { POST as bulkRoute } from "@/app/api/v1/tasks/bulk/route";
import { POST as reassignRoute } from "@/app/api/v1/tasks/[id]/reassign/route";
import { GET as listFiltersRoute, POST as saveFilterRoute } from "@/app/api/v1/saved-filters/route";
import { DELETE as deleteFilterRoute } from "@/app/api/v1/saved-filters/[id]/route";
import { claimTask, createTask, decideTask, getTask, getTaskHistory, listTasks } from "@/lib/tasks";
import { bulkAction, reassignTask } from "@/lib/tasks";
import { deleteSavedFilter, listSavedFilters, saveFilter } from "@/lib/saved-filters/service";
import { createGroup, createUser, userActor } from "@/prisma/factories";
import { appError, auditFor, db, groupTask, makeTeam, tokenFor, uid, type Team } from "./helpers";

let team: Team;
let supervisorToken: string;
beforeAll(async () => {
  team = await makeTeam();
  supervisorToken = (await tokenFor(team, "SUPERVISOR")).token;
});


function call<P>(route: (req: Request, ctx: { params: Promise<P> }) => Promise<Response>, opts: { method?: string; body?: unknown; params?: P; token?: string }) {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? supervisorToken}` };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const req = new Request("http://localhost:3000/api/v1/x", { method: opts.method ?? "POST", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  return route(req, { params: Promise.resolve((opts.params ?? {}) as P) });
}

describe("four-eyes", () => {
  it("needs N distinct approvers; each approval is stored and audited; decided at the Nth", async () => {
    const task = await groupTask(team, { approvalsRequired: 2, context: { vendor: "New Vendor GmbH", amount: 4200 } });
    const first = await decideTask(team.as.alice, task.id, { outcome: "approve", reason: "PO matches" });
    expect(first).toMatchObject({ status: "OPEN", assignee: null, approvalsRequired: 2 });
    expect(first.approvals).toEqual([expect.objectContaining({ approver: { id: team.users.alice.id, name: "Alice" }, outcome: "approve", reason: "PO matches" })]);
    expect(first.can.decide).toBe(false);
    expect(first.can.readOnlyReason).toMatch(/1 more approval/);

    // Alice's queue no longer shows it; Bob's does.
    expect((await listTasks(team.as.alice, { view: "group", limit: "100" })).data.map((t) => t.id)).not.toContain(task.id);
    expect((await listTasks(team.as.bob, { view: "group", limit: "100" })).data.map((t) => t.id)).toContain(task.id);

    const dup = await appError(decideTask(team.as.alice, task.id, { outcome: "approve" }));
    expect(dup.code).toBe("DUPLICATE_APPROVAL");
    expect(dup.status).toBe(409);
    expect((await appError(claimTask(team.as.alice, task.id))).code).toBe("DUPLICATE_APPROVAL");

    const done = await decideTask(team.as.bob, task.id, { outcome: "approve" });
    expect(done).toMatchObject({ status: "DECIDED", outcome: "approve", decidedBy: { id: team.users.bob.id } });
    expect(done.approvals.map((a) => a.approver.id)).toEqual([team.users.alice.id, team.users.bob.id]);
    expect((await auditFor(task.id)).map((a) => a.action)).toEqual(["task.created", "task.routed", "task.approval_recorded", "task.approved"]);
    const entries = await auditFor(task.id);
    expect(entries[2]!.after).toMatchObject({ approvals: 1, approvalsRequired: 2 });
    expect(entries[3]!.after).toMatchObject({ approvals: 2, approvalsRequired: 2, status: "DECIDED" });
    expect(await db().taskApproval.count({ where: { taskId: task.id } })).toBe(2);
  });

  it("API tokens cannot give four-eyes approvals (403)", async () => {
    const task = await groupTask(team, { approvalsRequired: 2 });
    await decideTask(team.as.carol, task.id, { outcome: "approve" });
    const { token } = await tokenFor(team, "MEMBER");
    // Tokens cannot give four-eyes approvals at all.
    const res = await call(decideRoute, { body: { outcome: "approve" }, params: { id: task.id }, token });
    expect(res.status).toBe(403);
  });

  it("any reject ends it, even after approvals", async () => {
    const task = await groupTask(team, { approvalsRequired: 3 });
    await decideTask(team.as.alice, task.id, { outcome: "approve" });
    const rejected = await decideTask(team.as.bob, task.id, { outcome: "reject", reason: "Vendor not verified" });
    expect(rejected).toMatchObject({ status: "DECIDED", outcome: "reject", reason: "Vendor not verified" });
    expect((await appError(decideTask(team.as.carol, task.id, { outcome: "approve" }))).code).toBe("TASK_ALREADY_DECIDED");
  });

  it("the requester can never approve, not even as one of the approvers", async () => {
    const task = await createTask(team.as.admin, { title: "Own", candidateGroup: team.group.key, requestedBy: team.users.alice.id, approvalsRequired: 2 });
    const e = await appError(decideTask(team.as.alice, task.id, { outcome: "approve" }));
    expect(e.code).toBe("SOD_VIOLATION");
    expect(await db().taskApproval.count({ where: { taskId: task.id } })).toBe(0);
  });

  it("refuses four-eyes without a group to draw approvers from", async () => {
    const e = await appError(createTask(team.as.supervisor, { title: "Lonely", assignee: team.users.alice.id, approvalsRequired: 2 }));
    expect(e.fieldErrors?.[0]?.path).toBe("approvalsRequired");
  });
});

describe("custom outcomes and decision forms", () => {
  const refund = () =>
    groupTask(team, {
      title: `Refund ${uid()}`,
      outcomes: [{ id: "approve_partial", label: "Approve partially", requiresReason: true }],
      form: [
        { id: "refundReason", label: "Refund reason", type: "select", required: true, options: [{ value: "damaged", label: "Damaged" }, { value: "late", label: "Late delivery" }] },
        { id: "amount", label: "Amount to refund", type: "number", required: true, min: 0, max: 500 },
        { id: "notifyCustomer", label: "Notify the customer", type: "boolean" },
      ],
    });

  it("refuses a bad form with field errors, and stores good values with the decision and in the history", async () => {
    const task = await refund();
    expect(task.outcomes).toEqual([{ id: "approve_partial", label: "Approve partially", requiresReason: true }]);
    expect(task.form?.map((f) => f.id)).toEqual(["refundReason", "amount", "notifyCustomer"]);

    const bad = await appError(decideTask(team.as.alice, task.id, { outcome: "approve", form: { refundReason: "whim", amount: 900, extra: 1 } }));
    expect(bad.code).toBe("VALIDATION_FAILED");
    expect(bad.fieldErrors).toEqual(
      expect.arrayContaining([
        { path: "form.refundReason", message: "choose one of: damaged, late" },
        { path: "form.amount", message: "must be at most 500" },
      ]),
    );
    // Through the API as Alice (a member of the task's group): the same field errors, as a 422.
    const aliceToken = (await tokenFor(team, "MEMBER", { owner: "alice" })).token;
    const res = await call(decideRoute, { body: { outcome: "approve", form: { amount: "x" } }, params: { id: task.id }, token: aliceToken });
    expect(res.status, await res.clone().text()).toBe(422);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(["form.amount", "form.refundReason"]);
    expect((await getTask(team.as.alice, task.id)).status).toBe("OPEN");

    const needsReason = await appError(decideTask(team.as.alice, task.id, { outcome: "approve_partial", form: { refundReason: "late", amount: 40 } }));
    expect(needsReason.fieldErrors).toEqual([{ path: "reason", message: "A reason is required" }]);
    const unknown = await appError(decideTask(team.as.alice, task.id, { outcome: "escalate" }));
    expect(unknown.fieldErrors?.[0]?.path).toBe("outcome");

    const decided = await decideTask(team.as.alice, task.id, { outcome: "approve_partial", reason: "Half arrived", form: { refundReason: "late", amount: 40, notifyCustomer: true } });
    expect(decided).toMatchObject({ status: "DECIDED", outcome: "approve_partial", formValues: { refundReason: "late", amount: 40, notifyCustomer: true } });
    const history = await getTaskHistory(team.as.alice, task.id);
    const last = history.data[history.data.length - 1]!;
    expect(last).toMatchObject({ action: "task.decided", reason: "Half arrived", after: { outcome: "approve_partial", form: { refundReason: "late", amount: 40, notifyCustomer: true } } });
  });

  it("a rejection does not need the form", async () => {
    const task = await refund();
    const r = await decideTask(team.as.bob, task.id, { outcome: "reject", reason: "Not eligible" });
    expect(r).toMatchObject({ status: "DECIDED", outcome: "reject", formValues: null });
  });
});

describe("reassign", () => {
  it("supervisors reassign their team's tasks with a reason; audited; the new assignee sees it", async () => {
    const task = await groupTask(team);
    await claimTask(team.as.alice, task.id);
    const moved = await reassignTask(team.as.supervisor, task.id, { assignee: team.users.bob.email, reason: "Alice is ill" });
    expect(moved).toMatchObject({ assignee: { id: team.users.bob.id }, candidateGroup: { key: team.group.key } });
    const entries = await auditFor(task.id);
    expect(entries.at(-1)).toMatchObject({ action: "task.reassigned", reason: "Alice is ill", actorId: team.users.supervisor.id });
    expect(entries.at(-1)!.before).toMatchObject({ assigneeId: team.users.alice.id, assigneeName: "Alice" });
    expect(entries.at(-1)!.after).toMatchObject({ assigneeId: team.users.bob.id });
    expect((await listTasks(team.as.bob, { view: "mine", limit: "100" })).data.map((t) => t.id)).toContain(task.id);
    expect(await db().outboxMessage.count({ where: { jobId: { startsWith: `task-reassigned.${task.id}.` } } })).toBe(1);
  });

  it("needs a reason and tasks:assign; supervisors only for their teams; never to the requester", async () => {
    const task = await groupTask(team);
    expect((await appError(reassignTask(team.as.supervisor, task.id, { assignee: team.users.bob.id }))).code).toBe("VALIDATION_FAILED");
    expect((await appError(reassignTask(team.as.alice, task.id, { assignee: team.users.bob.id, reason: "x" }))).code).toBe("FORBIDDEN");

    const prisma = db();
    const otherLead = await createUser(prisma, { role: "SUPERVISOR", name: `Other lead ${uid()}` });
    const stranger = await createUser(prisma, { name: `Stranger ${uid()}` });
    const otherGroup = await createGroup(prisma, { supervisorId: otherLead.id, memberIds: [stranger.id] });
    // Another team's lead cannot see it at all; our lead cannot move it to a stranger or a foreign queue.
    expect((await appError(reassignTask(userActor(otherLead), task.id, { assignee: stranger.id, reason: "x" }))).code).toBe("TASK_NOT_FOUND");
    expect((await appError(reassignTask(team.as.supervisor, task.id, { assignee: stranger.id, reason: "x" }))).code).toBe("FORBIDDEN");
    expect((await appError(reassignTask(team.as.supervisor, task.id, { candidateGroup: otherGroup.key, reason: "x" }))).code).toBe("FORBIDDEN");
    // Admins may.
    expect((await reassignTask(team.as.admin, task.id, { candidateGroup: otherGroup.key, reason: "Belongs to them" })).candidateGroup?.key).toBe(otherGroup.key);

    const own = await createTask(team.as.admin, { title: "Own", candidateGroup: team.group.key, requestedBy: team.users.carol.id });
    expect((await appError(reassignTask(team.as.supervisor, own.id, { assignee: team.users.carol.id, reason: "x" }))).code).toBe("SOD_VIOLATION");

    const res = await call(reassignRoute, { body: { assignee: team.users.bob.id, reason: "via API" }, params: { id: own.id } });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"2"');
  });
});

describe("bulk", () => {
  it("approves each task on its own: one failure does not undo the rest, each is audited", async () => {
    const ok1 = await groupTask(team);
    const ok2 = await groupTask(team);
    const own = await createTask(team.as.admin, { title: "Own", candidateGroup: team.group.key, requestedBy: team.users.alice.id });
    const decided = await groupTask(team);
    await decideTask(team.as.bob, decided.id, { outcome: "approve" });
    const result = await bulkAction(team.as.alice, { action: "approve", taskIds: [ok1.id, own.id, decided.id, ok2.id, "nope"] });
    expect(result.summary).toEqual({ ok: 2, failed: 3 });
    expect(result.data.map((r) => [r.taskId, r.ok, r.code ?? null])).toEqual([
      [ok1.id, true, null],
      [own.id, false, "SOD_VIOLATION"],
      [decided.id, false, "TASK_ALREADY_DECIDED"],
      [ok2.id, true, null],
      ["nope", false, "TASK_NOT_FOUND"],
    ]);
    for (const id of [ok1.id, ok2.id]) expect((await auditFor(id)).map((a) => a.action)).toEqual(["task.created", "task.routed", "task.approved"]);
    expect((await getTask(team.as.alice, own.id)).status).toBe("OPEN");
  });

  it("reassigns in bulk over HTTP with per-task results", async () => {
    const a = await groupTask(team);
    const b = await groupTask(team);
    await decideTask(team.as.carol, b.id, { outcome: "approve" });
    const res = await call(bulkRoute, { body: { action: "reassign", taskIds: [a.id, b.id], assignee: team.users.bob.id, reason: "Cover for holiday" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { taskId: string; ok: boolean; code?: string }[]; summary: { ok: number; failed: number } };
    expect(body.summary).toEqual({ ok: 1, failed: 1 });
    expect(body.data[1]).toMatchObject({ taskId: b.id, ok: false, code: "TASK_ALREADY_DECIDED" });
    const bad = await call(bulkRoute, { body: { action: "reassign", taskIds: [a.id] } });
    expect(bad.status).toBe(422);
  });
});

describe("inbox filters, search and saved filters", () => {
  it("filters by priority, due and words in title or context; sorts by priority and age", async () => {
    const word = `zebra${uid()}`;
    const soon = new Date(Date.now() + 60_000).toISOString();
    const past = new Date(Date.now() - 3600_000).toISOString();
    const urgent = await groupTask(team, { title: `Invoice ${word}`, priority: "URGENT", dueAt: soon });
    const low = await groupTask(team, { title: "Plain", priority: "LOW", context: { vendor: `${word} Ltd`, amount: 12 }, dueAt: past });
    const high = await groupTask(team, { title: `Other ${word}`, priority: "HIGH" });

    const ids = async (q: Record<string, string>) => (await listTasks(team.as.bob, { view: "inbox", limit: "100", ...q })).data.map((t) => t.id);
    // Default sort: due soonest first, no due date last.
    expect(await ids({ q: word })).toEqual([low.id, urgent.id, high.id]);
    expect(await ids({ q: `${word} ltd` })).toEqual([low.id]);
    expect(await ids({ q: word, priority: "HIGH,URGENT", sort: "priority" })).toEqual([urgent.id, high.id]);
    expect(await ids({ q: word, due: "overdue" })).toEqual([low.id]);
    expect(await ids({ q: word, due: "today" })).toContain(urgent.id);
    expect(await ids({ q: word, due: "week" })).not.toContain(high.id);
    expect(await ids({ q: word, sort: "age" })).toEqual([urgent.id, low.id, high.id]);
    expect(await ids({ q: word, sort: "priority" })).toEqual([urgent.id, high.id, low.id]);
    // Keyset pagination over the priority sort.
    const p1 = await listTasks(team.as.bob, { view: "inbox", q: word, sort: "priority", limit: "2" });
    const p2 = await listTasks(team.as.bob, { view: "inbox", q: word, sort: "priority", limit: "2", cursor: p1.nextCursor! });
    expect([...p1.data, ...p2.data].map((t) => t.id)).toEqual([urgent.id, high.id, low.id]);
    // LIKE wildcards in the search are literal.
    expect(await ids({ q: "%" })).toEqual([]);
  });

  it("saves, lists, replaces and deletes a person's filters (only their own)", async () => {
    const name = `Urgent today ${uid()}`;
    const saved = await saveFilter(team.as.bob, { name, query: "?view=group&priority=URGENT&due=today&cursor=abc" });
    expect(saved.query).toBe("view=group&priority=URGENT&due=today");
    const again = await saveFilter(team.as.bob, { name, query: "view=mine" });
    expect(again.id).toBe(saved.id);
    expect((await listSavedFilters(team.as.bob)).data).toEqual([expect.objectContaining({ id: saved.id, name, query: "view=mine" })]);
    expect((await listSavedFilters(team.as.alice)).data.map((f) => f.id)).not.toContain(saved.id);
    expect((await appError(saveFilter(team.as.bob, { name: "bad", query: "priority=SOMEDAY" }))).code).toBe("VALIDATION_FAILED");
    expect((await appError(deleteSavedFilter(team.as.alice, saved.id))).code).toBe("NOT_FOUND");
    await deleteSavedFilter(team.as.bob, saved.id);
    expect((await listSavedFilters(team.as.bob)).data).toEqual([]);
    // Tokens have no saved filters.
    expect((await listFiltersRoute(new Request("http://x/api/v1/saved-filters", { headers: { authorization: `Bearer ${supervisorToken}` } }), { params: Promise.resolve({}) })).status).toBe(403);
    expect((await call(saveFilterRoute, { body: { name: "x", query: "" } })).status).toBe(403);
    expect((await call(deleteFilterRoute, { method: "DELETE", params: { id: "x" } })).status).toBe(403);
  });
});
