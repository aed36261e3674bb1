import { AppError, parse } from "../errors";
import { principalId, type Actor } from "../identity/actor";
import { permissionsFor, type RoleName } from "../identity/permissions";
import { loadUserWithScope } from "../identity/repository";
import { QUEUES } from "../queues";
import { canView, checkExpectedVersion, loadForAction, missingSkills, sodConflict } from "./access";
import { getTask } from "./actions";
import { changeTask, taskTransaction } from "./change";
import { snapshot } from "./dto";
import { resolveUserRef } from "./repository";
import { forwardTaskSchema, type TaskDto } from "./schemas";
import { assertTransition } from "./state-machine";

// Forwarding (issue #20): the person an open task is assigned to hands it to one colleague, with a
// reason. Only to someone who may receive it — the same rules as reassigning and deciding: an
// active person who can see the task (its group), may decide tasks, has its required skills, and
// is not barred by separation of duties or four-eyes. Notified and audited like a reassignment.

export async function forwardTask(actor: Actor, id: string, input: unknown, ifMatch?: number): Promise<TaskDto> {
  const data = parse(forwardTaskSchema, input, "Forwarding");
  const me = principalId(actor);
  const { task } = await loadForAction(actor, id);
  checkExpectedVersion(task, ifMatch ?? data.version);
  assertTransition(task.status, "forward", { decidedBy: task.decidedBy?.name ?? null, outcome: task.outcome });
  if (!me || task.assigneeId !== me) {
    throw new AppError("FORBIDDEN", task.assigneeId ? "Only the person this task is assigned to can forward it." : "Claim the task first: you can forward only a task that is yours.");
  }

  const ref = await resolveUserRef(data.to);
  const colleague = ref?.active ? await loadUserWithScope(ref.id) : null;
  const refuse = (message: string, code: "VALIDATION_FAILED" | "SOD_VIOLATION" | "DUPLICATE_APPROVAL" = "VALIDATION_FAILED") =>
    new AppError(code, message, { fieldErrors: [{ path: "to", message }] });
  if (!colleague || !colleague.active) throw refuse(`No active colleague "${data.to}".`);
  if (colleague.id === me) throw refuse("The task is already yours: choose a colleague.");
  const role = colleague.role as RoleName;
  const asActor: Actor = { type: "USER", id: colleague.id, name: colleague.name, role, permissions: permissionsFor(role) };
  if (!asActor.permissions.has("tasks:decide")) throw refuse(`${colleague.name} cannot decide tasks (${role.toLowerCase()}).`);
  const conflict = sodConflict(task, colleague.id, colleague.name);
  if (conflict) throw refuse(conflict.message, conflict.code as "SOD_VIOLATION" | "DUPLICATE_APPROVAL");
  if (!canView(asActor, colleague.scope, task)) throw refuse(`${colleague.name} cannot see this task: they are not in its group.`);
  const missing = missingSkills(task, colleague.scope);
  if (missing.length) throw refuse(`${colleague.name} lacks the skills this task needs: ${missing.join(", ")}.`);

  const after = { ...task, assigneeId: colleague.id, version: task.version + 1 };
  await taskTransaction(id, "forward", async (tx) => {
    await changeTask(tx, actor, task, {
      action: "forward",
      set: { assigneeId: colleague.id, claimedAt: null, delegatedFromId: null },
      sameAssignee: true,
      audit: {
        action: "task.forwarded",
        before: snapshot(task),
        after: { assigneeId: colleague.id, assigneeName: colleague.name, version: after.version },
        reason: data.reason,
      },
      // The colleague hears "forwarded to you" (in Baton, and by e-mail as they chose).
      messages: [{ queue: QUEUES.notifications, name: "task-created", jobId: `task-forwarded.${id}.${after.version}`, payload: { taskId: id, requestId: actor.requestId, cause: "forwarded" } }],
      // It leaves my inbox and appears in theirs.
      event: { type: "task.reassigned", task: after, alsoTo: [me] },
    });
  });
  return getTask(actor, id);
}
