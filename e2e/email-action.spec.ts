// Issue #21, "Done means": an approval from the e-mail link in a real SMTP inbox (ADR 047). Dana's
// "assigned to you" e-mail reaches the SMTP server; she opens its Approve link signed out, signs in
// (the link survives the redirect), confirms on Baton's page — opening it decided nothing — and the
// task is approved with channel email in its history. The spent link then says so, plainly.
import { expect, test, type TaskJson } from "./fixtures";
import { expectNoSeriousViolations } from "./helpers/axe";
import { E2E_SMTP_PORT } from "./helpers/ports";
import { startSmtpServer } from "./helpers/smtp";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
test.beforeAll(async () => {
  smtp = await startSmtpServer(E2E_SMTP_PORT);
});
test.afterAll(async () => {
  await smtp?.close();
});

test("Dana approves a task from the link in her e-mail", async ({ createTask, api, browser }, testInfo) => {
  const task = await createTask({ assignee: "dana@acme.test", context: { vendor: "Litware", amount: 1240, currency: "EUR" } });
  await expect.poll(() => smtp.received.find((m) => m.headers["x-baton-task-id"] === task.id), { timeout: 20_000 }).toBeTruthy();
  const mail = smtp.received.find((m) => m.headers["x-baton-task-id"] === task.id)!;
  expect(mail.to).toEqual(["dana@acme.test"]);
  const approve = /^Approve: (http\S+\/email-actions\/\S+)$/m.exec(mail.text)![1]!;

  // Signed out: the sign-in page, then back to the link.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(approve);
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Femail-actions%2F/);
  await page.getByLabel("E-mail").fill("dana@acme.test");
  await page.getByLabel("Password").fill("baton-demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Approve “${task.title}”?` })).toBeVisible();
  await expect(page.getByText("Litware")).toBeVisible();
  await expectNoSeriousViolations(page, "the e-mail action confirmation");
  await page.screenshot({ path: testInfo.outputPath("email-action-confirm.png"), fullPage: true });

  // Opening the link decided nothing.
  const admin = await api("priya");
  expect(((await (await admin.get(`/api/v1/tasks/${task.id}`)).json()) as TaskJson).status).toBe("OPEN");

  await page.getByRole("button", { name: "Approve task" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Approved: ${task.reference}` })).toBeVisible();
  const after = (await (await admin.get(`/api/v1/tasks/${task.id}`)).json()) as TaskJson & { outcome: string; decidedBy: { name: string } };
  expect([after.status, after.outcome, after.decidedBy.name]).toEqual(["DECIDED", "approve", "Dana Lee"]);
  const history = (await (await admin.get(`/api/v1/tasks/${task.id}/history`)).json()) as { data: { action: string; after: Record<string, unknown> | null }[] };
  expect(history.data.find((e) => e.action === "task.approved")?.after).toMatchObject({ outcome: "approve", channel: "email" });

  // Single use: the link now explains itself.
  await page.goto(approve);
  await expect(page.getByText("This link has already been used", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open the task" })).toHaveAttribute("href", `/tasks/${task.id}`);
  await page.screenshot({ path: testInfo.outputPath("email-action-used.png"), fullPage: true });
  await context.close();
});

test("a task with a decision form: the custom outcome's link asks for its fields on the page, checked before anything is sent (ADR 052)", async ({ createTask, asUser, api }, testInfo) => {
  const task = await createTask({
    assignee: "dana@acme.test",
    context: { vendor: "Fabrikam", amount: 8400, currency: "EUR" },
    form: [
      { id: "costCentre", label: "Cost centre", type: "text", required: true },
      { id: "conditions", label: "Conditions", type: "textarea" },
    ],
    outcomes: [{ id: "with_conditions", label: "Approve with conditions", style: "primary", fields: ["conditions"] }],
  });
  await expect.poll(() => smtp.received.find((m) => m.headers["x-baton-task-id"] === task.id), { timeout: 20_000 }).toBeTruthy();
  const mail = smtp.received.find((m) => m.headers["x-baton-task-id"] === task.id)!;
  const link = /^Approve with conditions: (http\S+\/email-actions\/\S+)$/m.exec(mail.text)![1]!;
  expect(mail.text).toMatch(/^Approve: http/m);
  expect(mail.text).toMatch(/^Reject: http/m);

  const page = await asUser("dana");
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1, name: `Approve with conditions “${task.title}”?` })).toBeVisible();
  const form = page.getByTestId("email-action-form");
  await form.getByRole("button", { name: "Approve with conditions" }).click();
  await expect(form.getByLabel(/Cost centre/)).toBeFocused();
  await expect(form).toContainText("required");
  await form.getByLabel(/Cost centre/).fill("CC-4410");
  await form.getByLabel(/Conditions/).fill("Deliver before the audit");
  await expectNoSeriousViolations(page, "the e-mail confirmation with a decision form");
  await page.screenshot({ path: testInfo.outputPath("email-action-form.png"), fullPage: true });
  await form.getByRole("button", { name: "Approve with conditions" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Decided (Approve with conditions): ${task.reference}` })).toBeVisible();
  const after = (await (await (await api("priya")).get(`/api/v1/tasks/${task.id}`)).json()) as TaskJson & { outcome: string; formValues: Record<string, unknown> };
  expect([after.status, after.outcome, after.formValues]).toEqual(["DECIDED", "with_conditions", { costCentre: "CC-4410", conditions: "Deliver before the audit" }]);
});
