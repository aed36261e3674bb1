// Every page route (the PAGES of app/api/permission-matrix.ts, held equal to the page.tsx files)
// at 1280 px and at a 390 px phone, affordably (ADR 045):
// - each page is loaded once per person and then resized, which costs a layout, not a load;
// - axe (WCAG 2.0–2.2 A/AA and best practice, zero findings of any impact), sideways overflow,
//   "one h1" and Ctrl+K once per page per width, by the person who sees the most of it (Maya's
//   inbox, Sam's team, Ana's audit log, Priya's admin pages, Rita's requests), plus the no-access
//   page and the states that matter (the command menu, the reject dialog, the DMN editor);
// - with BATON_E2E_EVERY_PAGE=full (`npm run test:pages`) the whole matrix: overflow and "one h1"
//   also for every other role on every page (a page a role may not open shows the no-access page,
//   measured the same way), and axe on every page in dark mode; BATON_E2E_EVERY_PAGE=1 runs the cut above;
// - one browser context per person, the worker's own (`userContexts`), so the app's chunks are
//   fetched and compiled once; data is waited for (no skeleton, nothing aria-busy), never slept on.
// Each test prints what it checked and how long it took.
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, BrowserContext, Page } from "@playwright/test";
import { PAGES } from "../app/api/permission-matrix";
import { rolePermissions } from "../lib/identity/permissions";
import { expect, test, USERS, type UserName } from "./fixtures";
import { axeFindings } from "./helpers/axe";
import { horizontalOverflow, widest } from "./helpers/overflow";

type Who = UserName | "anonymous";
const WIDTHS = [1280, 390] as const;
/** `npm run test:pages` (BATON_E2E_EVERY_PAGE=full): every route × role × width, and dark mode; else each page once (ADR 045). */
const FULL_MATRIX = process.env.BATON_E2E_EVERY_PAGE === "full";
/** One person a role: in the full matrix each opens every page (the ones they may not open show the no-access page). */
const ROLES: Who[] = ["maya", "sam", "ana", "priya", "anonymous"];

/** Who checks a page: the person who sees the most of it. */
const CHECKED_BY: Record<string, Who> = {
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
const checkedBy = (route: string): Who => CHECKED_BY[route] ?? "priya";
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

async function setWidth(page: Page, width: number): Promise<void> {
  const size = page.viewportSize();
  if (size?.width === width) return;
  await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
  await frames(page);
}

interface Pass {
  problems: string[];
  loads: number;
  axeRuns: number;
  /** Milliseconds spent loading pages until they settled, and in axe: where a test's time goes. */
  loadMs: number;
  axeMs: number;
  shots: string;
}

async function measure(page: Page, label: string, width: number, pass: Pass): Promise<void> {
  const overflow = await horizontalOverflow(page);
  if (overflow > 0) pass.problems.push(`${label} @${width}: scrolls sideways by ${overflow}px: ${await widest(page)}`);
  const h1 = await page.locator("h1").count();
  if (h1 !== 1) pass.problems.push(`${label} @${width}: ${h1} level-1 headings`);
  const covered = await nameCoveredBy(page);
  if (covered) pass.problems.push(`${label} @${width}: the header's user name is covered by ${covered}`);
}

/** What covers the signed-in person's name in the header (the navigation did at 1280 px), if anything. */
function nameCoveredBy(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const name = document.querySelector("header [data-testid=user-name]");
    const box = name?.getBoundingClientRect();
    if (!name || !box || box.width === 0) return null;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return !hit || name.contains(hit) ? null : `<${hit.tagName.toLowerCase()}> "${hit.textContent?.trim().slice(0, 40) ?? ""}"`;
  });
}

/** axe on the page as it is; a screenshot of what it checked in the full matrix, or when it found something. */
async function axe(page: Page, label: string, width: number, pass: Pass, scheme = ""): Promise<void> {
  pass.axeRuns++;
  const t0 = Date.now();
  const findings = await axeFindings(page);
  pass.axeMs += Date.now() - t0;
  for (const f of findings) pass.problems.push(`${label} @${width}${scheme}: ${f}`);
  if (FULL_MATRIX || findings.length) await page.screenshot({ path: path.join(pass.shots, `${label.replace(/[^a-z0-9]+/gi, "_")}-${width}${scheme.replace(/\W+/g, "-")}.png`) });
}

