import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { expectNoSeriousViolations } from "./helpers/axe";
import { invoiceRoutingTestCases } from "../lib/rules/examples/invoice-routing";
import { uploadRoutingTable } from "./helpers/rules";

// Priya edits the invoice routing in the standard DMN editor (bpmn.io dmn-js, issue #23): she
// opens the published table, changes the amounts of two rules in the table, saves a draft (a typo
// is refused by the server and shown on the cell), checks it with the what-if tester and the test
// cases, publishes; the next invoice task routed by the table goes where the new version says.

/** Replaces the text of a dmn-js table cell (a contenteditable inside the cell with that DMN id). */
async function typeInCell(page: Page, editor: Locator, elementId: string, text: string): Promise<void> {
  const cell = editor.locator(`td[data-element-id="${elementId}"] [contenteditable]`).first();
  await cell.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(text);
}

test("Priya changes a rule in the DMN editor, saves a draft, tries it and publishes; the next task follows it", async ({ api, asUser, createTask }) => {
  test.setTimeout(90_000);
  const key = `invoice-routing-dmnjs-${Date.now()}`;
  const priya = await api("priya");
  await uploadRoutingTable(priya, key);
  const testCases = invoiceRoutingTestCases.filter((t) => !t.name.startsWith("10,000 still"));
  expect((await priya.put(`/api/v1/decision-tables/${key}/test-cases`, { data: { testCases } })).status()).toBe(200);
  expect((await priya.post(`/api/v1/decision-tables/${key}/publish`, { data: { version: 1 } })).status()).toBe(200);

  const page = await asUser("priya");
  await page.goto(`/rules/${key}`);
  await page.getByRole("button", { name: "Edit in DMN editor" }).click();
  const editor = page.getByTestId("dmn-editor");
  // dmn-js opens the table's decision; the DRD tab is there too.
  await expect(editor.getByRole("button", { name: "Invoice routing (decision table)" })).toHaveAttribute("aria-pressed", "true", { timeout: 20_000 });
  await expect(editor.locator(`td[data-element-id="invoice_routing_rule_2_in_1"]`)).toContainText("[1000..10000]");

  // A slip: a text in the number column. The server refuses the file, the message names the
  // cell, and the cell is marked.
  await typeInCell(page, editor, "invoice_routing_rule_2_in_1", '< "5000"');
  await editor.getByRole("button", { name: "Save as new draft" }).click();
  await expect(editor.getByRole("alert")).toContainText("Not saved");
  await expect(editor.getByRole("alert")).toContainText("Type mismatch");
  await expect(editor.getByRole("alert")).toContainText("invoice_routing_rule_2_in_1");
  await expect(editor.locator(`td[data-element-id="invoice_routing_rule_2_in_1"]`)).toHaveClass(/baton-dmn-refused/);

  // The change: the team lead takes everything above 5,000.
  await typeInCell(page, editor, "invoice_routing_rule_2_in_1", "[1000..5000]");
  await typeInCell(page, editor, "invoice_routing_rule_3_in_1", "> 5000");
  await page.screenshot({ path: "test-results/dmn-editor.png", fullPage: true });
  await expectNoSeriousViolations(page, "the rules page with the DMN editor open");
  await editor.getByRole("button", { name: "Save as new draft" }).click();
  await expect(page.getByTestId("saved-draft")).toContainText("Saved as draft version 2");
  await expect(page.getByTestId("shown-version")).toHaveText("v2 draft");
  await expect(page.getByTestId("diff")).toContainText("2 changed");

  await page.getByLabel("Invoice amount", { exact: true }).fill("7000");
  await page.getByLabel("New vendor", { exact: true }).selectOption("false");
  await page.getByRole("button", { name: "Evaluate" }).click();
  await expect(page.getByTestId("what-if-result")).toContainText("Matched rule 3");
  await expect(page.getByTestId("tests-summary")).toHaveText("all 5 pass");
  await page.getByRole("button", { name: "Publish v2" }).click();
  await expect(page.getByTestId("publish-result")).toContainText("Published version 2");

  const task = await createTask({ title: `Invoice 7,000 after the DMN edit ${Date.now()}`, routing: { strategy: "decision_table", table: key }, context: { amount: 7000, newVendor: false } });
  expect((task.candidateGroup as { key: string } | null)?.key).toBe("finance-leads");
});
