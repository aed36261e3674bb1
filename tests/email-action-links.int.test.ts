// Deciding from the e-mail (ADR 047): the approve / reject links a task e-mail carries, read back
// from a real SMTP server on loopback, and the rules of their tokens — opening decides nothing,
// single use, expiry, only the person it was sent to, a task already decided, a changed token —
// with the decision going through the inbox's own decideTask and its audit entry saying "email".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpServer } from "@/e2e/helpers/smtp";
import { appError, auditFor, db, groupTask, makeTeam, tokenFor, type Team } from "./helpers";

const smtp = await startSmtpServer();
const saved = { SMTP_URL: process.env.SMTP_URL, AUTH_URL: process.env.AUTH_URL };
Object.assign(process.env, { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, AUTH_URL: "https://baton.example.test" });

const { notifyTaskCreated } = await import("@/lib/notifications/service");
const { sendNotificationEmail } = await import("@/lib/notifications/email");
const { actionLinksFor } = await import("@/lib/notifications/action-links");
const { confirmEmailAction, previewEmailAction } = await import("@/lib/email-actions/service");
const { decideTask, getTask } = await import("@/lib/tasks");
const { actorForToken } = await import("@/lib/identity/service");

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});
afterAll(async () => {
  await smtp.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** A task assigned to `who`, its "assigned to you" e-mail sent, and the links read from the received text. */
async function mailedTask(who: "alice" | "bob", extra: Record<string, unknown> = {}) {
  const task = await groupTask(team, { assignee: team.users[who].id, ...extra });
  await notifyTaskCreated(task.id);
  const n = await db().notification.findFirstOrThrow({ where: { taskId: task.id, userId: team.users[who].id } });
  expect(await sendNotificationEmail(n.id, { final: true })).toBe("sent");
  const mail = smtp.received.find((m) => m.headers["x-baton-task-id"] === task.id)!;
  expect(mail.to).toEqual([team.users[who].email]);
  const link = (label: string) => new RegExp(`^${label}: https://baton\\.example\\.test/email-actions/(\\S+)$`, "m").exec(mail.text)?.[1] ?? null;
  return { task, notification: n, mail, approve: link("Approve"), reject: link("Reject") };
}

describe("e-mail action links", () => {
  it("opening a link decides nothing; confirming approves through decideTask, audited with channel email, and spends the e-mail's links", async () => {
    const { task, mail, approve, reject } = await mailedTask("alice");
    expect(approve).toMatch(/^c[a-z0-9]+\.[A-Za-z0-9_-]{43}$/);
    expect(reject).not.toBe(approve);
    expect(mail.html).toContain(`/email-actions/${approve}`);

    // A GET (a mail scanner, a link preview, the page) only reads.
    const preview = await previewEmailAction(team.as.alice, approve!);
    expect(preview).toMatchObject({ action: "approve", task: { id: task.id, status: "OPEN", can: { decide: true } } });
    expect((await getTask(team.as.alice, task.id)).status).toBe("OPEN");

    const decided = await confirmEmailAction(team.as.alice, approve!, { version: preview.task.version });
    expect(decided).toMatchObject({ status: "DECIDED", outcome: "approve", decidedBy: { id: team.users.alice.id } });
    const entry = (await auditFor(task.id)).find((e) => e.action === "task.approved")!;
    expect(entry.actorId).toBe(team.users.alice.id);
    expect(entry.after).toMatchObject({ outcome: "approve", channel: "email" });

    // Single use, and the same e-mail's other link went with it.
    expect((await appError(confirmEmailAction(team.as.alice, approve!, {}))).code).toBe("EMAIL_LINK_USED");
    const used = await appError(previewEmailAction(team.as.alice, reject!));
    expect([used.code, used.status, used.details]).toEqual(["EMAIL_LINK_USED", 409, { taskId: task.id }]);
  });

  it("a retried send mails the same links (they are made once per e-mail)", async () => {
    const { task, notification, approve } = await mailedTask("alice");
    const again = await actionLinksFor({ id: notification.id, userId: team.users.alice.id, taskId: task.id });
    expect(again.map((l) => l.action)).toEqual(["approve", "reject"]);
    expect(again[0]!.token).toBe(approve);
    expect(await db().emailActionLink.count({ where: { notificationId: notification.id } })).toBe(2);
  });

  it("a changed token is refused as invalid, whichever part changed", async () => {
    const { task, approve } = await mailedTask("alice");
    const [id, sig] = approve!.split(".") as [string, string];
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith("A") ? "B" : "A");
    for (const bad of [`${id}.${flip(sig)}`, `${flip(id).replace(/[AB]$/, "x")}.${sig}`, id, `${id}.`, "x".repeat(300)]) {
      const e = await appError(previewEmailAction(team.as.alice, bad));
      expect([e.code, e.status]).toEqual(["EMAIL_LINK_INVALID", 404]);
      expect((await appError(confirmEmailAction(team.as.alice, bad, {}))).code).toBe("EMAIL_LINK_INVALID");
    }
    expect((await getTask(team.as.alice, task.id)).status).toBe("OPEN");
  });

  it("only the person it was sent to, signed in, may use it: another person and an API token are refused", async () => {
    const { task, approve } = await mailedTask("alice");
    // Bob could decide the task from the inbox (a member of its group), but the link is Alice's.
    const other = await appError(confirmEmailAction(team.as.bob, approve!, {}));
    expect([other.code, other.status]).toEqual(["EMAIL_LINK_WRONG_PERSON", 403]);
    const { token } = await tokenFor(team, "MEMBER", { owner: "alice" });
    const viaToken = await actorForToken(token);
    expect((await appError(previewEmailAction(viaToken!, approve!))).status).toBe(403);
    expect((await appError(confirmEmailAction(viaToken!, approve!, {}))).code).toBe("FORBIDDEN");
    expect((await getTask(team.as.alice, task.id)).status).toBe("OPEN");
    // The link still works for Alice.
    expect((await confirmEmailAction(team.as.alice, approve!, {})).status).toBe("DECIDED");
  });

  it("an expired link is refused with 410 and decides nothing", async () => {
    const { task, notification, approve } = await mailedTask("alice");
    await db().emailActionLink.updateMany({ where: { notificationId: notification.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const e = await appError(previewEmailAction(team.as.alice, approve!));
    expect([e.code, e.status, e.details]).toEqual(["EMAIL_LINK_EXPIRED", 410, { taskId: task.id }]);
    expect((await appError(confirmEmailAction(team.as.alice, approve!, {}))).code).toBe("EMAIL_LINK_EXPIRED");
    expect((await getTask(team.as.alice, task.id)).status).toBe("OPEN");
  });

  it("a task already decided in the inbox: the page says so, and confirming is the inbox's 409; the link stays unspent", async () => {
    const { task, notification, approve } = await mailedTask("alice");
    await decideTask(team.as.alice, task.id, { outcome: "reject", reason: "duplicate invoice" });
    const preview = await previewEmailAction(team.as.alice, approve!);
    expect(preview.task.can).toMatchObject({ decide: false, readOnlyReason: expect.stringMatching(/^Decided \(reject\)/) });
    const e = await appError(confirmEmailAction(team.as.alice, approve!, {}));
    expect([e.code, e.status]).toEqual(["TASK_ALREADY_DECIDED", 409]);
    expect(await db().emailActionLink.count({ where: { notificationId: notification.id, usedAt: { not: null } } })).toBe(0);
  });

  it("reject asks for the reason as the inbox does; a refused confirmation does not spend the link", async () => {
    const { task, reject } = await mailedTask("alice");
    const missing = await appError(confirmEmailAction(team.as.alice, reject!, {}));
    expect(missing.status).toBe(422);
    expect(missing.fieldErrors).toEqual([{ path: "reason", message: "A reason is required to reject" }]);
    // A stale version is the inbox's 412, and also leaves the link usable.
    expect((await appError(confirmEmailAction(team.as.alice, reject!, { reason: "no budget", version: 99 }))).code).toBe("VERSION_MISMATCH");
    const decided = await confirmEmailAction(team.as.alice, reject!, { reason: "no budget" });
    expect(decided).toMatchObject({ status: "DECIDED", outcome: "reject", reason: "no budget" });
    expect((await auditFor(task.id)).find((e) => e.action === "task.rejected")?.after).toMatchObject({ channel: "email", reason: "no budget" });
  });

  it("the same checks as the inbox: the requester of a task gets no way around separation of duties", async () => {
    // Bob requested it (on his behalf, by the admin) and it is assigned to him: the inbox would refuse him.
    const { task, approve } = await mailedTask("bob", { requestedBy: team.users.bob.id });
    const e = await appError(confirmEmailAction(team.as.bob, approve!, {}));
    expect([e.code, e.status]).toEqual(["SOD_VIOLATION", 403]);
    expect((await getTask(team.as.admin, task.id)).status).toBe("OPEN");
  });

  it("a task with a decision form and custom outcomes: one link per outcome; the page's form is checked as in the inbox (ADR 052)", async () => {
    const form = [
      { id: "amount", label: "Approved amount", type: "money", required: true },
      { id: "conditions", label: "Conditions", type: "textarea" },
    ];
    const outcomes = [
      { id: "with_conditions", label: "Approve with conditions", style: "primary", fields: ["conditions"] },
      { id: "send_back", label: "Send back", rejecting: true, requiresReason: true },
    ];
    const { task, notification, mail, approve, reject } = await mailedTask("alice", { form, outcomes });
    const withConditions = /^Approve with conditions: https:\/\/baton\.example\.test\/email-actions\/(\S+)$/m.exec(mail.text)?.[1];
    const sendBack = /^Send back: https:\/\/baton\.example\.test\/email-actions\/(\S+)$/m.exec(mail.text)?.[1];
    expect([approve, withConditions, sendBack, reject].every(Boolean)).toBe(true);
    expect(mail.html).toContain("Approve with conditions…</a>");
    expect((await db().emailActionLink.findMany({ where: { notificationId: notification.id }, orderBy: { action: "asc" } })).map((l) => l.action)).toEqual(["approve", "reject", "send_back", "with_conditions"]);

    // The page proposes the outcome; the task carries its form and outcomes for the page to render.
    const preview = await previewEmailAction(team.as.alice, withConditions!);
    expect(preview).toMatchObject({ action: "with_conditions", task: { form: [{ id: "amount" }, { id: "conditions" }], outcomes: [{ id: "with_conditions", fields: ["conditions"] }, { id: "send_back" }] } });

    // Never decided blind: the form's required field, then the outcome's own field, then the reason.
    const blind = await appError(confirmEmailAction(team.as.alice, approve!, {}));
    expect([blind.status, blind.fieldErrors]).toEqual([422, [{ path: "form.amount", message: "required" }]]);
    const noConditions = await appError(confirmEmailAction(team.as.alice, withConditions!, { form: { amount: "120" } }));
    expect(noConditions.fieldErrors).toEqual([{ path: "form.conditions", message: "required" }]);
    expect((await appError(confirmEmailAction(team.as.alice, sendBack!, {}))).fieldErrors).toEqual([{ path: "reason", message: "A reason is required" }]);
    expect(await db().emailActionLink.count({ where: { notificationId: notification.id, usedAt: { not: null } } })).toBe(0);

    const decided = await confirmEmailAction(team.as.alice, withConditions!, { form: { amount: "120", conditions: "Only with the signed delivery note" }, version: preview.task.version });
    expect(decided).toMatchObject({ status: "DECIDED", outcome: "with_conditions", formValues: { amount: 120, conditions: "Only with the signed delivery note" } });
    expect((await auditFor(task.id)).find((e) => e.action === "task.decided")?.after).toMatchObject({ outcome: "with_conditions", channel: "email", form: { amount: 120 } });
    // One e-mail, one decision: every link of it is spent.
    expect(await db().emailActionLink.count({ where: { notificationId: notification.id, usedAt: null } })).toBe(0);
  });
});