/** Ctrl+K opens the command menu here too (issue #22: on every signed-in page), and Esc closes it. */
async function commandMenuOpens(page: Page, label: string, pass: Pass): Promise<void> {
  await page.keyboard.press("Control+k");
  const menu = page.getByRole("dialog", { name: "Command menu" });
  try {
    await expect(menu).toBeVisible({ timeout: 5_000 });
  } catch {
    pass.problems.push(`${label}: Ctrl+K opens no command menu`);
    return;
  }
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
}

/** A state of a page worth its own check: opened on its settled page, then checked at both widths. */
interface PageState {
  who: Who;
  label: string;
  /** The page it opens on: a route of PAGES. */
  route: string;
  open: (page: Page) => Promise<void>;
  close?: (page: Page) => Promise<void>;
}

const closeDialog = async (page: Page) => {
  await page.keyboard.press("Escape");
  await expect(page.locator("dialog[open]")).toHaveCount(0);
};
const dialogOpened = (page: Page) => expect(page.locator("dialog[open]")).toBeVisible();

const STATES: PageState[] = [
  { who: "maya", label: "command menu", route: "/inbox", open: (page) => page.keyboard.press("Control+k").then(() => dialogOpened(page)), close: closeDialog },
  { who: "maya", label: "reject dialog", route: "/tasks/[id]", open: (page) => page.getByRole("button", { name: /^Reject/ }).click().then(() => dialogOpened(page)), close: closeDialog },
  {
    // dmn-js draws its own table (its colours, its controls) inside Baton's page.
    who: "priya",
    label: "DMN editor",
    route: "/rules/[key]",
    open: async (page) => {
      await page.getByRole("button", { name: "Edit in DMN editor" }).click();
      await expect(page.getByTestId("dmn-editor").locator(".tjs-table")).toBeVisible({ timeout: 20_000 });
    },
  },
];

/**
 * One thing a test checks: a page as one person sees it (`full`: axe, Ctrl+K and all, then the
 * states that open on it — the page is already loaded and settled, so a state costs no load).
 */
type Item = { route: string; full: boolean };

/** The states opened on a page after its own checks: each is opened by the person who checks that page. */
const statesOn = (who: Who, route: string) => STATES.filter((s) => s.who === who && s.route === route);

/** What each person checks, in order. */
function itemsOf(who: Who): Item[] {
  const items: Item[] = [];
  for (const p of PAGES) {
    if ((p.permission === "public") !== (who === "anonymous")) continue;
    const full = checkedBy(p.path) === who || (NO_ACCESS.who === who && NO_ACCESS.route === p.path);
    // The full matrix: the four roles (and anonymous) measure every page they see; Rita only her own.
    if (full || (FULL_MATRIX && ROLES.includes(who))) items.push({ route: p.path, full });
  }
  return items;
}

/**
 * Items a test: about as long as an average e2e test, so that Playwright's sharding (which counts
 * tests) keeps the shards' times even with the sweep in them.
 */
const ITEMS_PER_TEST = 4;

async function load(page: Page, url: string, pass: Pass): Promise<void> {
  const t0 = Date.now();
  await page.goto(url);
  pass.loads++;
  await settle(page);
  pass.loadMs += Date.now() - t0;
}

