import { expect, test } from "./fixtures";
import { expectNoSeriousViolations } from "./helpers/axe";
import { invoiceFeesModelXml } from "../lib/rules/examples/invoice-fees-model";

// Priya brings a DMN model without any decision table (ADR 054): she uploads it from the rules page,
// tries a decision in the what-if tester, keeps the answer as a test case and publishes it.

test("Priya uploads a model without a table, tries a decision, keeps a test case and publishes it", async ({ asUser }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  // Her own copy of the demo's invoice fees: another name and namespace, so another model.
  const xml = invoiceFeesModelXml.replace('name="Invoice fees"', `name="Fees ${stamp}"`).replace("/invoice-fees\"", `/invoice-fees-${stamp}"`);
  const key = `fees-${stamp}`;

  const page = await asUser("priya");
  await page.goto("/rules");
  await expect(page.getByRole("heading", { name: "Decision models" })).toBeVisible();
  // The seed's model is listed.
  await expect(page.getByRole("link", { name: "Invoice fees", exact: true })).toBeVisible();
  await page.getByTestId("model-file").setInputFiles({ name: "fees.dmn", mimeType: "application/xml", buffer: Buffer.from(xml) });
  await expect(page.getByRole("status").filter({ hasText: "Uploaded as a draft" })).toContainText(`Fees ${stamp} v1`);
  await page.getByRole("link", { name: `Fees ${stamp} v1` }).click();

  await expect(page).toHaveURL(new RegExp(`/rules/models/${key}$`));
  await expect(page.getByRole("heading", { level: 1, name: `Fees ${stamp}` })).toBeVisible();
  await expect(page.getByTestId("model-shown-version")).toHaveText("v1 draft");
  await expect(page.getByTestId("model-decision")).toHaveCount(2);

  await page.getByLabel("Decision", { exact: true }).selectOption({ label: "Fee review" });
  await page.getByLabel("Invoice amount", { exact: true }).fill("48000");
  await page.getByLabel("Currency", { exact: true }).fill("EUR");
  await page.getByRole("button", { name: "Evaluate" }).click();
  const result = page.getByTestId("model-what-if-result");
  await expect(result).toContainText('"candidateGroup": "finance-leads"');
  await expect(result).toContainText('"net": 600');
  await result.getByRole("button", { name: "Keep as a test case" }).click();
  await expect(page.getByTestId("model-tests-summary")).toHaveText("all 1 pass");

  await page.screenshot({ path: "test-results/decision-model.png", fullPage: true });
  await expectNoSeriousViolations(page, "a decision model's page");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/decision-model-390.png", fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "the page scrolls sideways at 390 px").toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole("button", { name: "Publish v1" }).click();
  await expect(page.getByTestId("model-publish-result")).toContainText("Published version 1");
  await expect(page.getByTestId("model-shown-version")).toHaveText("v1 published");
});
