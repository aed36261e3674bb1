import { db, sql, type Tx } from "../db";
import { AppError, parse } from "../errors";
import type { Actor } from "../identity/actor";
import { QUEUES } from "../queues";
import { changeTask } from "../tasks/change";
import { sodConflict } from "../tasks/access";
import { clearOutOfOfficeSchema, myOutOfOfficeSchema, type MyOutOfOfficeDto, type OutOfOfficeDto } from "./schemas";
import { endOutOfOffice, saveOutOfOffice, toOutOfOfficeDto } from "./service";

// Self-service out of office (GET/PUT/DELETE /api/v1/me/out-of-office): anyone sets their own
// window and delegate, as a supervisor can for their team; optionally their current open work
// moves to the delegate at once, each task keeping both names (assignee and delegatedFrom).

const MEMBER_SELECT = { id: true, name: true, active: true, outOfOfficeFrom: true, outOfOfficeUntil: true, delegateId: true, delegate: { select: { id: true, name: true, email: true } } } as const;

/** The signed-in person (a session: tokens have no out-of-office of their own). */
async function me(actor: Actor) {
  const person = actor.type === "USER" && actor.id ? await db().user.findUnique({ where: { id: actor.id }, select: { ...MEMBER_SELECT, kind: true } }) : null;
  if (!person || person.kind !== "PERSON") throw new AppError("FORBIDDEN", "Only a signed-in person has an out-of-office window.");
  return person;
}

export async function getMyOutOfOffice(actor: Actor): Promise<OutOfOfficeDto> {
  return toOutOfOfficeDto(await me(actor));
}

/** Moves my open tasks to the delegate (never one they requested, created or approved). */
async function moveMyOpenWork(tx: Tx, actor: Actor, mine: { id: string; name: string }, delegate: { id: string; name: string }) {
  const tasks = await tx.query<{ id: string; version: number; instanceId: string | null; assigneeId: string | null; candidateGroupId: string | null; requestedById: string | null; createdByActor: string | null; excludedDeciderIds: string[]; approverIds: string[] }>(sql`
    SELECT t."id", t."version", t."instanceId", t."assigneeId", t."candidateGroupId", t."requestedById", t."createdByActor", t."excludedDeciderIds",
           ARRAY(SELECT a."approverId" FROM "TaskApproval" a WHERE a."taskId" = t."id") AS "approverIds"
      FROM "Task" t WHERE t."assigneeId" = ${mine.id} AND t."status" = 'OPEN' ORDER BY t."number" FOR UPDATE`);
  const moved: string[] = [];
  const kept: string[] = [];
  for (const t of tasks) {
    if (sodConflict({ ...t, approvals: t.approverIds.map((approverId) => ({ approverId })) }, delegate.id, delegate.name)) {
      kept.push(t.id);
      continue;
    }
    const version = t.version + 1;
    await changeTask(tx, actor, t, {
      action: "reassign",
      set: { assigneeId: delegate.id, delegatedFromId: mine.id, claimedAt: null },
      sameAssignee: true,
      audit: {
        action: "task.reassigned",
        before: { assigneeId: mine.id, assigneeName: mine.name, version: t.version },
        after: { assigneeId: delegate.id, assigneeName: delegate.name, delegatedFromId: mine.id, delegatedFromName: mine.name, version },
        reason: `${mine.name} is out of office; their delegate ${delegate.name} takes it`,
      },
      messages: [{ queue: QUEUES.notifications, name: "task-created", jobId: `task-reassigned.${t.id}.${version}`, payload: { taskId: t.id, requestId: actor.requestId, cause: "reassigned" } }],
      event: { type: "task.reassigned", task: { ...t, assigneeId: delegate.id, version, decidedById: null }, alsoTo: [mine.id] },
    });
    moved.push(t.id);
  }
  return { moved, kept };
}

export async function setMyOutOfOffice(actor: Actor, input: unknown): Promise<MyOutOfOfficeDto> {
  const person = await me(actor);
  const data = parse(myOutOfOfficeSchema, input, "Out of office");
  let delegate: { id: string; name: string; email: string } | null = null;
  if (data.delegate) {
    const ref = data.delegate;
    const d = await db().user.findFirst({ where: { OR: [{ id: ref }, { email: ref.toLowerCase() }], kind: "PERSON" }, select: { id: true, name: true, email: true, active: true } });
    if (!d || !d.active) throw new AppError("VALIDATION_FAILED", `No active person "${ref}"`, { fieldErrors: [{ path: "delegate", message: "unknown user" }] });
    if (d.id === person.id) throw new AppError("VALIDATION_FAILED", "You cannot be your own delegate.", { fieldErrors: [{ path: "delegate", message: "choose someone else" }] });
    delegate = { id: d.id, name: d.name, email: d.email };
  }
  let movedTasks = 0;
  const dto = await saveOutOfOffice(
    actor,
    person,
    { from: new Date(data.from), until: new Date(data.until), reason: data.reason ?? null },
    delegate,
    data.moveOpenWork && delegate
      ? async (tx) => {
          const r = await moveMyOpenWork(tx, actor, person, delegate);
          movedTasks = r.moved.length;
          return { movedTaskIds: r.moved, keptTaskIds: r.kept };
        }
      : undefined,
  );
  return { ...dto, movedTasks };
}

export async function clearMyOutOfOffice(actor: Actor, input: unknown = {}): Promise<OutOfOfficeDto> {
  const person = await me(actor);
  const data = parse(clearOutOfOfficeSchema, input ?? {}, "Request");
  return endOutOfOffice(actor, person, data.reason ?? null);
}
