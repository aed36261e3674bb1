// The "may be behind" note (ADR 049): when the dashboard, the audit log or the SoD report were read
// from a read replica past the notice threshold, the page says so; when current, it says nothing.
// The e2e server has no replica, so the answers' `freshness` is rewritten in the browser (the rest
// of each answer is the server's own) — the lag itself is measured in tests/read-replica.int.test.ts.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { axeFindings } from "./helpers/axe";

const shot = (name: string) => test.info().outputPath(`${name}.png`);

async function lagged(page: Page, pathname: string, lagSeconds: number, behind = true): Promise<void> {
  await page.route((url) => url.pathname === pathname, async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as Record<string, unknown>;
    // Not the server's headers: a large answer came gzip-encoded, and this body is plain JSON.
    await route.fulfill({ status: response.status(), json: { ...body, freshness: { source: "replica", lagSeconds, behind } } });
  });
}

test.describe("read replica lag", () => {
  test("the dashboard says its figures may be behind, at 1280 and 390 px", async ({ asUser }) => {
    const page = await asUser("sam");
    await lagged(page, "/api/v1/kpis", 12.4);
    await page.goto("/dashboard");
    const note = page.getByTestId("freshness-note");
    await expect(note).toHaveText(/These figures may be up to 13 s behind/, { timeout: 30_000 });
    expect(await axeFindings(page, "[data-testid=freshness-note]")).toEqual([]);
    await page.screenshot({ path: shot("dashboard-replica-lag"), fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(note).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: shot("dashboard-replica-lag-390"), fullPage: false });
    await page.unrouteAll({ behavior: "ignoreErrors" });
  });

  test("the audit log and the SoD report say it too; a replica that is current says nothing", async ({ asUser }) => {
    const page = await asUser("ana");
    await lagged(page, "/api/v1/audit", 300);
    await page.goto("/audit");
    await expect(page.getByTestId("freshness-note")).toHaveText(/These entries may be up to 5 min behind/, { timeout: 30_000 });
    await page.screenshot({ path: shot("audit-replica-lag"), fullPage: false });
    await page.unrouteAll({ behavior: "ignoreErrors" });

    await lagged(page, "/api/v1/audit/separation-of-duties", 7);
    await page.goto("/audit/separation-of-duties");
    await expect(page.getByTestId("freshness-note")).toHaveText(/This report may be up to 7 s behind/, { timeout: 30_000 });
    await page.unrouteAll({ behavior: "ignoreErrors" });

    // A fresh page: the report page may still be rewriting its URL.
    const current = await asUser("ana");
    await lagged(current, "/api/v1/audit", 0.4, false);
    await current.goto("/audit");
    await expect(current.getByTestId("audit-table")).toBeVisible({ timeout: 30_000 });
    await expect(current.getByTestId("freshness-note")).toHaveCount(0);
    await current.unrouteAll({ behavior: "ignoreErrors" });
  });
});
