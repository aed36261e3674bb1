import { expect, test } from "./fixtures";
import { invoiceRoutingTestCases } from "../lib/rules/examples/invoice-routing";
import { uploadRoutingTable } from "./helpers/rules";
import { expectNoSeriousViolations } from "./helpers/axe";

// Priya changes the invoice routing: she opens the draft, sees what changed, tries an invoice in
// the what-if tester and sees the rule that matches, fixes the test case the change made
// obsolete and publishes. Evaluations then use the new version. (Each run uses its own table
// key; tables and their audit entries are kept, like tasks.)
test.describe("decision tables", () => {
  test("Priya tries a draft in the what-if tester, updates a test case and publishes", async ({ api, asUser }) => {
    const key = `invoice-routing-e2e-${Date.now()}`;
    const priya = await api("priya");
    const upload = (change?: Parameters<typeof uploadRoutingTable>[2]) => uploadRoutingTable(priya, key, change);
    await upload();
    expect((await priya.put(`/api/v1/decision-tables/${key}/test-cases`, { data: { testCases: invoiceRoutingTestCases } })).status()).toBe(200);
    expect((await priya.post(`/api/v1/decision-tables/${key}/publish`, { data: { version: 1 } })).status()).toBe(200);
    // The change: auto-approve up to 2,000.
    await upload((m) => {
      m.rules[0]!.inputEntries[0]!.text = "< 2000";
      m.rules[1]!.inputEntries[0]!.text = "[2000..10000]";
    });

    const page = await asUser("priya");
    await page.goto("/rules");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "Invoice routing" }).first()).toBeVisible();
    await page.goto(`/rules/${key}`);
    await expect(page.getByRole("heading", { name: "Invoice routing" })).toBeVisible();
    await expect(page.getByTestId("shown-version")).toHaveText("v2 draft");
    await expect(page.getByTestId("hit-policy")).toHaveText("U");
    await expect(page.getByTestId("rule-row-1")).toContainText("< 2000");
    await expect(page.getByTestId("diff")).toContainText("0 added · 0 removed · 2 changed");
    await expect(page.getByTestId("diff")).toContainText("[1000..10000]");

    // What if an invoice of 1,500 arrives from a known vendor?
    await page.getByLabel("Invoice amount", { exact: true }).fill("1500");
    await page.getByLabel("New vendor", { exact: true }).selectOption("false");
    await page.getByRole("button", { name: "Evaluate" }).click();
    const result = page.getByTestId("what-if-result");
    await expect(result).toContainText("Matched rule 1");
    await expect(result).toContainText("Small invoice from a known vendor");
    await expect(result).toContainText('"auto-approve"');
    await expect(page.getByTestId("rule-row-1")).toHaveAttribute("data-matched", "true");
    await expect(page.getByTestId("rule-row-2")).not.toHaveAttribute("data-matched", "true");

    // The change breaks one test case, so Publish waits.
    await expect(page.getByTestId("tests-summary")).toHaveText("1 of 6 failing");
    await expect(page.getByRole("button", { name: "Publish v2" })).toBeDisabled();
    await page.screenshot({ path: "test-results/rules-what-if.png", fullPage: true });

    // She replaces the obsolete case with the result she just checked, then publishes.
    await page.getByRole("button", { name: "Remove test case 1,000 goes to a clerk" }).click();
    await expect(page.getByTestId("tests-summary")).toHaveText("all 5 pass");
    await page.getByRole("button", { name: "Keep as a test case" }).click();
    await expect(page.getByTestId("tests-summary")).toHaveText("all 6 pass");
    await page.getByRole("button", { name: "Publish v2" }).click();
    await expect(page.getByTestId("publish-result")).toContainText("Published version 2");
    await expect(page.getByTestId("shown-version")).toHaveText("v2 published");
    await page.screenshot({ path: "test-results/rules-published.png", fullPage: true });

    // New evaluations (latest published) still use version 2, and the audit log shows which rule decided.
    const evaluated = await priya.post(`/api/v1/decision-tables/${key}/evaluate`, { data: { inputs: { amount: 1500, newVendor: false } } });
    expect(await evaluated.json()).toMatchObject({ version: 2, outputs: [{ route: "auto-approve" }], matchedRules: [{ index: 1 }] });
    const audit = await (await api("ana")).get(`/api/v1/audit?subjectId=${key}&action=decision_table.evaluated`);
    const entries = (await audit.json()).data as { after: { matchedRules: string[]; version: number } }[];
    expect(entries[0]).toMatchObject({ after: { version: 2, matchedRules: ["invoice_routing_rule_1"] } });
  });

  test("Priya archives a table she no longer uses, sees it refuse evaluations, and restores it", async ({ api, asUser }) => {
    test.setTimeout(90_000);
    const key = `invoice-routing-archive-${Date.now()}`;
    const priya = await api("priya");
    await uploadRoutingTable(priya, key);
    expect((await priya.post(`/api/v1/decision-tables/${key}/publish`, { data: { version: 1 } })).status()).toBe(200);

    const page = await asUser("priya");
    await page.goto(`/rules/${key}`);
    await expect(page.getByRole("heading", { name: "Invoice routing" })).toBeVisible();
    await expect(page.getByText("DMN model Invoice routing")).toBeVisible();
    await page.getByRole("button", { name: "Archive" }).click();
    await expect(page.getByTestId("archived-note")).toContainText("This table is archived");
    await expect(page.getByRole("button", { name: "Edit in DMN editor" })).toHaveCount(0);
    // axe on what this change added (the archived note); the rest of the page has its own checks.
    await expectNoSeriousViolations(page, "the archived note", ['[data-testid="archived-note"]']);
    const refused = await priya.post(`/api/v1/decision-tables/${key}/evaluate`, { data: { inputs: { amount: 500, newVendor: false } } });
    expect(refused.status()).toBe(409);
    expect((await refused.json()).detail).toContain("is archived");

    await page.getByRole("button", { name: "Restore" }).click();
    await expect(page.getByTestId("archived-note")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Edit in DMN editor" })).toBeVisible();
    expect((await priya.post(`/api/v1/decision-tables/${key}/evaluate`, { data: { inputs: { amount: 500, newVendor: false } } })).status()).toBe(200);
  });

  test("the seeded invoice routing waits as a draft with its diff; members get the no-access page", async ({ asUser }) => {
    const page = await asUser("priya");
    await page.goto("/rules/invoice-routing");
    await expect(page.getByRole("heading", { name: "Invoice routing" })).toBeVisible();
    await expect(page.getByTestId("diff")).toContainText("1 added");
    await page.screenshot({ path: "test-results/rules-seeded-draft.png", fullPage: true });

    const maya = await asUser("maya");
    await maya.goto("/rules");
    await expect(maya.getByRole("heading", { name: "You don't have access to decision tables" })).toBeVisible();
    await expect(maya.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rules" })).toHaveCount(0);
  });
});
