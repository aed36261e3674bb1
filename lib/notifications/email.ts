import nodemailer, { type Transporter } from "nodemailer";
import { db, sql, updateRows } from "../db";
import { env } from "../env";
import { logger } from "../logger";
import { taskReference } from "../references";
import { actionLinksFor, ACTIONABLE_KINDS, linkActionsFor } from "./action-links";
import { outcomeListSchema, outcomeStyle } from "../processes/forms";
import { kindInfo } from "./kinds";

// Notification e-mails: plain text plus a simple HTML part, sent through SMTP_URL with nodemailer.
// One job a notification (queue "email", job id email.<notificationId>); the row's emailStatus
// (PENDING → SENT / FAILED) makes a duplicate job a no-op, and the Message-ID is derived from the
// notification so a mail server can drop the rare resend after a crash between send and commit.

interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

interface EmailInput {
  recipientName: string;
  kind: string;
  title: string;
  body: string | null;
  task: { reference: string; title: string; dueAt: Date | null; status: string } | null;
  /** Absolute link to the task (or the inbox). */
  url: string;
  /**
   * Decision links (ADR 047), one per outcome in button order (ADR 052): each opens a confirmation
   * page in Baton — with the outcome's form, when it has one — and never decides on its own.
   */
  actions?: { links: EmailActionLinkView[]; expiresAt: Date } | null;
  timeZone: string;
  now?: Date;
}

export interface EmailActionLinkView {
  /** "Approve", "Reject" or the custom outcome's label. */
  label: string;
  url: string;
  tone: "approve" | "reject" | "neutral";
}

const LINK_COLOURS: Record<EmailActionLinkView["tone"], string> = { approve: "#15803d", reject: "#b91c1c", neutral: "#334155" };

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** "Thu, 26 Nov 2026, 17:00 (Europe/Berlin), overdue" — in the person's own time zone. */
export function formatDue(dueAt: Date, timeZone: string, now = new Date()): string {
  let zone = timeZone;
  let text: string;
  try {
    text = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone }).format(dueAt);
  } catch {
    zone = "UTC";
    text = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" }).format(dueAt);
  }
  return `${text} (${zone})${dueAt.getTime() < now.getTime() ? ", overdue" : ""}`;
}

/** Pure: what the e-mail says. Says what the task is, why you got it, when it is due, and where to act. */
export function renderNotificationEmail(input: EmailInput): EmailContent {
  const because = kindInfo(input.kind).because;
  const due = input.task?.dueAt ? formatDue(input.task.dueAt, input.timeZone, input.now) : null;
  const facts: [string, string][] = [];
  if (input.task) facts.push(["Task", `${input.task.reference}: ${input.task.title}`]);
  if (input.task) facts.push(["Due", due ?? "no due time"]);
  const actions = input.actions ?? null;
  const until = actions ? formatDue(actions.expiresAt, input.timeZone, input.now).replace(/, overdue$/, "") : null;
  const subject = input.title.length > 180 ? `${input.title.slice(0, 177)}…` : input.title;
  const text = [
    `Hello ${input.recipientName},`,
    "",
    input.title,
    ...(input.body ? ["", input.body] : []),
    "",
    ...facts.map(([k, v]) => `${k}: ${v}`),
    "",
    ...(actions
      ? [
          "Decide from here (Baton asks you to confirm, signed in):",
          ...actions.links.map((l) => `${l.label}: ${l.url}`),
          `These links work once, for you only, until ${until}.`,
          "",
        ]
      : []),
    `Open it in Baton: ${input.url}`,
    "",
    "--",
    because,
    "Choose which notifications you receive by e-mail in Baton under Settings → Notifications.",
  ].join("\n");
  const row = ([k, v]: [string, string]) =>
    `<tr><th align="left" style="padding:4px 12px 4px 0;color:#475569;font-weight:600">${escapeHtml(k)}</th><td style="padding:4px 0;color:#0f172a">${escapeHtml(v)}</td></tr>`;
  const html = `<!doctype html>
<html lang="en"><body style="margin:0;padding:24px;background:#f8fafc;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:14px;line-height:1.5;color:#0f172a">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e2e8f0;border-radius:8px;padding:24px">
<p style="margin:0 0 12px">Hello ${escapeHtml(input.recipientName)},</p>
<h1 style="margin:0 0 12px;font-size:18px;line-height:1.4">${escapeHtml(input.title)}</h1>
${input.body ? `<p style="margin:0 0 12px;white-space:pre-wrap">${escapeHtml(input.body)}</p>` : ""}
${facts.length ? `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${facts.map(row).join("")}</table>` : ""}
<p style="margin:0 0 ${actions ? "8px" : "20px"}">${
    actions
      ? actions.links
          .map((l) => `<a href="${escapeHtml(l.url)}" style="display:inline-block;background:${LINK_COLOURS[l.tone]};color:#ffffff;text-decoration:none;padding:8px 14px;border-radius:6px;font-weight:600;margin:0 8px 8px 0">${escapeHtml(l.label)}…</a>`)
          .join("")
      : ""
  }<a href="${escapeHtml(input.url)}" style="display:inline-block;background:#4f46e5;color:#ffffff;text-decoration:none;padding:8px 14px;border-radius:6px;font-weight:600">Open in Baton</a></p>
${actions ? `<p style="margin:0 0 20px;color:#475569;font-size:12px">These buttons open Baton and ask you to confirm${actions.links.length > 2 ? " (and to fill in what the decision needs)" : ""}. They work once, for you only, until ${escapeHtml(until!)}.</p>` : ""}
<p style="margin:0;color:#475569;font-size:12px">${escapeHtml(because)} Choose which notifications you receive by e-mail in Baton under Settings → Notifications.</p>
</div></body></html>`;
  return { subject, text, html };
}

