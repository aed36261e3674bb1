import { AppError, parse } from "../errors";
import { principalId, requirePermission, type Actor } from "../identity/actor";
import { QUEUES } from "../queues";
import { armEscalationTimer, pauseSla, resumeSla } from "../sla/service";
import { assigneeAfterDeciding, checkExpectedVersion, loadForAction, mayAnswer, peopleWhoCannotSee } from "./access";
import { getTask } from "./actions";
import { changeTask, taskTransaction, withParticipants } from "./change";
import { snapshot } from "./dto";
import { insertComment, resolveUserRef } from "./repository";
import { answerInfoSchema, requestInfoSchema, type TaskDto } from "./schemas";
import { assertTransition } from "./state-machine";

// "Request more information": the decider asks someone (the requester unless they name another
// person) a question; the task waits in INFO_REQUESTED; the answer returns it to OPEN with the same
// assignee. Question and answer are comments on the task, so they show in its timeline.

/** Asks a question on an open task. Same rules as deciding it: assignee or group member, not the requester. */
export async function requestInfo(actor: Actor, id: string, input: unknown, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:decide");
  const data = parse(requestInfoSchema, input, "Request for information");
  const { task } = await loadForAction(actor, id);
  assertTransition(task.status, "requestInfo", { decidedBy: task.decidedBy?.name ?? null, outcome: task.outcome });
  checkExpectedVersion(task, ifMatch ?? data.version);
  const assigneeAfter = await assigneeAfterDeciding(actor, task);

  const askRef = data.askTo ?? task.requestedById;
  if (!askRef) {
    throw new AppError("VALIDATION_FAILED", "This task has no requester: name who should answer (askTo).", {
      fieldErrors: [{ path: "askTo", message: "name who should answer" }],
    });
  }
  const asked = await resolveUserRef(askRef);
  if (!asked || !asked.active) {
    throw new AppError("VALIDATION_FAILED", `No active user "${askRef}" to ask.`, { fieldErrors: [{ path: "askTo", message: "unknown user" }] });
  }
  const askedById = principalId(actor);
  if (askedById && asked.id === askedById) {
    throw new AppError("VALIDATION_FAILED", "Ask someone other than yourself.", { fieldErrors: [{ path: "askTo", message: "ask someone else" }] });
  }
  // Seeing is not granting (M4): only someone who can already see the task may be asked.
  if ((await peopleWhoCannotSee(task, [asked.id])).length) {
    throw new AppError("FORBIDDEN", `${asked.name} cannot see this task, so they cannot be asked about it.`, { fieldErrors: [{ path: "askTo", message: "cannot see this task" }] });
  }

  const now = new Date();
  await taskTransaction(id, "requestInfo", async (tx) => {
    const question = await insertComment(tx, { taskId: id, kind: "QUESTION", body: data.question, authorId: askedById, authorName: actor.name, mentionedUserIds: [asked.id] });
    await changeTask(tx, actor, task, {
      action: "requestInfo",
      set: {
        status: "INFO_REQUESTED",
        assigneeId: assigneeAfter,
        infoRequestedOfId: asked.id,
        infoRequestedById: askedById,
        infoRequestedAt: now,
        // The person asked may see the task from now on, also after answering.
        participantIds: withParticipants([asked.id]),
        // The SLA clock stops while the task waits for the answer (ADR 009).
        ...pauseSla(now),
        ...(task.assigneeId || !assigneeAfter ? {} : { claimedAt: now }),
      },
      sameAssignee: true,
      audit: {
        action: "task.info_requested",
        before: snapshot(task),
        after: { status: "INFO_REQUESTED", assigneeId: assigneeAfter, infoRequestedOfId: asked.id, commentId: question.id, version: task.version + 1 },
        reason: data.question,
      },
      messages: [
        { queue: QUEUES.notifications, name: "task-info-requested", jobId: `task-info-requested.${question.id}`, payload: { taskId: id, commentId: question.id, requestId: actor.requestId } },
      ],
      event: {
        type: "task.info_requested",
        task: { ...task, assigneeId: assigneeAfter, infoRequestedOfId: asked.id, participantIds: [...task.participantIds, asked.id], version: task.version + 1 },
        alsoTo: [askedById],
      },
    });
  });
  return getTask(actor, id);
}

/** The person asked answers; the task goes back to OPEN with the same assignee. */
export async function answerInfoRequest(actor: Actor, id: string, input: unknown, ifMatch?: number): Promise<TaskDto> {
  requirePermission(actor, "tasks:read");
  const data = parse(answerInfoSchema, input, "Answer");
  const { task } = await loadForAction(actor, id);
  assertTransition(task.status, "answer", { decidedBy: task.decidedBy?.name ?? null, outcome: task.outcome });
  if (!mayAnswer(actor, task)) {
    throw new AppError("FORBIDDEN", `The question was put to ${task.infoRequestedOf?.name ?? "someone else"}; only they can answer it.`, {
      details: { askedOf: task.infoRequestedOf?.name ?? null },
    });
  }
  checkExpectedVersion(task, ifMatch ?? data.version);

  // The SLA clock restarts: due time and the next escalation level move by the paused time.
  const sla = resumeSla(task, new Date());
  const authorId = principalId(actor);
  await taskTransaction(id, "answer", async (tx) => {
    const answer = await insertComment(tx, {
      taskId: id,
      kind: "ANSWER",
      body: data.answer,
      authorId,
      authorName: actor.name,
      mentionedUserIds: [task.assigneeId ?? task.infoRequestedById].filter((u): u is string => !!u),
    });
    await changeTask(tx, actor, task, {
      action: "answer",
      set: { status: "OPEN", infoRequestedOfId: null, infoRequestedById: null, infoRequestedAt: null, ...sla.data },
      sameAssignee: true,
      audit: {
        action: "task.info_answered",
        before: snapshot(task),
        after: {
          status: "OPEN",
          assigneeId: task.assigneeId,
          commentId: answer.id,
          version: task.version + 1,
          ...(sla.pausedMs > 0 ? { slaPausedMs: sla.pausedMs, dueAt: sla.data.dueAt?.toISOString() ?? null, nextEscalationAt: sla.data.nextEscalationAt?.toISOString() ?? null } : {}),
        },
        reason: data.answer,
      },
      messages: [
        { queue: QUEUES.notifications, name: "task-info-answered", jobId: `task-info-answered.${answer.id}`, payload: { taskId: id, commentId: answer.id, requestId: actor.requestId } },
      ],
      event: { type: "task.info_answered", task: { ...task, version: task.version + 1 }, alsoTo: [task.infoRequestedById, authorId] },
    });
    if (sla.timer) armEscalationTimer(tx, id, sla.timer.level, sla.timer.at);
  });
  return getTask(actor, id);
}
