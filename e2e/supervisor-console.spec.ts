// The supervisor console and notification delivery (issue #5): Sam reassigns an overdue invoice
// from /team with a reason, Dana sees it appear live, and the e-mail telling her reaches a real
// SMTP server started here on the loopback port the worker's SMTP_URL points at
// (playwright.config.ts). Members get a 403; Sam sets an out-of-office window; people choose their
// channels; Priya adds a signed webhook endpoint and reads its delivery log.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";
import { startSmtpServer } from "./helpers/smtp";
import { expectNoSeriousViolations } from "./helpers/axe";
import { E2E_SMTP_PORT } from "./helpers/ports";

const unique = () => `${Date.now()}${Math.floor(Math.random() * 1000)}`;


let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
test.beforeAll(async () => {
  smtp = await startSmtpServer(E2E_SMTP_PORT);
});
test.afterAll(async () => {
  await smtp?.close();
});

test.describe("supervisor console", () => {
  test.describe.configure({ timeout: 90_000 });

  test("Sam reassigns an overdue invoice from the team view; Dana sees it live and gets the e-mail", async ({ asUser, createTask, baseURL }, testInfo) => {
    const task = await createTask({
      title: `Approve invoice INV-${unique()} from Late Freight`,
      assignee: "maya@acme.test",
      priority: "HIGH",
      dueAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
      context: { vendor: "Late Freight", amount: 1280, currency: "EUR" },
    });
    const dana = await asUser("dana");
    await dana.goto("/inbox?view=mine");
    await expect(dana.getByRole("listbox", { name: /tasks/ }).or(dana.getByText("Nothing assigned to you"))).toBeVisible();
    const danaRow = dana.getByRole("option", { name: new RegExp(task.reference) });
    await expect(danaRow).toHaveCount(0);

    const sam = await asUser("sam");
    await sam.goto("/team");
    await expect(sam.getByRole("heading", { name: "Team", level: 1 })).toBeVisible();
    await expect(sam.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team" })).toHaveAttribute("aria-current", "page");
    const maya = sam.getByTestId("member-maya@acme.test");
    await expect(maya.getByRole("cell").nth(1)).not.toHaveText("0");
    await maya.getByRole("button", { name: /Maya Lindqvist/ }).click();
    const row = sam.getByTestId(`team-task-${task.reference}`);
    await expect(row).toContainText(/Overdue/);
    await sam.screenshot({ path: testInfo.outputPath("team-console.png"), fullPage: true });

    await row.getByRole("button", { name: `Reassign ${task.reference}` }).click();
    const dialog = sam.getByRole("dialog", { name: `Reassign ${task.reference}` });
    await dialog.getByRole("button", { name: "Reassign" }).click();
    await expect(dialog).toContainText("Choose a person or a group queue");
    await expect(dialog).toContainText("Give a reason");
    await dialog.getByLabel("Move to").selectOption({ label: "Dana Lee" });
    await dialog.getByLabel("Reason").fill("Maya is out sick today; Dana covers her invoices");
    await expectNoSeriousViolations(sam, "the reassign dialog on /team");
    await dialog.getByRole("button", { name: "Reassign" }).click();
    await expect(dialog).toBeHidden();
    // The console refreshes itself: the task left Maya's list.
    await expect(row).toHaveCount(0);

    // Live: it shows up in Dana's inbox without a reload.
    await expect(danaRow).toBeVisible({ timeout: 15_000 });

    // The notification e-mail reached the SMTP server.
    await expect
      .poll(() => smtp.received.find((m) => m.to.includes("dana@acme.test") && (m.headers.subject ?? "").includes(task.reference)), { timeout: 30_000 })
      .toBeTruthy();
    const mail = smtp.received.find((m) => m.to.includes("dana@acme.test") && (m.headers.subject ?? "").includes(task.reference))!;
    expect(mail.headers.subject).toContain(`${task.reference} reassigned to you`);
    expect(mail.text).toContain(task.title);
    expect(mail.text).toContain("You received this because the task was assigned to you.");
    expect(mail.text).toMatch(/^Due: .+overdue$/m);
    expect(mail.text).toContain(`${baseURL}/tasks/${task.id}`);
    expect(mail.html).toContain(`href="${baseURL}/tasks/${task.id}"`);
  });

  test("members get a 403 page and a 403 problem from the API", async ({ asUser, api }) => {
    const maya = await asUser("maya");
    const res = await maya.goto("/team");
    expect(res?.status()).toBe(403);
    await expect(maya.getByRole("heading", { name: "You don't have access to the supervisor console" })).toBeVisible();
    await expect(maya.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team" })).toHaveCount(0);
    await expect(maya.getByTestId("member-dana@acme.test")).toHaveCount(0);
    const apiRes = await (await api("maya")).get("/api/v1/team");
    expect(apiRes.status()).toBe(403);
    expect(apiRes.headers()["content-type"]).toContain("application/problem+json");
    expect(await apiRes.json()).toMatchObject({ status: 403, code: "FORBIDDEN" });
  });

  test("Sam sets Leo out of office with Dana covering, then ends it", async ({ asUser }, testInfo) => {
    const sam = await asUser("sam");
    await sam.goto("/team");
    const leo = sam.getByTestId("member-leo@acme.test");
    await leo.getByRole("button", { name: "Out of office…" }).click();
    const dialog = sam.getByRole("dialog", { name: "Out of office: Leo Martin" });
    await dialog.getByLabel("Delegate").selectOption({ label: "Dana Lee" });
    await dialog.getByLabel("Note (optional)").fill("Conference in Berlin");
    await expectNoSeriousViolations(sam, "the out-of-office dialog");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
    // The row shows the absence with its dates (issue #22): "Away since <start> until <end>".
    await expect(leo).toContainText(/Away since .+ until .+/);
    await expect(leo).toContainText("Covered by Dana Lee");
    await expectNoSeriousViolations(sam, "the team console");
    await sam.screenshot({ path: testInfo.outputPath("team-console-away.png"), fullPage: true });

    await leo.getByRole("button", { name: "Out of office…" }).click();
    await dialog.getByRole("button", { name: "End out of office now" }).click();
    await expect(dialog).toBeHidden();
    await expect(leo).toContainText("Available");
  });
});

test.describe("notification settings and webhooks", () => {
  test.describe.configure({ timeout: 90_000 });

  test("Dana turns e-mail on for mentions; the choice is saved", async ({ asUser, api }, testInfo) => {
    const dana = await asUser("dana");
    await dana.goto("/inbox");
    await dana.getByRole("button", { name: /^Notifications/ }).click();
    await dana.getByRole("link", { name: "Notification settings" }).click();
    await expect(dana.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
    await expect(dana.getByText("E-mails go to dana@acme.test")).toBeVisible();
    const mentionsByMail = dana.getByRole("switch", { name: "Mentions: E-mail" });
    await expect(mentionsByMail).not.toBeChecked();
    // The switch is controlled by the query cache (optimistic update in onMutate, after an await),
    // so it flips a moment after the click: click, then wait for the state, not check()/uncheck().
    await mentionsByMail.click();
    await expect(mentionsByMail).toBeChecked();
    await expectNoSeriousViolations(dana, "the notification settings");
    await dana.screenshot({ path: testInfo.outputPath("notification-settings.png"), fullPage: true });
    const prefs = await (await (await api("dana")).get("/api/v1/me/notification-preferences")).json();
    expect(prefs.kinds.find((k: { kind: string }) => k.kind === "task.mentioned").channels).toEqual({ IN_APP: true, EMAIL: true });
    await mentionsByMail.click();
    await expect(mentionsByMail).not.toBeChecked();
  });

  test("Priya adds a webhook endpoint, copies its secret once, and sees a signed test event delivered", async ({ asUser, api }, testInfo) => {
    const received: http.IncomingHttpHeaders[] = [];
    const receiver = http.createServer((req, res) => {
      received.push(req.headers);
      req.resume();
      req.on("end", () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/${unique()}`;
    let endpointId: string | undefined;
    try {
      const priya = await asUser("priya");
      await priya.goto("/admin/webhooks");
      await priya.getByRole("button", { name: "Add endpoint" }).first().click();
      const dialog = priya.getByRole("dialog", { name: "Add a webhook endpoint" });
      await dialog.getByLabel("URL").fill("not a url");
      await dialog.getByRole("button", { name: "Add endpoint" }).click();
      await expect(dialog).toContainText("http:// or https://");
      await dialog.getByLabel("URL").fill(url);
      await dialog.getByLabel("Description").fill("E2E receiver");
      await dialog.getByRole("checkbox", { name: "task.decided" }).check();
      await dialog.getByRole("button", { name: "Add endpoint" }).click();
      const secret = priya.getByTestId("new-webhook-secret");
      await expect(secret.getByLabel("Signing secret")).toContainText(/^whsec_/);
      const secretText = (await secret.getByLabel("Signing secret").textContent())!.trim();
      const card = priya.getByTestId("webhook-endpoint").filter({ hasText: url });
      await card.getByRole("button", { name: "Send test" }).click();
      await expect(card.getByTestId("webhook-delivery").first()).toContainText("Delivered", { timeout: 20_000 });
      expect(received.at(-1)?.["webhook-signature"]).toMatch(/^v1,/);
      await expectNoSeriousViolations(priya, "the webhooks page");
      await priya.screenshot({ path: testInfo.outputPath("webhooks.png"), fullPage: true });
      await secret.getByRole("button", { name: "I've stored it" }).click();
      await expect(secret).toHaveCount(0);
      const list = await (await (await api("priya")).get("/api/v1/webhooks")).json();
      endpointId = list.data.find((e: { url: string }) => e.url === url)?.id;
      // Shown once: the list never carries it again.
      expect(JSON.stringify(list)).not.toContain(secretText);
    } finally {
      if (endpointId) await (await api("priya")).delete(`/api/v1/webhooks/${endpointId}`);
      await new Promise((r) => receiver.close(r));
    }
  });
});
