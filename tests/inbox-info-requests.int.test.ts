// Request more information, answers and comments with @mentions, through the route handlers
// (session auth replaced by a variable) and the services, against real PostgreSQL and Redis.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { createTask, decideTask, cancelTask, getTask, listTasks } from "@/lib/tasks";
import { answerInfoRequest, requestInfo } from "@/lib/tasks";
import { addComment, listComments } from "@/lib/comments/service";
import { getMe } from "@/lib/identity/service";
import { processNotificationJob } from "@/workers/processors/notifications";
import type { Job } from "bullmq";
import { appError, auditFor, db, groupTask, makeTeam, uid, type Team } from "./helpers";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));
// The API reads the session cookie through app/api/_lib/session-token (not auth()).
vi.mock("@/app/api/_lib/session-token", () => ({ sessionUserId: async () => session.userId }));

const { POST: requestInfoRoute } = await import("@/app/api/v1/tasks/[id]/request-info/route");
const { POST: answerRoute } = await import("@/app/api/v1/tasks/[id]/answer/route");
const { GET: listCommentsRoute, POST: commentRoute } = await import("@/app/api/v1/tasks/[id]/comments/route");

type Route = (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

function call(route: Route, as: keyof Team["users"], id: string, body?: unknown, headers: Record<string, string> = {}) {
  session.userId = team.users[as].id;
  const req = new Request(`http://localhost/api/v1/tasks/${id}/x`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return route(req, { params: Promise.resolve({ id }) });
}

/** Runs the notification job the outbox row describes, as the worker would (twice: idempotent). */
async function runJob(jobId: string): Promise<number> {
  const msg = await db().outboxMessage.findFirstOrThrow({ where: { jobId } });
  const job = { name: msg.jobName, data: msg.payload } as unknown as Job;
  const first = (await processNotificationJob(job)).notified;
  expect((await processNotificationJob(job)).notified).toBe(0);
  return first;
}

/** A task assigned to Alice directly (created by the admin, who sees every task). */
function aliceTask(requestedBy?: string) {
  return createTask(team.as.admin, { title: `Approve invoice ${uid()}`, assignee: team.users.alice.email, ...(requestedBy ? { requestedBy } : {}) });
}

function code(e: unknown): string {
  expect(e).toBeInstanceOf(AppError);
  return (e as AppError).code;
}

describe("request more information", () => {
  it("round trip: ask the requester, they see it in 'asked', answer, the task is back with the same assignee", async () => {
    const task = await groupTask(team, { requestedBy: team.users.carol.email });
    // Alice (a group member) asks on an unclaimed task: that claims it for her, like deciding.
    const res = await call(requestInfoRoute, "alice", task.id, { question: "Which cost centre should this go to?", version: task.version });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"2"');
    const waiting = (await res.json()) as Awaited<ReturnType<typeof getTask>>;
    expect(waiting).toMatchObject({ status: "INFO_REQUESTED", assignee: { id: team.users.alice.id } });
    expect(waiting.infoRequest?.askedOf?.id).toBe(team.users.carol.id);
    expect(waiting.can).toMatchObject({ decide: false, requestInfo: false, answer: false });
    expect(waiting.can.readOnlyReason).toMatch(/Waiting for Carol/);

    const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
    expect(row).toMatchObject({ status: "INFO_REQUESTED", version: 2, infoRequestedOfId: team.users.carol.id, infoRequestedById: team.users.alice.id });
    const question = await db().comment.findFirstOrThrow({ where: { taskId: task.id, kind: "QUESTION" } });
    expect(question).toMatchObject({ authorId: team.users.alice.id, body: "Which cost centre should this go to?", mentionedUserIds: [team.users.carol.id] });
    const audit = (await auditFor(task.id)).find((a) => a.action === "task.info_requested");
    expect(audit).toMatchObject({ actorId: team.users.alice.id, reason: "Which cost centre should this go to?" });

    // Carol is notified once, and finds it in her "asked" view and counts.
    expect(await runJob(`task-info-requested.${question.id}`)).toBe(1);
    const note = await db().notification.findFirstOrThrow({ where: { userId: team.users.carol.id, taskId: task.id } });
    expect(note).toMatchObject({ kind: "task.info_requested", body: "Which cost centre should this go to?" });
    expect(note.title).toMatch(/Alice asks you about TSK-/);
    const asked = await listTasks(team.as.carol, { view: "asked" });
    expect(asked.data.map((t) => t.id)).toContain(task.id);
    expect((await getMe(team.as.carol)).counts.askedOfMe).toBeGreaterThanOrEqual(1);
    expect((await getTask(team.as.carol, task.id)).can.answer).toBe(true);

    // Deciding while waiting is refused.
    await expect(decideTask(team.as.alice, task.id, { outcome: "approve" })).rejects.toMatchObject({ code: "TASK_NOT_ACTIONABLE" });

    const answered = await call(answerRoute, "carol", task.id, { answer: "Cost centre 4410 (marketing)." });
    expect(answered.status).toBe(200);
    const back = (await answered.json()) as Awaited<ReturnType<typeof getTask>>;
    expect(back).toMatchObject({ status: "OPEN", assignee: { id: team.users.alice.id }, infoRequest: null, version: 3 });
    const answer = await db().comment.findFirstOrThrow({ where: { taskId: task.id, kind: "ANSWER" } });
    expect(answer.body).toBe("Cost centre 4410 (marketing).");
    expect((await auditFor(task.id)).map((a) => a.action)).toEqual(["task.created", "task.routed", "task.info_requested", "task.info_answered"]);
    expect(await runJob(`task-info-answered.${answer.id}`)).toBe(1);
    const toAlice = await db().notification.findFirstOrThrow({ where: { userId: team.users.alice.id, taskId: task.id, kind: "task.info_answered" } });
    expect(toAlice.title).toMatch(/Carol answered your question/);

    // Carol can still see the task she answered; Alice decides as usual.
    expect((await getTask(team.as.carol, task.id)).status).toBe("OPEN");
    const decided = await decideTask(team.as.alice, task.id, { outcome: "approve", version: 3 });
    expect(decided.status).toBe("DECIDED");

    const comments = (await (await call(listCommentsRoute, "carol", task.id)).json()) as { data: { kind: string; body: string }[] };
    expect(comments.data.map((c) => c.kind)).toEqual(["question", "answer"]);
  });

  it("the wrong person cannot answer (403); an admin can", async () => {
    const task = await aliceTask(team.users.carol.email);
    // Only someone who can already see the task may be asked (M4): Bob cannot, Alice's supervisor can.
    expect((await appError(requestInfo(team.as.alice, task.id, { question: "PO number?", askTo: team.users.bob.email }))).code).toBe("FORBIDDEN");
    await requestInfo(team.as.alice, task.id, { question: "PO number?", askTo: team.users.supervisor.email });
    const refused = await call(answerRoute, "carol", task.id, { answer: "I am not the supervisor" });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/put to Supervisor/);
    const byAlice = await call(answerRoute, "alice", task.id, { answer: "Answering my own question" });
    expect(byAlice.status).toBe(403);
    expect((await db().task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("INFO_REQUESTED");
    expect((await auditFor(task.id)).filter((a) => a.action === "task.info_answered")).toHaveLength(0);
    const byAdmin = await answerInfoRequest(team.as.admin, task.id, { answer: "PO-7781" });
    expect(byAdmin.status).toBe("OPEN");
  });

  it("refuses: no requester and no askTo (422), asking yourself (422), the requester asking (403), someone else's claim (409), a stale version (412)", async () => {
    const noRequester = await aliceTask();
    await db().task.update({ where: { id: noRequester.id }, data: { requestedById: null } });
    const r1 = await call(requestInfoRoute, "alice", noRequester.id, { question: "?" });
    expect(r1.status).toBe(422);
    expect(((await r1.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("askTo");
    expect((await call(requestInfoRoute, "alice", noRequester.id, { question: "?", askTo: team.users.alice.id })).status).toBe(422);

    const own = await groupTask(team, { requestedBy: team.users.bob.email });
    expect((await call(requestInfoRoute, "bob", own.id, { question: "?", askTo: team.users.carol.email })).status).toBe(403);

    const claimed = await aliceTask(team.users.carol.email);
    const r2 = await call(requestInfoRoute, "bob", claimed.id, { question: "?" });
    expect([404, 409]).toContain(r2.status);

    const stale = await call(requestInfoRoute, "alice", claimed.id, { question: "?" }, { "if-match": '"7"' });
    expect(stale.status).toBe(412);
    expect((await auditFor(claimed.id)).map((a) => a.action)).toEqual(["task.created", "task.routed"]);
  });

  it("answer racing a decision attempt and a second answer: one answer, decide refused or after", async () => {
    for (let round = 0; round < 3; round++) {
      const task = await aliceTask(team.users.carol.email);
      const waiting = await requestInfo(team.as.alice, task.id, { question: `Round ${round}?` });
      const results = await Promise.allSettled([
        answerInfoRequest(team.as.carol, task.id, { answer: "A" }),
        answerInfoRequest(team.as.admin, task.id, { answer: "B" }),
        decideTask(team.as.alice, task.id, { outcome: "approve", version: waiting.version }),
      ]);
      const answers = results.slice(0, 2);
      expect(answers.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const loser = answers.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(["TASK_NOT_ACTIONABLE", "VERSION_MISMATCH", "TASK_ALREADY_DECIDED"]).toContain(code(loser.reason));
      // The decision saw INFO_REQUESTED (refused) or a newer version (412): it never wins on a stale view.
      expect(results[2]!.status).toBe("rejected");
      expect(["TASK_NOT_ACTIONABLE", "VERSION_MISMATCH"]).toContain(code((results[2] as PromiseRejectedResult).reason));
      const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
      expect(row).toMatchObject({ status: "OPEN", version: 3, assigneeId: team.users.alice.id });
      expect(await db().comment.count({ where: { taskId: task.id, kind: "ANSWER" } })).toBe(1);
      expect((await auditFor(task.id)).filter((a) => a.action === "task.info_answered")).toHaveLength(1);
    }
  });

  it("request-info racing a decision on the same open task: exactly one wins", async () => {
    for (let round = 0; round < 3; round++) {
      const task = await groupTask(team, { requestedBy: team.users.carol.email });
      const results = await Promise.allSettled([
        requestInfo(team.as.alice, task.id, { question: "Is this a duplicate?" }),
        decideTask(team.as.bob, task.id, { outcome: "approve" }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const actions = (await auditFor(task.id)).map((a) => a.action).filter((a) => a !== "task.created" && a !== "task.routed");
      expect(actions).toHaveLength(1);
      const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
      expect(row.version).toBe(2);
      expect(await db().comment.count({ where: { taskId: task.id } })).toBe(actions[0] === "task.info_requested" ? 1 : 0);
    }
  });

  it("a waiting task can be cancelled; answering it then is 409", async () => {
    const task = await aliceTask(team.users.carol.email);
    await requestInfo(team.as.alice, task.id, { question: "Still needed?" });
    await cancelTask(team.as.admin, task.id, { reason: "Withdrawn" });
    const res = await call(answerRoute, "carol", task.id, { answer: "Yes" });
    expect(res.status).toBe(409);
  });
});

describe("comments with @mentions", () => {
  it("anyone who can see the task comments; mentioned people are notified once; a mention never grants access (M4)", async () => {
    const task = await groupTask(team);
    // Seeing is not granting: the outsider cannot see the task, so the comment is refused, unchanged.
    const refused = await call(commentRoute, "bob", task.id, { body: `@${team.users.outsider.email} can you confirm the delivery?` });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/Outsider cannot see this task/);
    expect((await auditFor(task.id)).filter((a) => a.action === "task.commented")).toHaveLength(0);
    expect((await appError(getTask(team.as.outsider, task.id))).code).toBe("TASK_NOT_FOUND");

    const res = await call(commentRoute, "bob", task.id, {
      body: `@${team.users.supervisor.email} can you confirm the delivery? cc @${team.users.carol.email.toUpperCase()}`,
    });
    expect(res.status).toBe(201);
    const comment = (await res.json()) as { id: string; kind: string; mentions: { id: string }[]; author: { id: string } };
    expect(comment.kind).toBe("comment");
    expect(comment.author.id).toBe(team.users.bob.id);
    expect(comment.mentions.map((m) => m.id).sort()).toEqual([team.users.supervisor.id, team.users.carol.id].sort());

    const audit = (await auditFor(task.id)).find((a) => a.action === "task.commented");
    expect(audit).toMatchObject({ actorId: team.users.bob.id });
    expect((audit?.after as { commentId: string }).commentId).toBe(comment.id);

    expect(await runJob(`task-commented.${comment.id}`)).toBe(2);
    const notes = await db().notification.findMany({ where: { taskId: task.id, kind: "task.mentioned" } });
    expect(notes.map((n) => n.userId).sort()).toEqual([team.users.supervisor.id, team.users.carol.id].sort());
    expect(notes[0]?.title).toMatch(/Bob mentioned you on TSK-/);
    const listed = await listComments(team.as.carol, task.id);
    expect(listed.data).toHaveLength(1);
  });

  it("someone who cannot see the task cannot comment (404); unknown mentions are 422; no mention writes no job", async () => {
    const task = await groupTask(team);
    expect((await call(commentRoute, "outsider", task.id, { body: "Hello" })).status).toBe(404);
    const bad = await call(commentRoute, "alice", task.id, { body: "ping @nobody@nowhere.test" });
    expect(bad.status).toBe(422);
    const plain = await addComment(team.as.alice, task.id, { body: "Looks fine to me." });
    expect(plain.mentions).toEqual([]);
    expect(await db().outboxMessage.count({ where: { jobId: `task-commented.${plain.id}` } })).toBe(0);
    expect((await auditFor(task.id)).filter((a) => a.action === "task.commented")).toHaveLength(1);
  });
});
