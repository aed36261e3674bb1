import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** What the every-page check enforces: WCAG 2.0–2.2 A/AA and axe's best practices (ADR 045). */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** axe on the page as it is now (or on `include`, a selector): every finding, any impact, one line each. */
export async function axeFindings(page: Page, include?: string): Promise<string[]> {
  // Only violations are aggregated in full (axe keeps one node of each pass): the same findings, sooner on a big page.
  // options() replaces what was set before it, so it comes before withTags.
  let builder = new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).withTags(AXE_TAGS);
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", ")}${v.nodes.length > 4 ? ` … ${v.nodes.length} in all` : ""}`,
  );
}

/** axe on the page as it is now: nothing serious or critical under WCAG 2.1 A/AA. */
export async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), `axe on ${what}`).toEqual([]);
}
