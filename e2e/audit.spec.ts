import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";

// Ana's quarterly question: who approved the payments above 50,000, with proof the log is intact.
test.describe("the auditor's journey", () => {
  test("filters approvals above 50,000, opens a task's history, exports CSV and verifies the chain", async ({ asUser, api, createTask }) => {
    const stamp = Date.now();
    const big = await createTask({
      title: `Approve invoice INV-BIG-${stamp} from Proseware`,
      candidateGroup: "finance-leads",
      context: { vendor: "Proseware Ltd", amount: 62500, currency: "EUR" },
    });
    const small = await createTask({
      title: `Approve invoice INV-SMALL-${stamp} from Contoso`,
      candidateGroup: "accounts-payable",
      context: { vendor: "Contoso", amount: 800, currency: "EUR" },
    });
    expect((await (await api("sam")).post(`/api/v1/tasks/${big.id}/decision`, { data: { outcome: "approve", reason: `Framework contract ${stamp}` } })).status()).toBe(200);
    expect((await (await api("dana")).post(`/api/v1/tasks/${small.id}/decision`, { data: { outcome: "approve" } })).status()).toBe(200);

    const page = await asUser("ana");
    await page.goto("/audit");
    await page.getByLabel("Action").selectOption("task.approved");
    await page.getByLabel("Amount at least").fill("50000");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/amountMin=50000/);
    const table = page.getByTestId("audit-table");
    const bigRow = table.getByRole("row").filter({ hasText: `INV-BIG-${stamp}` });
    await expect(bigRow).toHaveCount(1);
    await expect(bigRow).toContainText("Sam Okafor");
    await expect(bigRow).toContainText(big.reference);
    await expect(table.getByRole("row").filter({ hasText: `INV-SMALL-${stamp}` })).toHaveCount(0);

    // The export carries the filtered entries with their chain hashes.
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const file = await (await download).path();
    const csv = await readFile(file, "utf8");
    const [header, ...rows] = csv.trim().split("\r\n");
    expect(header).toContain("chainIndex");
    expect(header).toContain("hash");
    expect(rows.some((r) => r.includes(big.id) && r.includes("task.approved"))).toBe(true);
    expect(rows.some((r) => r.includes(small.id))).toBe(false);

    await page.getByRole("button", { name: "Verify integrity" }).click();
    await expect(page.getByTestId("verify-result")).toContainText("Chain intact");
    await page.screenshot({ path: "test-results/audit-verified.png", fullPage: true });

    // One task's whole history, from the log.
    await bigRow.getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/tasks/${big.id}`));
    await expect(page.getByText("Sam Okafor").first()).toBeVisible();
  });
});
