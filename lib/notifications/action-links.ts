import { createHmac, timingSafeEqual } from "node:crypto";
import { newId, query, sql } from "../db";
import { env } from "../env";

// Decision links in a task notification e-mail (ADR 047; one per outcome, forms on the page: ADR 052). A link's token is its row id and
// an HMAC of that id under a key derived from AUTH_SECRET: the database holds nothing that works as
// a link, a changed character fails the signature, and the row carries what the token may do (one
// task, one person, one action, until expiresAt) and whether it was spent (usedAt). The links of
// one e-mail are made once, so a retried send mails the same ones.

/** A link's action is an outcome of its task: approve, reject, or one of its custom outcomes (ADR 052). */
export const EMAIL_LINK_ACTIONS = ["approve", "reject"] as const;
export type EmailLinkAction = string;

/** The outcomes an e-mail offers for a task, in button order: approve, the custom ones, reject. */
export function linkActionsFor(customOutcomeIds: readonly string[] = []): string[] {
  return ["approve", ...customOutcomeIds, "reject"];
}

/** The notification kinds whose e-mail asks the recipient to decide: the task waits on them. */
export const ACTIONABLE_KINDS: readonly string[] = ["task.assigned", "task.queued", "task.escalated", "task.reminder"];

const TOKEN = /^([a-z0-9]{8,40})\.([A-Za-z0-9_-]{43})$/;

function signature(id: string): string {
  // Domain separation: a key for this purpose only, derived from the server secret.
  const key = createHmac("sha256", env().AUTH_SECRET).update("baton/email-action-links/v1").digest();
  return createHmac("sha256", key).update(id).digest("base64url");
}

export function signLinkToken(id: string): string {
  return `${id}.${signature(id)}`;
}

/** The link id a token names, or null when it is malformed or its signature does not hold. */
export function verifyLinkToken(token: string): string | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const expected = Buffer.from(signature(m[1]!));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1]! : null;
}

export interface ActionLink {
  action: EmailLinkAction;
  token: string;
  expiresAt: Date;
}

/**
 * The links of one notification's e-mail, one per outcome: created on the first send, read back
 * on a retry (the unique notificationId + action keeps one per outcome). Empty when links are off.
 */
export async function actionLinksFor(n: { id: string; userId: string; taskId: string }, actions: readonly string[] = EMAIL_LINK_ACTIONS, now = new Date()): Promise<ActionLink[]> {
  const hours = env().EMAIL_ACTION_LINK_HOURS;
  if (hours <= 0) return [];
  const expiresAt = new Date(now.getTime() + hours * 3_600_000);
  // The table as it was before this statement (the union's second half) plus what it inserted.
  const rows = await query<{ id: string; action: EmailLinkAction; expiresAt: Date }>(sql`
    WITH ins AS (
      INSERT INTO "EmailActionLink" ("id", "notificationId", "taskId", "userId", "action", "expiresAt", "createdAt")
      SELECT unnest(${actions.map(() => newId())}::text[]), ${n.id}, ${n.taskId}, ${n.userId}, unnest(${[...actions]}::text[]), ${expiresAt}::timestamp, ${now}::timestamp
      ON CONFLICT ("notificationId", "action") DO NOTHING
      RETURNING "id", "action", "expiresAt")
    SELECT * FROM ins
    UNION ALL SELECT "id", "action", "expiresAt" FROM "EmailActionLink" WHERE "notificationId" = ${n.id}`);
  return actions.flatMap((action) => {
    const row = rows.find((r) => r.action === action);
    return row ? [{ action, token: signLinkToken(row.id), expiresAt: row.expiresAt }] : [];
  });
}
