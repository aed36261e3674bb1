import { transaction } from "../db";
import { AppError, parse } from "../errors";
import { principalId, requirePermission, type Actor } from "../identity/actor";
import { QUEUES } from "../queues";
import { publishTaskEvent } from "../live/publish";
import { insertComment, loadForAction, peopleWhoCannotSee } from "../tasks";
import { findComments, findUsersByRefs } from "./repository";
import { parseMentions } from "./mentions";
import { createCommentSchema, type CommentDto } from "./schemas";

// Comments on a task. Anyone who can see the task and may comment (tasks:comment: not auditors,
// not read-only tokens) may comment; people mentioned (@e-mail in the body, or picked from the
// list) are notified. Seeing is not granting (M4): a mention may only name people who can already
// see the task; anyone else is refused with a clear message, and nobody gains access by a mention.

export async function listComments(actor: Actor, taskId: string): Promise<{ data: CommentDto[] }> {
  requirePermission(actor, "tasks:read");
  const { task } = await loadForAction(actor, taskId);
  return { data: await findComments(task.id) };
}

export async function addComment(actor: Actor, taskId: string, input: unknown): Promise<CommentDto> {
  requirePermission(actor, "tasks:comment");
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
    const mentioned = users.map((u) => u.id).filter((u) => u !== principalId(actor));
    const blind = await peopleWhoCannotSee(task, mentioned);
    if (blind.length) {
      const names = users.filter((u) => blind.includes(u.id)).map((u) => u.name);
      throw new AppError("FORBIDDEN", `${names.join(", ")} cannot see this task, so they cannot be mentioned on it. Ask its supervisor to share it.`, {
        fieldErrors: [{ path: "mentions", message: "cannot see this task" }],
      });
    }
    const comment = await insertComment(tx, {
      taskId,
      kind: "COMMENT",
      body: data.body,
      authorId: principalId(actor),
      authorName: actor.name,
      mentionedUserIds: mentioned,
    });
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
  publishTaskEvent("task.commented", task);
  const all = await findComments(taskId);
  return all.find((c) => c.id === created.comment.id)!;
}