async function checkPage(page: Page, who: Who, route: string, full: boolean, urls: Urls, pass: Pass): Promise<void> {
  const label = `${who} ${route}`;
  await setWidth(page, WIDTHS[0]);
  await load(page, urls[route] ?? route, pass);
  for (const width of WIDTHS) {
    await setWidth(page, width);
    if (width !== WIDTHS[0]) await settle(page);
    await measure(page, label, width, pass);
    if (full) await axe(page, label, width, pass);
  }
  if (full && who !== "anonymous") await commandMenuOpens(page, label, pass);
  if (full && FULL_MATRIX) {
    // Dark mode follows the system setting: the palette turns over, so contrast is checked again.
    await page.emulateMedia({ colorScheme: "dark" });
    await setWidth(page, WIDTHS[0]);
    await axe(page, label, WIDTHS[0], pass, " dark");
    await page.emulateMedia({ colorScheme: "light" });
  }
  if (!full) return;
  for (const state of statesOn(who, route)) {
    try {
      await checkState(page, state, pass);
    } catch (e) {
      pass.problems.push(`${who} ${state.label}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
}

/** A state of the page as it is (loaded, settled, light): opened at 1280 px, axe at both widths, closed. */
async function checkState(page: Page, state: PageState, pass: Pass): Promise<void> {
  await setWidth(page, WIDTHS[0]);
  await state.open(page);
  for (const width of WIDTHS) {
    await setWidth(page, width);
    await axe(page, `${state.who} ${state.label}`, width, pass);
  }
  await state.close?.(page);
}

/** The dynamic routes' URLs, read once per worker. */
let urlsOnce: Promise<Urls> | undefined;

test.describe("every page, phone and desktop", () => {
  // Each test its own group: `--shard` splits the suite by test count, and a file in the default
  // mode is one group that moves whole, so the sweep's minutes would tip one shard. As single
  // tests they count like any other, and the boundary may fall inside the sweep. One worker
  // still runs them in order.
  test.describe.configure({ mode: "parallel" });

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
    // Whoever checks a page may open it (else axe would check the no-access page instead).
    const mayOpen = (who: Who, p: (typeof PAGES)[number]) => {
      if (p.permission === "public") return who === "anonymous";
      if (who === "anonymous") return false;
      const granted = rolePermissions(USERS[who].role);
      return p.permission === "signed in" || [p.permission, ...(p.anyOf ?? [])].some((x) => granted.includes(x));
    };
    expect(PAGES.filter((p) => !mayOpen(checkedBy(p.path), p)).map((p) => `${p.path} (checked by ${checkedBy(p.path)})`)).toEqual([]);
    expect(STATES.filter((s) => checkedBy(s.route) !== s.who).map((s) => s.label)).toEqual([]);
  });

  for (const who of ["anonymous", "maya", "rita", "sam", "ana", "priya"] as const) {
    const items = itemsOf(who);
    for (let from = 0; from < items.length; from += ITEMS_PER_TEST) {
      const chunk = items.slice(from, from + ITEMS_PER_TEST);
      const names = chunk.map((i) => (i.full ? [i.route, ...statesOn(who, i.route).map((s) => s.label)].join(" + ") : `(${i.route})`)).join(", ");
      test(`as ${who}: ${names}`, async ({ browser, api, userContexts }) => {
        // A few seconds a page on a quiet machine; a loaded one (several builds at once) needs far more.
        test.setTimeout(120_000);
        const started = Date.now();
        const urls = who === "anonymous" ? {} : await (urlsOnce ??= dynamicUrls(await api("maya"), await api("priya")));
        const pass: Pass = { problems: [], loads: 0, axeRuns: 0, loadMs: 0, axeMs: 0, shots: test.info().outputPath("pages") };
        fs.mkdirSync(pass.shots, { recursive: true });
        // The worker's signed-in context, whose cache other tests have warmed; anonymous gets a fresh one.
        const context: BrowserContext = who === "anonymous" ? await browser.newContext() : await userContexts(who);
        const page = await context.newPage();
        try {
          for (const item of chunk) {
            const before = pass.problems.length;
            try {
              await checkPage(page, who, item.route, item.full, urls, pass);
            } catch (e) {
              // A page that never settles (no h1, a skeleton that stays) is a finding too; the next item still runs.
              pass.problems.push(`${who} ${item.route}: ${(e as Error).message.split("\n")[0]}`);
            }
            // Reported item by item (a soft failure), so a run that times out still names what it found.
            const found = pass.problems.slice(before);
            expect.soft(found, found.join("\n")).toEqual([]);
          }
        } finally {
          await page.close();
          if (who === "anonymous") await context.close();
        }
        console.log(`[every-page] ${who} (${chunk.length} items${FULL_MATRIX ? ", full matrix" : ""}): ${pass.loads} page loads (${(pass.loadMs / 1000).toFixed(1)} s), ${pass.axeRuns} axe runs (${(pass.axeMs / 1000).toFixed(1)} s), ${((Date.now() - started) / 1000).toFixed(1)} s`);
      });
    }
  }
});
