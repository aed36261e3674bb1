import axeCore from "axe-core";
import { expect, type Page } from "@playwright/test";

/** What the every-page check enforces: WCAG 2.0–2.2 A/AA and axe's best practices (ADR 045). */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
/** What the other specs' spot checks hold to (serious and critical findings only). */
const SPOT_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

interface Violation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * axe-core in the page itself (ADR 055): injected once per document — into every frame, as
 * @axe-core/playwright's legacy mode does — and run with `axe.run`, which checks the frames. The
 * default mode of @axe-core/playwright injects axe again on every call and opens a blank page
 * for each one to merge the results: about two seconds a run on a busy two-core machine.
 */
async function runAxe(page: Page, tags: string[], include: string[] = []): Promise<Violation[]> {
  for (const frame of page.frames()) {
    try {
      const present = await frame.evaluate(() => typeof (window as unknown as { axe?: { run?: unknown } }).axe?.run === "function");
      if (!present) await frame.evaluate(`${axeCore.source}\n;axe.configure({ allowedOrigins: ["<same_origin>"] });`);
    } catch {
      // A frame that went away, or one that cannot run scripts (a PDF preview): axe.run skips it.
    }
  }
  return page.evaluate(
    async ({ tags, include }) => {
      const axe = (window as unknown as { axe: typeof axeCore }).axe;
      const context = include.length ? { include: include.map((s) => [s]) } : document;
      const results = await axe.run(context, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
    },
    { tags, include },
  );
}

const line = (v: Violation, most = Infinity) =>
  `${v.id} (${v.impact}): ${v.help} — ${v.targets.slice(0, most).join(", ")}${v.targets.length > most ? ` … ${v.targets.length} in all` : ""}`;

/** axe on the page as it is now (or on `include`, a selector): every finding, any impact, one line each. */
export async function axeFindings(page: Page, include?: string): Promise<string[]> {
  return (await runAxe(page, AXE_TAGS, include ? [include] : [])).map((v) => line(v, 4));
}

/** axe on the page as it is now (or on the `include` selectors): nothing serious or critical under WCAG 2.1 A/AA. */
export async function expectNoSeriousViolations(page: Page, what: string, include: string[] = []): Promise<void> {
  const bad = (await runAxe(page, SPOT_TAGS, include)).filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => line(v)), `axe on ${what}`).toEqual([]);
}
