// The screens built on the shared table (components/ui/data-table.tsx): on a 390 px phone nothing
// scrolls the page sideways (a wide table scrolls inside its own box, which then takes focus),
// axe finds nothing serious, and a sortable column says how it is sorted (aria-sort). Each screen
// is saved at 1280 px and 390 px in the test's output folder.
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import type { UserName } from "./fixtures";
import { horizontalOverflow, widest } from "./helpers/overflow";

const SCREENS: { name: string; as: UserName; path: string; ready: (page: Page) => Locator }[] = [
  { name: "inbox", as: "maya", path: "/inbox", ready: (p) => p.getByRole("listbox", { name: /tasks/ }) },
  { name: "team", as: "sam", path: "/team", ready: (p) => p.getByRole("table", { name: "People in your team" }) },
  { name: "audit", as: "ana", path: "/audit", ready: (p) => p.getByTestId("audit-table") },
  { name: "dashboard", as: "sam", path: "/dashboard", ready: (p) => p.getByTestId("process-table") },
  { name: "queues", as: "priya", path: "/dashboard/queues", ready: (p) => p.getByRole("heading", { name: /Failed jobs/ }) },
  { name: "rules", as: "priya", path: "/rules", ready: (p) => p.getByRole("table", { name: "Decision tables" }) },
  { name: "processes", as: "priya", path: "/processes", ready: (p) => p.getByRole("heading", { name: "Processes", level: 1 }) },
  { name: "instances", as: "priya", path: "/processes/instances", ready: (p) => p.getByTestId("instances-table") },
  { name: "people", as: "priya", path: "/admin/people", ready: (p) => p.getByTestId("people-table") },
  { name: "tokens", as: "priya", path: "/admin/tokens", ready: (p) => p.getByTestId("tokens-table").or(p.getByText("No API tokens yet")) },
  { name: "secrets", as: "priya", path: "/admin/secrets", ready: (p) => p.getByTestId("secrets-table") },
  { name: "webhooks", as: "priya", path: "/admin/webhooks", ready: (p) => p.getByRole("heading", { name: "Webhooks", level: 1 }) },
  { name: "notifications", as: "dana", path: "/settings/notifications", ready: (p) => p.getByRole("table", { name: /Notification preferences/ }) },
];

async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), `axe on ${what}`).toEqual([]);
}

test.describe("tables on every screen size", () => {
  test.describe.configure({ timeout: 180_000 });

  for (const s of SCREENS) {
    test(`${s.name}: fits a phone without sideways page scrolling, and passes axe`, async ({ asUser }) => {
      const page = await asUser(s.as);
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(s.path);
      await expect(s.ready(page).first()).toBeVisible({ timeout: 30_000 });
      // Skeletons gone: the screen shows its data (or its empty state).
      await expect(page.locator("main [aria-busy=true]")).toHaveCount(0, { timeout: 30_000 });
      await page.screenshot({ path: test.info().outputPath(`${s.name}-1280.png`), fullPage: true });

      await page.setViewportSize({ width: 390, height: 844 });
      await expect(s.ready(page).first()).toBeVisible();
      const overflow = await horizontalOverflow(page);
      expect(overflow, `${s.path} scrolls the page sideways by ${overflow}px at 390px: ${await widest(page)}`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: test.info().outputPath(`${s.name}-390.png`), fullPage: true });
      await expectNoSeriousViolations(page, `${s.path} at 390px`);
    });
  }
});

test("Sam sorts his team by overdue tasks, busiest first, then the other way", async ({ asUser }) => {
  const page = await asUser("sam");
  await page.goto("/team");
  const table = page.getByRole("table", { name: "People in your team" });
  await expect(table).toBeVisible({ timeout: 30_000 });
  const header = table.getByRole("columnheader", { name: /Overdue/ });
  await expect(header).not.toHaveAttribute("aria-sort");
  const overdue = async () => (await table.locator("tbody > tr[data-testid^=member-] > td:nth-child(3)").allInnerTexts()).map(Number);

  await header.getByRole("button").click();
  await expect(header).toHaveAttribute("aria-sort", "descending");
  const desc = await overdue();
  expect(desc.length).toBeGreaterThan(1);
  expect(desc).toEqual([...desc].sort((a, b) => b - a));

  await header.getByRole("button").click();
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const asc = await overdue();
  expect(asc).toEqual([...asc].sort((a, b) => a - b));
  // Keyboard: the header's button has focus and sorts again with Enter.
  await expect(header.getByRole("button")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(header).toHaveAttribute("aria-sort", "descending");
});
