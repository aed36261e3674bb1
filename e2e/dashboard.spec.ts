// The process dashboard on the seeded 30 days of history: charts render, the bottleneck is named,
// a number drills down to exactly the instances behind it, versions are compared, and the queue
// health page is live. Screenshots go to the test's output folder.
import { expect, test } from "./fixtures";

const shot = (name: string) => test.info().outputPath(`${name}.png`);

test.describe("process dashboard", () => {
  test("Sam sees KPIs and charts, the bottleneck of invoice approval, and drills down to the failed instances", async ({ asUser }) => {
    const page = await asUser("sam");
    await page.goto("/dashboard");
    await expect(page.getByRole("heading", { name: "Process dashboard", level: 1 })).toBeVisible();
    for (const id of ["chart-throughput", "chart-cycle", "chart-rates", "chart-decisions"]) {
      await expect(page.getByTestId(id).locator("svg").first()).toBeVisible({ timeout: 30_000 });
    }
    // The seeded history: ~300 finished instances over 30 days.
    const completed = Number(await page.getByTestId("kpi-completed").locator("p").nth(1).innerText());
    expect(completed).toBeGreaterThan(100);
    await expect(page.getByTestId("process-table")).toContainText("Invoice approval");
    await page.screenshot({ path: shot("dashboard-all"), fullPage: true });

    // Drill-down: the failed-instances number lands on exactly that many failed instances.
    const failedTile = page.getByTestId("kpi-failed");
    const failed = Number(await failedTile.locator("p").nth(1).innerText());
    expect(failed).toBeGreaterThan(0);
    await failedTile.click();
    await expect(page).toHaveURL(/\/processes\/instances\?.*status=FAILED/);
    await expect(page.getByTestId("drill-down")).toContainText("ended");
    const rows = page.getByTestId("instances-table").locator("tbody tr");
    // The tile is a rollup (refreshed every KPI_REFRESH_MS); the list is live, so instances that
    // failed since the last refresh (earlier specs make some) may add rows, never remove them.
    await expect(rows.nth(Math.min(failed, 50) - 1)).toBeVisible();
    expect(await rows.count()).toBeGreaterThanOrEqual(Math.min(failed, 50));
    for (const row of await rows.all()) await expect(row).toContainText("Failed");
    await page.screenshot({ path: shot("drill-down-failed"), fullPage: true });
  });

  test("one process: the bottleneck step is highlighted and the A/B versions are compared; rework drills down", async ({ asUser }) => {
    const page = await asUser("priya");
    await page.goto("/dashboard?process=invoice-approval");
    await expect(page.getByTestId("bottleneck")).toContainText("is the slowest step", { timeout: 30_000 });
    const bottleneckRow = page.getByTestId("step-table").locator("tr[data-bottleneck]");
    await expect(bottleneckRow).toHaveCount(1);
    await expect(bottleneckRow).toContainText("Bottleneck");
    const comparison = page.getByTestId("version-comparison");
    await expect(comparison).toContainText("A/B split 70 / 30");
    await expect(comparison.getByTestId("version-table")).toContainText("Version 2");
    await expect(comparison.getByTestId("split-form")).toBeVisible();
    await page.screenshot({ path: shot("dashboard-invoice-approval"), fullPage: true });

    const reworkTile = page.getByTestId("kpi-rework");
    const reworked = Number(/(\d+) of/.exec(await reworkTile.innerText())![1]);
    await reworkTile.click();
    await expect(page).toHaveURL(/rework=true/);
    await expect(page.getByTestId("drill-down")).toContainText("reworked");
    await expect(page.getByTestId("instances-table").locator("tbody tr")).toHaveCount(Math.min(reworked, 50));
  });

  test("queue health shows every queue live; auditors read the dashboard without the split editor", async ({ asUser }) => {
    const priya = await asUser("priya");
    await priya.goto("/dashboard/queues");
    for (const q of ["notifications", "maintenance", "engine"]) await expect(priya.getByTestId(`queue-${q}`)).toBeVisible({ timeout: 30_000 });
    await priya.screenshot({ path: shot("queue-health"), fullPage: true });

    const ana = await asUser("ana");
    await ana.goto("/dashboard?process=invoice-approval");
    await expect(ana.getByTestId("version-comparison")).toBeVisible({ timeout: 30_000 });
    await expect(ana.getByTestId("split-form")).toHaveCount(0);
    const maya = await asUser("maya");
    await maya.goto("/dashboard");
    await expect(maya.getByText("You don't have access to the process dashboard")).toBeVisible();
  });
});
