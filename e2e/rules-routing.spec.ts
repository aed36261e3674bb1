import { expect, test, type TaskJson } from "./fixtures";
import { invoiceRoutingTestCases } from "../lib/rules/examples/invoice-routing";
import { uploadRoutingTable } from "./helpers/rules";

// Priya's journey (shared/SCENARIOS.md): she uploads a changed invoice-routing table, checks it
// in the what-if tester, publishes it; the next invoice task routed by the table lands in the
// group the new version names, and its history (and Ana's audit view) shows which rule fired.
// Each run uses its own table key.
const groupOf = (t: TaskJson) => (t.candidateGroup as { key: string } | null)?.key;

test.describe("routing by a decision table", () => {
  test("a published change routes the next task, and the history names the version and the rule", async ({ api, asUser, createTask }) => {
    const key = `invoice-routing-dt-e2e-${Date.now()}`;
    const priya = await api("priya");
    const upload = (change?: Parameters<typeof uploadRoutingTable>[2]) => uploadRoutingTable(priya, key, change);
    await upload();
    // The 10,000 case is the one the change is about; the others hold before and after.
    const testCases = invoiceRoutingTestCases.filter((t) => !t.name.startsWith("10,000 still"));
    expect((await priya.put(`/api/v1/decision-tables/${key}/test-cases`, { data: { testCases } })).status()).toBe(200);
    expect((await priya.post(`/api/v1/decision-tables/${key}/publish`, { data: { version: 1 } })).status()).toBe(200);

    const routedBy = { strategy: "decision_table", table: key };
    const before = await createTask({ title: `Invoice 7,000 before the change ${Date.now()}`, routing: routedBy, context: { amount: 7000, newVendor: false } });
    expect(groupOf(before)).toBe("accounts-payable");

    // The change: the team lead takes everything above 5,000.
    await upload((m) => {
      m.rules[1]!.inputEntries[0]!.text = "[1000..5000]";
      m.rules[2]!.inputEntries[0]!.text = "> 5000";
    });
    const page = await asUser("priya");
    await page.goto(`/rules/${key}`);
    await expect(page.getByRole("heading", { name: "Invoice routing" })).toBeVisible();
    await expect(page.getByTestId("shown-version")).toHaveText("v2 draft");
    await expect(page.getByTestId("diff")).toContainText("2 changed");
    await page.getByLabel("Invoice amount", { exact: true }).fill("7000");
    await page.getByLabel("New vendor", { exact: true }).selectOption("false");
    await page.getByRole("button", { name: "Evaluate" }).click();
    await expect(page.getByTestId("what-if-result")).toContainText("Matched rule 3");
    await expect(page.getByTestId("what-if-result")).toContainText('"finance-leads"');
    await expect(page.getByTestId("tests-summary")).toHaveText("all 5 pass");
    await page.getByRole("button", { name: "Publish v2" }).click();
    await expect(page.getByTestId("publish-result")).toContainText("Published version 2");

    // The next invoice is routed by v2; the earlier one stays where v1 put it.
    const after = await createTask({ title: `Invoice 7,000 after the change ${Date.now()}`, routing: routedBy, context: { amount: 7000, newVendor: false } });
    expect(groupOf(after)).toBe("finance-leads");
    expect((await (await priya.get(`/api/v1/tasks/${before.id}`)).json()).candidateGroup.key).toBe("accounts-payable");

    await page.goto(`/tasks/${after.id}`);
    await expect(page.getByTestId("task-history")).toContainText(`by ${key} v2, rule 3 (invoice_routing_rule_3)`);
    await page.screenshot({ path: "test-results/rules-routing-history.png", fullPage: true });

    // Ana, the auditor, sees the same in the audit log.
    const ana = await api("ana");
    const routed = (await (await ana.get(`/api/v1/audit?subjectId=${after.id}&action=task.routed`)).json()).data as { after: Record<string, unknown> }[];
    expect(routed[0]?.after).toMatchObject({ strategy: "group", decisionTable: { key, version: 2, matchedRules: [{ id: "invoice_routing_rule_3", index: 3 }] } });
  });
});