const globalForMail = globalThis as unknown as { batonMailer?: Transporter };

function mailer(): Transporter {
  const url = env().SMTP_URL;
  if (!url) throw new Error("SMTP_URL is not set");
  globalForMail.batonMailer ??= nodemailer.createTransport(url);
  return globalForMail.batonMailer;
}

/** The public base URL for links in e-mails. */
export function appUrl(): string {
  return (env().AUTH_URL ?? `http://localhost:${env().PORT}`).replace(/\/+$/, "");
}

/**
 * A system e-mail, not a person's notification (the audit anchor): through the same SMTP
 * transport and sender. The Message-ID lets a mail server drop a resend of the same message.
 */
export async function sendSystemEmail(msg: { to: string; subject: string; text: string; messageKey: string; headers?: Record<string, string> }): Promise<void> {
  const host = new URL(appUrl()).hostname || "baton.local";
  await mailer().sendMail({ from: env().MAIL_FROM, to: msg.to, subject: msg.subject, text: msg.text, messageId: `<${msg.messageKey}@${host}>`, headers: msg.headers });
}

type EmailOutcome = "sent" | "skipped";

/**
 * Sends one notification's e-mail. Throws on an SMTP failure so the job is retried; on the last
 * attempt (`final`) the row is marked FAILED with the error, for the person's and admins' view.
 */
export async function sendNotificationEmail(notificationId: string, opts: { final: boolean }): Promise<EmailOutcome> {
  const n = await db().notification.findUnique({
    where: { id: notificationId },
    include: { user: { select: { name: true, email: true, active: true, timeZone: true } } },
  });
  if (!n || n.emailStatus !== "PENDING") return "skipped";
  // Every change below is guarded: only an e-mail still pending is written.
  const pending = sql`"id" = ${n.id} AND "emailStatus" = 'PENDING'`;
  if (!n.user.active || !env().SMTP_URL) {
    await updateRows("Notification", { emailStatus: "FAILED", emailError: !env().SMTP_URL ? "SMTP_URL is not set" : "the person is deactivated" }, pending);
    return "skipped";
  }
  const task = n.taskId ? await db().task.findUnique({ where: { id: n.taskId }, select: { number: true, title: true, dueAt: true, status: true, form: true, outcomes: true } }) : null;
  const base = appUrl();
  // Decision links where the task waits on this person: one per outcome. An outcome that needs a
  // form or a reason is filled in on the confirmation page, never decided blind (ADR 052).
  const decidable = !!task && !!n.taskId && ACTIONABLE_KINDS.includes(n.kind) && task.status === "OPEN";
  const custom = task ? outcomeListSchema.safeParse(task.outcomes ?? []) : null;
  const customs = custom?.success ? custom.data : [];
  const links = decidable ? await actionLinksFor({ id: n.id, userId: n.userId, taskId: n.taskId! }, linkActionsFor(customs.map((o) => o.id))) : [];
  const linkViews: EmailActionLinkView[] = links.map((l) => {
    const c = customs.find((o) => o.id === l.action);
    const tone = l.action === "approve" ? "approve" : l.action === "reject" ? "reject" : c && outcomeStyle(c) === "danger" ? "reject" : "neutral";
    return { label: l.action === "approve" ? "Approve" : l.action === "reject" ? "Reject" : (c?.label ?? l.action), url: `${base}/email-actions/${l.token}`, tone };
  });
  const content = renderNotificationEmail({
    recipientName: n.user.name,
    kind: n.kind,
    title: n.title,
    body: n.body,
    task: task ? { reference: taskReference(task.number), title: task.title, dueAt: task.dueAt, status: task.status } : null,
    url: n.taskId ? `${base}/tasks/${encodeURIComponent(n.taskId)}` : `${base}/inbox`,
    actions: linkViews.length ? { links: linkViews, expiresAt: links[0]!.expiresAt } : null,
    timeZone: n.user.timeZone,
  });
  const host = new URL(base).hostname || "baton.local";
  try {
    const info = await mailer().sendMail({
      from: env().MAIL_FROM,
      to: { name: n.user.name, address: n.user.email },
      subject: content.subject,
      text: content.text,
      html: content.html,
      messageId: `<notification.${n.id}@${host}>`,
      headers: { "X-Baton-Notification-Kind": n.kind, ...(n.taskId ? { "X-Baton-Task-Id": n.taskId } : {}) },
    });
    await updateRows("Notification", { emailStatus: "SENT", emailSentAt: new Date(), emailAttempts: { increment: 1 }, emailError: null }, pending);
    logger.debug({ notificationId: n.id, messageId: info.messageId }, "notification e-mail sent");
    return "sent";
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await updateRows("Notification", { emailAttempts: { increment: 1 }, emailError: message.slice(0, 500), ...(opts.final ? { emailStatus: "FAILED" } : {}) }, pending);
    throw err;
  }
}
