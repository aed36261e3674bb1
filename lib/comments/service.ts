import { transaction } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { QUEUES } from "../queues";
import { publishTaskEvent } from "../live/publish";
import { addParticipants, insertComment, loadForAction } from "../tasks";
import { findComments, findUsersByRefs } from "./repository";
import { parseMentions } from "./mentions";
import { createCommentSchema, type CommentDto } from "./schemas";

// Comments on a task. Anyone who can see the task may comment; people mentioned (@e-mail in the
// body, or picked from the list) are notified and may see the task from then on, the way a
// question brings in the person asked.

export async function listComments(actor: Actor, taskId: string): Promise<{ data: CommentDto[] }> {
  requirePermission(actor, "tasks:read");
  const { task } = await loadForAction(actor, taskId);
  return { data: await findComments(task.id) };
}

export async function addComment(actor: Actor, taskId: string, input: unknown): Promise<CommentDto> {
  requirePermission(actor, "tasks:read");
  const data = parse(createCommentSchema, input, "Comment");
  const { task } = await loadForAction(actor, taskId);
  const refs = [...new Set([...parseMentions(data.body), ...(data.mentions ?? []).map((m) => (m.includes("@") ? m.toLowerCase() : m))])];
  if (refs.length > 20) throw new AppError("VALIDATION_FAILED", "Mention at most 20 people in one comment.", { fieldErrors: [{ path: "body", message: "too many mentions" }] });

  const created = await transaction(async (tx) => {
    const users = refs.length ? await findUsersByRefs(tx, refs) : [];
    const known = new Set(users.flatMap((u) => [u.id, u.email.toLowerCase()]));
    const unknown = refs.filter((r) => !known.has(r));
    if (unknown.length) {
      throw new AppError("VALIDATION_FAILED", `No active user ${unknown.map((u) => `"${u}"`).join(", ")} to mention.`, {
        fieldErrors: [{ path: "mentions", message: "unknown user" }],
      });
    }
    const mentioned = users.map((u) => u.id).filter((u) => u !== actor.id);
    const comment = await insertComment(tx, {
      taskId,
      kind: "COMMENT",
      body: data.body,
      authorId: actor.type === "USER" ? actor.id : null,
      authorName: actor.name,
      mentionedUserIds: mentioned,
    });
    await addParticipants(tx, taskId, mentioned);
    tx.audit(actor, {
      action: "task.commented",
      subjectType: "task",
      subjectId: taskId,
      taskId,
      instanceId: task.instanceId,
      after: { commentId: comment.id, mentionedUserIds: mentioned, body: data.body },
    });
    if (mentioned.length) {
      tx.enqueue({
        queue: QUEUES.notifications,
        name: "task-commented",
        jobId: `task-commented.${comment.id}`,
        payload: { taskId, commentId: comment.id, requestId: actor.requestId },
      });
    }
    return { comment, mentioned };
  });
  publishTaskEvent("task.commented", { ...task, participantIds: [...task.participantIds, ...created.mentioned] });
  const all = await findComments(taskId);
  return all.find((c) => c.id === created.comment.id)!;
}

