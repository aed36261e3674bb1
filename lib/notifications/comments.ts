import { db } from "../db";
import { deliverNotifications } from "./deliver";
import { taskReference } from "../references";

// Notifications for questions, answers and @mentions. Written by worker jobs; one dedupe key per
// comment and person, so a retried or re-dispatched job never notifies twice.

function excerpt(body: string): string {
  return body.length > 280 ? `${body.slice(0, 277)}…` : body;
}

async function notifyAboutComment(
  commentId: string,
  kind: "QUESTION" | "ANSWER" | "COMMENT",
  notificationKind: string,
  title: (ref: string, author: string, taskTitle: string) => string,
): Promise<number> {
  const comment = await db().comment.findUnique({ where: { id: commentId }, include: { task: true, author: { select: { name: true } } } });
  if (!comment || comment.kind !== kind) return 0;
  const userIds = comment.mentionedUserIds.filter((u) => u !== comment.authorId);
  if (userIds.length === 0) return 0;
  const author = comment.author?.name ?? comment.authorName ?? "Someone";
  const ref = taskReference(comment.task.number);
  return deliverNotifications(
    userIds.map((userId) => ({
      userId,
      dedupeKey: `${notificationKind}:${commentId}:${userId}`,
      kind: notificationKind,
      title: title(ref, author, comment.task.title),
      body: excerpt(comment.body),
      taskId: comment.taskId,
    })),
  );
}

/** The person asked: "Maya Lindqvist asks you about TSK-12". */
export function notifyInfoRequested(commentId: string): Promise<number> {
  return notifyAboutComment(commentId, "QUESTION", "task.info_requested", (ref, author, t) => `${author} asks you about ${ref}: ${t}`);
}

/** The decider: "Sam Okafor answered your question on TSK-12". */
export function notifyInfoAnswered(commentId: string): Promise<number> {
  return notifyAboutComment(commentId, "ANSWER", "task.info_answered", (ref, author, t) => `${author} answered your question on ${ref}: ${t}`);
}

/** Everyone mentioned: "Dana Lee mentioned you on TSK-12". */
export function notifyMentioned(commentId: string): Promise<number> {
  return notifyAboutComment(commentId, "COMMENT", "task.mentioned", (ref, author, t) => `${author} mentioned you on ${ref}: ${t}`);
}
