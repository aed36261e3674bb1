import { describe, expect, it } from "vitest";
import { formatDue, renderNotificationEmail } from "./email";

const base = {
  recipientName: "Dana Lee",
  kind: "task.assigned",
  title: "TSK-42 reassigned to you: Approve invoice INV-4411 <Northwind & Co>",
  body: null,
  task: { reference: "TSK-42", title: "Approve invoice INV-4411 <Northwind & Co>", dueAt: new Date("2026-11-26T16:00:00Z"), status: "OPEN" },
  url: "https://baton.example.test/tasks/t1",
  timeZone: "Europe/Berlin",
  now: new Date("2026-11-26T10:00:00Z"),
};

describe("notification e-mail", () => {
  it("says what the task is, why you got it, when it is due (your time zone) and where to act", () => {
    const mail = renderNotificationEmail(base);
    expect(mail.subject).toBe(base.title);
    expect(mail.text).toContain("Hello Dana Lee,");
    expect(mail.text).toContain("Task: TSK-42: Approve invoice INV-4411 <Northwind & Co>");
    expect(mail.text).toContain("Due: Thu, 26 Nov 2026, 17:00 (Europe/Berlin)");
    expect(mail.text).toContain("Open it in Baton: https://baton.example.test/tasks/t1");
    expect(mail.text).toContain("You received this because the task was assigned to you.");
    expect(mail.html).toContain('href="https://baton.example.test/tasks/t1"');
    // HTML is escaped; the text part is not.
    expect(mail.html).toContain("&lt;Northwind &amp; Co&gt;");
    expect(mail.html).not.toContain("<Northwind");
  });

  it("marks overdue work, falls back to UTC for an unknown zone, and handles a task without a due time", () => {
    expect(formatDue(new Date("2026-11-26T09:00:00Z"), "Nowhere/Atlantis", new Date("2026-11-26T10:00:00Z"))).toBe("Thu, 26 Nov 2026, 09:00 (UTC), overdue");
    const mail = renderNotificationEmail({ ...base, task: { ...base.task, dueAt: null } });
    expect(mail.text).toContain("Due: no due time");
  });

  it("carries approve and reject links with their expiry in the person's zone, and none when not given", () => {
    const links = [
      { label: "Approve", url: "https://baton.example.test/email-actions/a.1", tone: "approve" as const },
      { label: "Reject", url: "https://baton.example.test/email-actions/r.2", tone: "reject" as const },
    ];
    const actions = { links, expiresAt: new Date("2026-11-29T10:00:00Z") };
    const mail = renderNotificationEmail({ ...base, actions });
    expect(mail.text).toContain("Approve: https://baton.example.test/email-actions/a.1\nReject: https://baton.example.test/email-actions/r.2");
    expect(mail.text).toContain("These links work once, for you only, until Sun, 29 Nov 2026, 11:00 (Europe/Berlin).");
    expect(mail.html).toContain('href="https://baton.example.test/email-actions/a.1"');
    expect(mail.html).toContain('href="https://baton.example.test/email-actions/r.2"');
    expect(renderNotificationEmail(base).text).not.toContain("email-actions");
  });

  it("names a custom outcome's link by its label, in button order, its label escaped in the HTML (ADR 052)", () => {
    const links = [
      { label: "Approve", url: "https://baton.example.test/email-actions/a.1", tone: "approve" as const },
      { label: "Approve <with> conditions", url: "https://baton.example.test/email-actions/c.3", tone: "neutral" as const },
      { label: "Reject", url: "https://baton.example.test/email-actions/r.2", tone: "reject" as const },
    ];
    const mail = renderNotificationEmail({ ...base, actions: { links, expiresAt: new Date("2026-11-29T10:00:00Z") } });
    expect(mail.text).toContain("Approve: https://baton.example.test/email-actions/a.1\nApprove <with> conditions: https://baton.example.test/email-actions/c.3\nReject: https://baton.example.test/email-actions/r.2");
    expect(mail.html).toContain("Approve &lt;with&gt; conditions…</a>");
    expect(mail.html).toContain("and to fill in what the decision needs");
  });

  it("a kind this version does not know still explains itself", () => {
    expect(renderNotificationEmail({ ...base, kind: "task.something_new" }).text).toContain("You received this because of a change to a task you are involved in.");
  });
});
