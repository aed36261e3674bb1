// The command menu (Ctrl/⌘+K) teaches the keys; single-letter shortcuts can be switched off
// (WCAG 2.1.4); the API documentation page renders the OpenAPI document.
import { expect, test } from "./fixtures";
import { expectNoSeriousViolations } from "./helpers/axe";

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1000)}`;


test.describe("command menu, shortcut settings, API docs", () => {
  test.describe.configure({ timeout: 120_000 });

  test("Ctrl+K lists the actions with their keys; approve and undo from the menu", async ({ asUser, createTask }) => {
    const title = `Approve invoice INV-CMDK-${unique()} from Menu Driven Ltd`;
    const task = await createTask({ title, assignee: "maya@acme.test", context: { vendor: "Menu Driven Ltd", amount: 77 } });
    const page = await asUser("maya");
    await page.goto(`/inbox?task=${task.id}`);
    const row = page.getByRole("listbox").getByRole("option", { name: new RegExp(title) });
    await row.click();

    await page.keyboard.press("Control+k");
    const menu = page.getByRole("dialog", { name: "Command menu" });
    await expect(menu).toBeVisible();
    await expect(menu.getByRole("combobox")).toBeFocused();
    // Every action shows the key that does the same.
    const approve = menu.getByRole("option", { name: /^Approve shortcut a$/ });
    await expect(approve).toBeVisible();
    await expect(menu.getByRole("option", { name: /Reject… shortcut r/ })).toBeVisible();
    await expect(menu.getByRole("option", { name: /Next task shortcut j/ })).toBeVisible();
    await expect(menu.getByRole("option", { name: /Forward… shortcut f/ })).toBeVisible();
    await expect(menu.getByRole("option", { name: /Keyboard shortcuts shortcut \?/ })).toBeVisible();
    await expect(menu).toContainText(`Task ${task.reference}`);
    await expectNoSeriousViolations(page, "the command menu");

    await menu.getByRole("combobox").fill("approve");
    await page.keyboard.press("Enter");
    await expect(menu).toBeHidden();
    await expect(row).toHaveCount(0);
    await expect(page.getByRole("status")).toContainText(`Approved ${task.reference}`);

    await page.keyboard.press("Control+k");
    await expect(menu.getByRole("option", { name: new RegExp(`Undo: Approved ${task.reference} shortcut z`) })).toBeVisible();
    await menu.getByRole("combobox").fill("undo");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status")).toContainText(`Undone: ${task.reference} is open again.`);
    await expect(row).toBeVisible();

    // f forwards my focused task: the dialog asks to whom and why; Esc leaves it with me.
    await row.click();
    await page.keyboard.press("f");
    const forward = page.getByRole("dialog", { name: `Forward ${task.reference}` });
    await expect(forward.getByLabel("Colleague")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(forward).toBeHidden();
  });

  test("Sam switches single-letter shortcuts off in Settings: letters do nothing, Ctrl+K still works", async ({ asUser, api }) => {
    const sam = await api("sam");
    try {
      const page = await asUser("sam");
      await page.goto("/settings");
      await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
      const toggle = page.getByRole("checkbox", { name: /Single-letter shortcuts/ });
      await expect(toggle).toBeChecked();
      await expectNoSeriousViolations(page, "the settings page");
      await page.screenshot({ path: "test-results/settings.png", fullPage: true });
      await toggle.click();
      await expect(toggle).not.toBeChecked();
      await expect(page.getByRole("status")).toContainText("Settings saved.");
      await expect(page.getByText("Off: letters typed in the inbox do nothing.")).toBeVisible();

      await page.goto("/inbox");
      await expect(page.getByRole("heading", { name: "Inbox", level: 1 })).toBeVisible();
      await page.keyboard.press("?");
      await page.waitForTimeout(300);
      await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeHidden();
      await page.keyboard.press("Control+k");
      await expect(page.getByRole("dialog", { name: "Command menu" })).toBeVisible();
      await page.keyboard.press("Escape");

      // The API took the change; switching back on restores the keys.
      expect(((await (await sam.get("/api/v1/me/settings")).json()) as { shortcutsEnabled: boolean }).shortcutsEnabled).toBe(false);
    } finally {
      const res = await sam.patch("/api/v1/me/settings", { data: { shortcutsEnabled: true } });
      expect(res.status()).toBe(200);
    }
    const bad = await sam.patch("/api/v1/me/settings", { data: { timeZone: "Mars/Olympus_Mons" } });
    expect(bad.status()).toBe(422);
  });

  test("the API documentation page lists operations, parameters, schemas and error codes", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/api/docs");
    await expect(page.getByRole("heading", { name: /Baton API/, level: 1 })).toBeVisible();
    const decide = page.locator("#op-post-api-v1-tasks-id-decision");
    await expect(decide).toContainText("/api/v1/tasks/{id}/decision");
    await expect(decide).toContainText("if-match");
    await expect(decide).toContainText("hold");
    await expect(decide).toContainText("412");
    await expect(page.locator("#op-post-api-v1-tasks-id-undo")).toContainText("UNDO_WINDOW_CLOSED");
    await expect(page.locator("#errors")).toContainText("TASK_ALREADY_DECIDED");
    await expect(page.locator("#schema-task")).toContainText("approvalsRequired");
    await page.getByRole("navigation", { name: "API contents" }).getByRole("link", { name: "Error codes" }).click();
    await expect(page).toHaveURL(/#errors$/);
    // axe over the whole page (70+ operations, every schema) takes minutes on a loaded machine:
    // check the parts that differ in kind — navigation, overview, one operation, the error table.
    await expectNoSeriousViolations(page, "the API reference", ["nav", "#overview", "#op-post-api-v1-tasks-id-decision", "#errors"]);
    await page.screenshot({ path: "test-results/api-docs.png" });
    await context.close();
  });
});
