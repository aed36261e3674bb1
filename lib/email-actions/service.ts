import { NOW, query, sql } from "../db";
import { AppError, parse } from "../errors";
import type { Actor } from "../identity/actor";
import { verifyLinkToken, type EmailLinkAction } from "../notifications/action-links";
import { decideTask, getTask } from "../tasks";
import type { TaskDto } from "../tasks/schemas";
import { confirmEmailActionSchema, type EmailActionPreview } from "./schemas";

// Deciding from the e-mail (ADR 047). Opening a link (GET) only reads: a link-preview bot or a
// mail scanner that follows it decides nothing. The signed-in person it was sent to confirms with
// a POST, which is the inbox's own decideTask (same permission, SoD and state-machine checks) with
// the link spent in the decision's transaction and the channel in its audit entry.

interface LinkRow {
  id: string;
  notificationId: string;
  taskId: string;
  userId: string;
  action: EmailLinkAction;
  expiresAt: Date;
  usedAt: Date | null;
}

const used = (taskId: string) =>
  new AppError("EMAIL_LINK_USED", "This link has already been used: each e-mail link works once. Open the task in Baton to see where it stands.", { details: { taskId } });

/** The link a token names, for the person signed in; every reason it cannot be used is its own code. */
async function usableLink(actor: Actor, token: string): Promise<LinkRow> {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "E-mail links are for the person they were sent to, signed in; API tokens cannot use them.");
  const id = verifyLinkToken(token);
  const [link] = id ? await query<LinkRow>(sql`SELECT "id", "notificationId", "taskId", "userId", "action", "expiresAt", "usedAt" FROM "EmailActionLink" WHERE "id" = ${id}`) : [];
  if (!link) throw new AppError("EMAIL_LINK_INVALID", "This link is not valid: it may have been changed or cut short on its way. Open the task from your inbox instead.");
  if (link.userId !== actor.id) {
    throw new AppError("EMAIL_LINK_WRONG_PERSON", "This link was sent to someone else. Sign in as the person who received the e-mail, or open the task from your own inbox.");
  }
  if (link.usedAt) throw used(link.taskId);
  if (link.expiresAt.getTime() <= Date.now()) {
    throw new AppError("EMAIL_LINK_EXPIRED", "This link has expired. Open the task in Baton to decide it there.", { details: { taskId: link.taskId } });
  }
  return link;
}

/** What the confirmation page shows: the proposed decision and the task as the person may act on it now. */
export async function previewEmailAction(actor: Actor, token: string): Promise<EmailActionPreview> {
  const link = await usableLink(actor, token);
  return { action: link.action, expiresAt: link.expiresAt.toISOString(), task: await getTask(actor, link.taskId) };
}

/** The person confirms: the decision, through decideTask, spending the link in the same transaction. */
export async function confirmEmailAction(actor: Actor, token: string, input: unknown): Promise<TaskDto> {
  const link = await usableLink(actor, token);
  const body = parse(confirmEmailActionSchema, input ?? {}, "Confirmation");
  const decision = { outcome: link.action, ...(body.reason ? { reason: body.reason } : {}), ...(body.form ? { form: body.form } : {}), ...(body.version ? { version: body.version } : {}) };
  return decideTask(actor, link.taskId, decision, undefined, {
    channel: "email",
    inTx: async (tx) => {
      // Single use, even against a second tab confirming at the same moment: only an unspent,
      // unexpired link is spent, else the whole decision rolls back.
      await tx.update("EmailActionLink", { usedAt: new Date() }, sql`"id" = ${link.id} AND "usedAt" IS NULL AND "expiresAt" > ${NOW}`, {
        expect: 1,
        stale: () => used(link.taskId),
        key: `EmailActionLink:${link.id}`,
      });
      // The other links of the same e-mail go with it: one e-mail, one decision.
      await tx.write(sql`UPDATE "EmailActionLink" SET "usedAt" = ${NOW} WHERE "notificationId" = ${link.notificationId} AND "id" <> ${link.id} AND "usedAt" IS NULL`);
    },
  });
}
