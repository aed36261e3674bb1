// The shared table (components/ui/data-table.tsx): a sortable column says how it is sorted
// (aria-sort) and sorts by keyboard. Overflow at 390 px and axe on every screen built on it are
// checked by e2e/every-page.spec.ts.
import { expect, test } from "./fixtures";

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
