// Every page route (the PAGES of app/api/permission-matrix.ts, held equal to the page.tsx files),
// for every role, at 1280 px and at a 390 px phone, affordably (ADR 045):
// - overflow and "one h1" for every (role, route, width): a page is loaded once per role and then
//   resized, which costs a layout, not a load; a page the role may not open shows the no-access
//   page, measured the same way;
// - axe (WCAG 2.0–2.2 A/AA and best practice, zero findings of any impact) once per distinct page
//   per width, with the person who sees the most of it (Maya's inbox, Sam's team, Ana's audit log,
//   Priya's admin pages, Rita's requests), plus the no-access page and the dialogs that matter
//   (the command menu, the reject dialog);
// - one browser context per person, reused for all their pages; data is waited for (no skeleton,
//   nothing aria-busy), never slept on.
// Each test prints what it checked and how long it took.
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { PAGES } from "../app/api/permission-matrix";
import { rolePermissions } from "../lib/identity/permissions";
import { expect, storageStatePath, test, USERS, type UserName } from "./fixtures";
import { axeFindings } from "./helpers/axe";
import { horizontalOverflow, widest } from "./helpers/overflow";

type Who = UserName | "anonymous";
const WIDTHS = [1280, 390] as const;
/** One person a role: each opens every page (the ones they may not open show the no-access page). */
const ROLES: Who[] = ["maya", "sam", "ana", "priya", "anonymous"];

/** Who runs axe on a page: the person who sees the most of it. */
const AXE_BY: Record<string, Who> = {
  "/login": "anonymous",
  "/forgot-password": "anonymous",
  "/reset-password": "anonymous",
  "/invite": "anonymous",
  "/inbox": "maya",
  "/tasks/[id]": "maya",
  "/settings": "maya",
  "/settings/notifications": "maya",
  "/requests": "rita",
  "/requests/new": "rita",
  "/team": "sam",
  "/dashboard": "sam",
  "/audit": "ana",
  "/audit/separation-of-duties": "ana",
};
const axeBy = (route: string): Who => AXE_BY[route] ?? "priya";
/** The no-access page, checked once: Maya on the audit log. */
const NO_ACCESS = { who: "maya" as Who, route: "/audit" };

type Urls = Record<string, string>;

/** Concrete URLs for the dynamic routes: Maya's first task she may decide, and the admin's first of the rest. */
async function dynamicUrls(maya: APIRequestContext, admin: APIRequestContext): Promise<Urls> {
  const first = async (client: APIRequestContext, url: string, pick: (rows: Record<string, unknown>[]) => unknown) => {
    const res = await client.get(url);
    expect(res.ok(), `${url}: ${res.status()}`).toBe(true);
    const body = (await res.json()) as { data: Record<string, unknown>[] } | Record<string, unknown>[];
    return pick(Array.isArray(body) ? body : body.data) as string | undefined;
  };
  const [taskId, instanceId, tableKey, groupKey] = await Promise.all([
    // A plain approve/reject task (the reject dialog), an invoice with its comparison table if there is one.
    first(maya, "/api/v1/tasks?limit=50", (rows) => {
      const plain = rows.filter((t) => (t.can as { decide?: boolean }).decide && !(t.outcomes as unknown[]).length && !(t.form as unknown[] | null)?.length);
      return (plain.find((t) => (t.context as Record<string, unknown>).poAmount !== undefined) ?? plain[0])?.id;
    }),
    first(admin, "/api/v1/instances?limit=1", (rows) => rows[0]?.id),
    first(admin, "/api/v1/decision-tables", (rows) => rows[0]?.key),
    first(admin, "/api/v1/groups?limit=1", (rows) => rows[0]?.key),
  ]);
  expect({ taskId, instanceId, tableKey, groupKey }, "the seed has a task Maya may decide, an instance, a decision table and a group").toEqual({
    taskId: expect.any(String),
    instanceId: expect.any(String),
    tableKey: expect.any(String),
    groupKey: expect.any(String),
  });
  return {
    "/tasks/[id]": `/tasks/${taskId}`,
    "/processes/[key]": "/processes/invoice-approval",
    "/processes/instances/[id]": `/processes/instances/${instanceId}`,
    "/rules/[key]": `/rules/${tableKey}`,
    // The seed's invoice fees model (a model without a decision table, ADR 054).
    "/rules/models/[key]": "/rules/models/invoice-fees",
    "/admin/groups/[key]": `/admin/groups/${groupKey}`,
  };
}

/** The page shows its data: a level-1 heading, and no skeleton or busy region left. */
async function settle(page: Page): Promise<void> {
  await expect(page.locator("h1").first()).toBeVisible({ timeout: 30_000 });
  await expect(page.locator("[aria-busy=true], .animate-pulse")).toHaveCount(0, { timeout: 30_000 });
}

/** Two animation frames: the layout (and anything that listens to the resize) has caught up. */
const frames = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

interface Pass {
  problems: string[];
  loads: number;
  axeRuns: number;
}

