// Every page route (the PAGES of app/api/permission-matrix.ts), for every role, at 1280 px and at a
// 390 px phone: the page never scrolls sideways, it has one level-1 heading, and axe finds nothing
// at all under WCAG 2.2 A/AA and best practice (not only "serious" findings). A page a role may not
// open is checked too: that role sees the no-access page. One browser context per role, reused for
// all its pages; the phone pass resizes the loaded page instead of loading it again. A list of
// routes that differs from PAGES fails the test, so a new page cannot skip the check.
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { PAGES } from "../app/api/permission-matrix";
import { expect, storageStatePath, test, type UserName } from "./fixtures";
import { horizontalOverflow, widest } from "./helpers/overflow";

const ROLES: UserName[] = ["maya", "sam", "ana", "priya"];
const WIDTHS = [1280, 390] as const;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** Concrete URLs for the dynamic routes, read through the API as the role (its own task, say). */
async function urlsFor(api: APIRequestContext, admin: APIRequestContext): Promise<Record<string, string>> {
  const first = async (client: APIRequestContext, url: string, pick: (body: unknown) => string | undefined) => {
    const res = await client.get(url);
    return res.ok() ? pick(await res.json()) : undefined;
  };
  const data = (b: unknown) => (b as { data: { id: string; key?: string }[] }).data;
  const taskId = (await first(api, "/api/v1/tasks?view=all&limit=1", (b) => data(b)[0]?.id)) ?? (await first(admin, "/api/v1/tasks?view=all&limit=1", (b) => data(b)[0]?.id));
  const instanceId = await first(admin, "/api/v1/instances?limit=1", (b) => data(b)[0]?.id);
  const tableKey = await first(admin, "/api/v1/decision-tables", (b) => data(b)[0]?.key);
  expect(taskId && instanceId && tableKey, "the seed has a task, an instance and a decision table").toBeTruthy();
  return {
    "/tasks/[id]": `/tasks/${taskId}`,
    "/processes/[key]": "/processes/invoice-approval",
    "/processes/instances/[id]": `/processes/instances/${instanceId}`,
    "/rules/[key]": `/rules/${tableKey}`,
  };
}

async function settle(page: Page): Promise<void> {
  await expect(page.locator("h1").first()).toBeVisible({ timeout: 30_000 });
  // Data loaded: no skeleton or busy region left.
  await expect(page.locator("[aria-busy=true], .animate-pulse")).toHaveCount(0, { timeout: 30_000 });
}

export async function axeFindings(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(AXE_TAGS);
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", ")}${v.nodes.length > 4 ? ` … ${v.nodes.length} in all` : ""}`);
}

/** Checks the page as it is now at every width; returns what is wrong (empty when all is well). */
async function check(page: Page, label: string, shots: string): Promise<string[]> {
  const problems: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    await settle(page);
    const overflow = await horizontalOverflow(page);
    if (overflow > 0) problems.push(`${label} @${width}: scrolls sideways by ${overflow}px: ${await widest(page)}`);
    const h1 = await page.locator("h1").count();
    if (h1 !== 1) problems.push(`${label} @${width}: ${h1} level-1 headings`);
    for (const f of await axeFindings(page)) problems.push(`${label} @${width}: ${f}`);
    await page.screenshot({ path: path.join(shots, `${label.replace(/[^a-z0-9]+/gi, "_")}-${width}.png`), fullPage: false });
  }
  return problems;
}

async function rolePass(browser: Browser, role: UserName | "anonymous", urls: Record<string, string>, shots: string): Promise<string[]> {
  const context = await browser.newContext(role === "anonymous" ? {} : { storageState: storageStatePath(role) });
  const page = await context.newPage();
  const problems: string[] = [];
  try {
    for (const p of PAGES) {
      if ((p.path === "/login") !== (role === "anonymous")) continue;
      const url = urls[p.path] ?? p.path;
      await page.goto(url);
      const found = await check(page, `${role} ${url}`, shots);
      // Reported page by page (a soft failure), so a slow run that times out still names what it found.
      expect.soft(found, found.join("\n")).toEqual([]);
      problems.push(...found);
    }
  } finally {
    await context.close();
  }
  return problems;
}

test.describe("every page, every role, phone and desktop", () => {
  // About 1–2 s a page on a quiet machine; a loaded one needs far more.
  test.describe.configure({ timeout: 480_000 });

  test("the routes checked are the page routes there are", () => {
    const appDir = path.join(__dirname, "..", "app");
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name === "page.tsx") found.push(`/${path.relative(appDir, dir).split(path.sep).filter((s) => !s.startsWith("(")).join("/")}`);
      }
    };
    walk(appDir);
    // "/" only redirects; /api/docs is the API reference, checked below.
    expect(found.filter((f) => f !== "/" && f !== "/api/docs").sort()).toEqual(PAGES.map((p) => p.path).sort());
  });

  for (const role of [...ROLES, "anonymous" as const]) {
    test(`as ${role}: no sideways scrolling, one heading, no axe findings`, async ({ browser, api }) => {
      const urls = role === "anonymous" ? {} : await urlsFor(await api(role), await api("priya"));
      const shots = test.info().outputPath("pages");
      fs.mkdirSync(shots, { recursive: true });
      const problems = await rolePass(browser, role, urls, shots);
      expect(problems, problems.join("\n")).toEqual([]);
    });
  }
});
