// Undo instead of confirm (inbox-ux.md): a decision from the inbox is held on the server for the
// undo window; z (or the toast's Undo) brings the task back, focused, as it was.
import { expect, test } from "./fixtures";

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1000)}`;

test.describe("undo window", () => {
  test.describe.configure({ timeout: 90_000 });
  test("Maya approves with a, undoes with z: the task comes back focused; the history shows both", async ({ asUser, createTask, api }) => {
    const title = `Approve invoice INV-UNDO-${unique()} from Second Thoughts Ltd`;
    const task = await createTask({ title, assignee: "maya@acme.test", context: { vendor: "Second Thoughts Ltd", amount: 420, currency: "EUR" } });
    const page = await asUser("maya");
    await page.goto(`/inbox?task=${task.id}`);
    const row = page.getByRole("listbox").getByRole("option", { name: new RegExp(title) });
    await row.click();
    await expect(row).toBeFocused();

    await page.keyboard.press("a");
    await expect(row).toHaveCount(0);
    await expect(page.getByRole("status")).toContainText(`Approved ${task.reference}. Press z to undo.`);
    const toast = page.getByTestId("undo-toast");
    await expect(toast).toContainText(`Approved ${task.reference}`);

    await page.keyboard.press("z");
    await expect(page.getByRole("status")).toContainText(`Undone: ${task.reference} is open again.`);
    await expect(toast).toHaveCount(0);
    await expect(row).toBeVisible();
    await expect(row).toBeFocused();
    const detail = page.getByTestId("task-detail");
    await expect(detail.getByRole("button", { name: /Approve/ })).toBeVisible();

    const maya = await api("maya");
    const history = (await (await maya.get(`/api/v1/tasks/${task.id}/history`)).json()) as { data: { action: string }[] };
    expect(history.data.map((e) => e.action)).toEqual(expect.arrayContaining(["task.approved", "task.decision_undone"]));
    expect(((await (await maya.get(`/api/v1/tasks/${task.id}`)).json()) as { status: string }).status).toBe("OPEN");

    // Reject with a reason, then let the window pass: it takes effect and can no longer be undone.
    await row.focus();
    await page.keyboard.press("r");
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Reason for rejecting").fill("Duplicate of last week's invoice");
    await dialog.getByRole("button", { name: "Reject task" }).click();
    await expect(row).toHaveCount(0);
    await expect(toast).toContainText(`Rejected ${task.reference}`);
    // The window (UNDO_WINDOW_SECONDS, 15 s in e2e) passes: the toast goes, the decision commits.
    await expect(toast).toHaveCount(0, { timeout: 25_000 });
    await expect
      .poll(async () => ((await (await maya.get(`/api/v1/tasks/${task.id}`)).json()) as { hold: unknown }).hold, { timeout: 30_000 })
      .toBeNull();
    const late = await maya.post(`/api/v1/tasks/${task.id}/undo`, { data: {} });
    expect(late.status()).toBe(409);
  });

  test("the toast's Undo button on the task page", async ({ asUser, createTask }) => {
    const title = `Approve invoice INV-UNDO-${unique()} from Button Press GmbH`;
    const task = await createTask({ title, assignee: "maya@acme.test" });
    const page = await asUser("maya");
    await page.goto(`/tasks/${task.id}`);
    await page.getByTestId("task-detail").getByRole("button", { name: /Approve/ }).click();
    await expect(page.getByTestId("decision-panel")).toContainText("Approved by Maya Lindqvist");
    await page.getByTestId("undo-toast").getByRole("button", { name: /Undo/ }).click();
    await expect(page.getByRole("status")).toContainText(`Undone: ${task.reference} is open again.`);
    await expect(page.getByTestId("task-detail").getByRole("button", { name: /Approve/ })).toBeVisible();
  });
});
