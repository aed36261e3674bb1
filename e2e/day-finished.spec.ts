// Issue #22, the day's work finished: the phone menu, Ctrl+K away from the inbox, what came back
// (an answer, four-eyes progress) on the row and at the top of the task, focus after a refused
// decision, dark mode and the favicon. Preconditions go through the API; only the journey is clicked.
import { expect, test } from "./fixtures";

// A loaded CI machine: the worker writes notifications in the background.
test.describe.configure({ timeout: 120_000 });

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1000)}`;
const focusIsOnBody = (page: import("@playwright/test").Page) => page.evaluate(() => document.activeElement === document.body || document.activeElement === null);

test("on a phone Sam opens the menu and reaches the dashboard; Ctrl+K on /team goes to the audit log", async ({ asUser }, testInfo) => {
  const sam = await asUser("sam");
  await sam.setViewportSize({ width: 390, height: 844 });
  await sam.goto("/team");
  await expect(sam.getByRole("heading", { level: 1 })).toBeVisible({ timeout: 30_000 });
  const menu = sam.getByRole("button", { name: /^Menu/ });
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  const nav = sam.getByRole("navigation", { name: "Main" });
  await sam.screenshot({ path: testInfo.outputPath("phone-menu.png") });
  await nav.getByRole("link", { name: "Dashboard" }).click();
  await expect(sam).toHaveURL(/\/dashboard/);
  await expect(menu).toHaveAttribute("aria-expanded", "false");

  await sam.setViewportSize({ width: 1280, height: 900 });
  await sam.goto("/team");
  await expect(sam.getByRole("heading", { level: 1 })).toBeVisible({ timeout: 30_000 });
  await sam.keyboard.press("Control+k");
  const dialog = sam.getByRole("dialog", { name: "Command menu" });
  await expect(dialog).toBeVisible();
  await sam.keyboard.type("audit");
  await sam.keyboard.press("Enter");
  await expect(sam).toHaveURL(/\/audit/);
});

test("an answer that came back shows on Maya's row and at the top of her task", async ({ asUser, api, createTask }, testInfo) => {
  const task = await createTask({
    title: `Approve invoice INV-A-${unique()} from Answer Co`,
    assignee: "maya@acme.test",
    candidateGroup: "accounts-payable",
    context: { vendor: "Answer Co", amount: 920, currency: "EUR" },
  });
  const maya = await api("maya");
  expect((await maya.post(`/api/v1/tasks/${task.id}/request-info`, { data: { question: "Which cost centre?", askTo: "dana@acme.test", version: task.version } })).status()).toBe(200);
  const answer = `Cost centre 4410, marketing (${unique()})`;
  expect((await (await api("dana")).post(`/api/v1/tasks/${task.id}/answer`, { data: { answer } })).status()).toBe(200);

  const page = await asUser("maya");
  await page.goto("/inbox?view=mine");
  const row = page.getByRole("option", { name: new RegExp(task.reference) });
  // The notification is written by the worker: the marker appears once it is there.
  await expect(row.getByTestId("signal-answer")).toBeVisible({ timeout: 60_000 });
  await row.click();
  const signals = page.getByTestId("task-detail").getByTestId("task-signals");
  await expect(signals).toContainText("Dana Lee answered your question");
  await expect(signals).toContainText(answer);
  await page.screenshot({ path: testInfo.outputPath("answer-came-back.png") });
  // Seen: the marker leaves the row.
  await expect(row.getByTestId("signal-answer")).toHaveCount(0, { timeout: 20_000 });
});

test("a four-eyes first approval says 'your approval recorded, 1 of 2'", async ({ asUser, createTask }, testInfo) => {
  const task = await createTask({ title: `Approve payment PAY-${unique()} (four eyes)`, candidateGroup: "accounts-payable", approvalsRequired: 2, context: { amount: 61000, currency: "EUR" } });
  const page = await asUser("maya");
  await page.goto(`/inbox?view=group&task=${task.id}`);
  const detail = page.getByTestId("task-detail");
  await expect(detail).toContainText(task.title, { timeout: 30_000 });
  await detail.getByRole("button", { name: /^Approve/ }).click();
  await expect(page.getByRole("status").filter({ hasText: `${task.reference}, 1 of 2` })).toContainText("Your approval recorded");
  await page.goto(`/tasks/${task.id}`);
  await expect(page.getByTestId("approval-progress")).toContainText("Your approval recorded, 1 of 2", { timeout: 30_000 });
  await page.screenshot({ path: testInfo.outputPath("four-eyes-1-of-2.png") });
});

test("a stale approval moves focus to the notice that says who decided, not to <body>", async ({ asUser, api, createTask }) => {
  const task = await createTask({ title: `Approve invoice INV-S-${unique()}`, candidateGroup: "accounts-payable" });
  const page = await asUser("maya");
  // No live stream on this page: it keeps showing the version it loaded, as a page does whose
  // update has not arrived yet (otherwise the race with the live event decides what is tested).
  await page.route("**/api/v1/stream", (route) => route.abort());
  await page.goto(`/tasks/${task.id}`);
  await expect(page.getByRole("heading", { level: 1, name: task.title })).toBeVisible({ timeout: 30_000 });
  // Dana decides meanwhile; Maya's page still shows the old version.
  expect((await (await api("dana")).post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve", version: task.version } })).status()).toBe(200);
  const approve = page.getByRole("button", { name: /^Approve/ });
  await approve.focus();
  await page.keyboard.press("Enter");
  const notice = page.getByTestId("task-notice");
  await expect(notice).toContainText(/already decided|decided by someone else/);
  await expect.poll(() => focusIsOnBody(page)).toBe(false);
});

test("dark mode follows the system setting; the favicon is served", async ({ asUser, anonymous }, testInfo) => {
  const page = await asUser("maya");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/inbox");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible({ timeout: 30_000 });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  // The darkest slate, whatever form the browser reports it in (lab, oklch or rgb): lightness under 30 %.
  const [, fn, first] = /^(\w+)\(([\d.]+)/.exec(bg) ?? [];
  const n = Number(first);
  const lightness = fn === "lab" || fn === "lch" ? n / 100 : fn?.startsWith("ok") ? (n > 1 ? n / 100 : n) : n / 255;
  expect(lightness, bg).toBeLessThan(0.3);
  await page.screenshot({ path: testInfo.outputPath("inbox-dark.png") });
  const icon = await (await anonymous()).get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/image/);
});