async function measure(page: Page, label: string, width: number, pass: Pass): Promise<void> {
  const overflow = await horizontalOverflow(page);
  if (overflow > 0) pass.problems.push(`${label} @${width}: scrolls sideways by ${overflow}px: ${await widest(page)}`);
  const h1 = await page.locator("h1").count();
  if (h1 !== 1) pass.problems.push(`${label} @${width}: ${h1} level-1 headings`);
}

async function axe(page: Page, label: string, width: number, pass: Pass, shots: string): Promise<void> {
  pass.axeRuns++;
  for (const f of await axeFindings(page)) pass.problems.push(`${label} @${width}: ${f}`);
  await page.screenshot({ path: path.join(shots, `${label.replace(/[^a-z0-9]+/gi, "_")}-${width}.png`) });
}

/** The dialogs that matter, each opened once and checked at both widths: the command menu and the reject dialog. */
async function dialogs(page: Page, pass: Pass, shots: string, urls: Urls): Promise<void> {
  const open: [string, string, () => Promise<void>][] = [
    ["command menu", "/inbox", () => page.keyboard.press("Control+k")],
    ["reject dialog", urls["/tasks/[id]"]!, () => page.getByRole("button", { name: /^Reject/ }).click()],
  ];
  for (const [label, url, opener] of open) {
    await page.setViewportSize({ width: WIDTHS[0], height: 900 });
    await page.goto(url);
    pass.loads++;
    await settle(page);
    await opener();
    await expect(page.locator("dialog[open]")).toBeVisible();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
      await frames(page);
      await axe(page, label, width, pass, shots);
    }
    await page.keyboard.press("Escape");
    await expect(page.locator("dialog[open]")).toHaveCount(0);
  }
}

async function rolePass(browser: Browser, who: Who, urls: Urls, shots: string): Promise<Pass> {
  const context = await browser.newContext(who === "anonymous" ? {} : { storageState: storageStatePath(who) });
  const page = await context.newPage();
  const pass: Pass = { problems: [], loads: 0, axeRuns: 0 };
  // Rita only runs axe on the pages she sees most of (Maya measures the member role's overflow).
  const axeOnly = !ROLES.includes(who);
  try {
    for (const p of PAGES) {
      if ((p.permission === "public") !== (who === "anonymous")) continue;
      const axeHere = axeBy(p.path) === who || (NO_ACCESS.who === who && NO_ACCESS.route === p.path);
      if (axeOnly && !axeHere) continue;
      const url = urls[p.path] ?? p.path;
      const label = `${who} ${p.path}`;
      await page.setViewportSize({ width: WIDTHS[0], height: 900 });
      await page.goto(url);
      pass.loads++;
      await settle(page);
      const before = pass.problems.length;
      for (const width of WIDTHS) {
        if (width !== WIDTHS[0]) {
          await page.setViewportSize({ width, height: 844 });
          await frames(page);
          await settle(page);
        }
        await measure(page, label, width, pass);
        if (axeHere) await axe(page, label, width, pass, shots);
      }
      // Reported page by page (a soft failure), so a run that times out still names what it found.
      const found = pass.problems.slice(before);
      expect.soft(found, found.join("\n")).toEqual([]);
    }
    if (who === "maya") await dialogs(page, pass, shots, urls);
  } finally {
    await context.close();
  }
  return pass;
}

test.describe("every page, every role, phone and desktop", () => {
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
    // "/" only redirects; /api/docs is the API reference (its own spec).
    expect(found.filter((f) => f !== "/" && f !== "/api/docs").sort()).toEqual(PAGES.map((p) => p.path).sort());
    // Whoever runs axe on a page may open it (else axe would check the no-access page instead).
    const mayOpen = (who: Who, p: (typeof PAGES)[number]) => {
      if (p.permission === "public") return who === "anonymous";
      if (who === "anonymous") return false;
      const granted = rolePermissions(USERS[who].role);
      return p.permission === "signed in" || [p.permission, ...(p.anyOf ?? [])].some((x) => granted.includes(x));
    };
    expect(PAGES.filter((p) => !mayOpen(axeBy(p.path), p)).map((p) => `${p.path} (axe by ${axeBy(p.path)})`)).toEqual([]);
  });

  for (const who of [...ROLES, "rita" as const]) {
    test(`as ${who}: no sideways scrolling, one heading, no axe findings`, async ({ browser, api }) => {
      // The whole spec aims at about 90 s on a quiet machine; a loaded one (several builds at once) needs far more.
      test.setTimeout(300_000);
      const started = Date.now();
      const urls = who === "anonymous" ? {} : await dynamicUrls(await api("maya"), await api("priya"));
      const shots = test.info().outputPath("pages");
      fs.mkdirSync(shots, { recursive: true });
      const pass = await rolePass(browser, who, urls, shots);
      console.log(`[every-page] ${who}: ${pass.loads} page loads, ${pass.axeRuns} axe runs, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(pass.problems.length, pass.problems.join("\n")).toBe(0);
    });
  }
});
