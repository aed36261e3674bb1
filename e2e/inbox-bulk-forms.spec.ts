// Bulk approve with per-task results, a decision made through a form with a custom outcome,
// four-eyes progress, and axe checks (no serious or critical violations) on the inbox and task page.
import { expect, test } from "./fixtures";
import { expectNoSeriousViolations } from "./helpers/axe";

const unique = () => `${Date.now()}${Math.floor(Math.random() * 1000)}`;


test.describe("inbox: bulk, forms, four-eyes, accessibility", () => {
  // axe runs take a few seconds each on a full page.
  test.describe.configure({ timeout: 90_000 });

  test("Maya ticks four invoices (x and shift-click) and approves them in bulk; the one she requested is reported, the rest are approved", async ({ asUser, createTask, api }) => {
    const word = `bulk${unique()}`;
    const mine = [];
    for (let i = 0; i < 3; i++) {
      mine.push(await createTask({ title: `Approve invoice ${word} #${i}`, assignee: "maya@acme.test", context: { vendor: "Bulk Supplies", amount: 100 + i } }));
    }
    // Maya requested this one, so she may not approve it (separation of duties).
    const own = await createTask({ title: `Approve invoice ${word} own`, candidateGroup: "accounts-payable", requestedBy: "maya@acme.test", context: { amount: 99 } });

    const page = await asUser("maya");
    await page.goto(`/inbox?q=${word}&sort=age`);
    const list = page.getByRole("listbox");
    await expect(list.getByRole("option")).toHaveCount(4);
    const rows = list.getByRole("option");

    // x on the first row, shift-click on the last ticks the range.
    await rows.first().focus();
    await page.keyboard.press("x");
    await rows.last().click({ modifiers: ["Shift"] });
    const bar = page.getByTestId("bulk-bar");
    await expect(bar).toContainText("4 selected");
    await bar.getByRole("button", { name: "Approve 4" }).click();

    const results = page.getByTestId("bulk-results");
    await expect(results).toContainText("Approve 4: 3 done, 1 failed");
    await expect(results).toContainText(own.reference);
    await expect(results).toContainText(/separation of duties|requested this/i);
    // The approved rows leave Maya's inbox; the failed one stays, still ticked.
    await expect(list.getByRole("option")).toHaveCount(1);
    await expect(list.getByRole("option")).toHaveAccessibleName(new RegExp(`${own.reference}.*ticked for bulk action`));

    const client = await api("priya");
    for (const t of mine) {
      const history = await (await client.get(`/api/v1/tasks/${t.id}/history`)).json();
      expect(history.data.map((e: { action: string }) => e.action)).toEqual(["task.created", "task.routed", "task.approved"]);
    }
    await expectNoSeriousViolations(page, "the inbox with a bulk selection and results");
  });

  test("Dana decides a refund through its form: the shared schema refuses bad values, a custom outcome needs a reason, values show in the decision and history", async ({ asUser, createTask }) => {
    const task = await createTask({
      title: `Refund above threshold ${unique()}`,
      assignee: "dana@acme.test",
      context: { customer: "Contoso", amount: 800, currency: "EUR" },
      outcomes: [{ id: "approve_partial", label: "Approve partially", requiresReason: true }],
      form: [
        { id: "refundReason", label: "Refund reason", type: "select", required: true, options: [{ value: "damaged", label: "Damaged goods" }, { value: "late", label: "Late delivery" }] },
        { id: "amount", label: "Amount to refund", type: "number", required: true, min: 0, max: 800 },
        { id: "notifyCustomer", label: "Notify the customer", type: "boolean" },
      ],
    });
    const page = await asUser("dana");
    await page.goto(`/tasks/${task.id}`);
    const form = page.getByTestId("decision-form");
    await expect(form).toBeVisible();

    await form.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(form).toContainText("required");
    await expect(form.getByLabel(/Refund reason/)).toBeFocused();

    await form.getByLabel(/Refund reason/).selectOption("late");
    await form.getByLabel(/Amount to refund/).fill("900");
    await form.getByRole("button", { name: "Approve partially" }).click();
    await expect(form).toContainText("must be at most 800");
    await form.getByLabel(/Amount to refund/).fill("400");
    await form.getByRole("button", { name: "Approve partially" }).click();
    await expect(form).toContainText("A reason is required");
    await form.getByLabel(/Note/).fill("Only half the order arrived late");
    await form.getByLabel("Notify the customer").check();
    await expectNoSeriousViolations(page, "the task page with a decision form and errors");
    await form.getByRole("button", { name: "Approve partially" }).click();

    const decision = page.getByTestId("decision-panel");
    await expect(decision).toContainText("Decided: Approve partially by Dana Lee");
    await expect(page.getByTestId("form-values")).toContainText("Late delivery");
    await expect(page.getByTestId("form-values")).toContainText("400");
    await expect(page.getByTestId("history-form-values")).toContainText("refundReason");
  });

  test("a four-eyes invoice shows who approved and how many approvals are still needed", async ({ asUser, createTask, api }) => {
    const task = await createTask({ title: `New vendor invoice ${unique()}`, candidateGroup: "accounts-payable", approvalsRequired: 2, context: { vendor: "Litware Inc.", amount: 5600 } });
    const dana = await api("dana");
    const first = await dana.post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve" } });
    expect(first.status()).toBe(200);
    const again = await dana.post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve" } });
    expect(again.status()).toBe(409);

    const page = await asUser("maya");
    await page.goto(`/tasks/${task.id}`);
    await expect(page.getByTestId("approvals")).toContainText("1 of 2 approvals — Dana Lee approved");
    await expectNoSeriousViolations(page, "the task page");
    await page.getByTestId("task-detail").getByRole("button", { name: /Approve/ }).click();
    await expect(page.getByTestId("decision-panel")).toContainText("Approved by Maya Lindqvist");
    await expect(page.getByTestId("approvals")).toContainText("2 of 2 approvals — Dana Lee, Maya Lindqvist approved");
  });

  test("Sam reassigns Maya's invoice to Dana with a reason; it appears in Dana's inbox without a reload", async ({ asUser, createTask }) => {
    const task = await createTask({ title: `Overdue invoice ${unique()} for reassignment`, assignee: "maya@acme.test", candidateGroup: "accounts-payable", context: { vendor: "Late Co", amount: 640 } });
    const dana = await asUser("dana");
    await dana.goto("/inbox?view=mine");
    await expect(dana.getByRole("listbox", { name: /tasks/ }).or(dana.getByText("Nothing assigned to you"))).toBeVisible();
    const danaRow = dana.getByRole("option", { name: new RegExp(task.reference) });
    await expect(danaRow).toHaveCount(0);

    const sam = await asUser("sam");
    await sam.goto(`/tasks/${task.id}`);
    await sam.getByRole("button", { name: "Reassign…" }).click();
    const dialog = sam.getByRole("dialog", { name: `Reassign ${task.reference}` });
    await dialog.getByRole("button", { name: "Reassign" }).click();
    await expect(dialog).toContainText("Say why you are reassigning it");
    await dialog.getByLabel("New assignee").selectOption({ label: "Dana Lee" });
    await dialog.getByLabel("Reason").fill("Maya is out sick today");
    await expectNoSeriousViolations(sam, "the reassign dialog");
    await dialog.getByRole("button", { name: "Reassign" }).click();
    await expect(dialog).toBeHidden();
    await expect(sam.getByTestId("task-detail")).toContainText("Dana Lee");
    await expect(sam.getByTestId("task-history")).toContainText("reassigned the task");
    await expect(sam.getByTestId("task-history")).toContainText("Maya is out sick today");

    // Live: the task shows up in Dana's list without a reload.
    await expect(danaRow).toBeVisible({ timeout: 15_000 });
  });

  test("the inbox and a task page pass axe with filters in use", async ({ asUser }) => {
    const page = await asUser("maya");
    await page.goto("/inbox?priority=HIGH,URGENT&sort=priority");
    await expect(page.getByTestId("filter-bar")).toBeVisible();
    await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
    await expectNoSeriousViolations(page, "the inbox");
    await page.goto("/inbox");
    // Scoped to the task list: the filter <select>s have options too.
    const firstRow = page.getByRole("listbox", { name: /tasks/ }).getByRole("option").first();
    await firstRow.click();
    await expect(page.getByTestId("task-detail")).toBeVisible();
    await expectNoSeriousViolations(page, "the inbox with a task open");
  });
});
