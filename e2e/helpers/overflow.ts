import type { Page } from "@playwright/test";

/** How far the page scrolls sideways (0 when it fits). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** The outermost elements that stick out to the right of the screen (what to fix when the page scrolls sideways). */
export function widest(page: Page): Promise<string> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clips = (el: Element | null): boolean => {
      for (let a = el; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== "visible") return true;
      return false;
    };
    const sticksOut = [...document.querySelectorAll("body *")].filter((el) => el.getBoundingClientRect().right > width + 1);
    // An absolutely positioned element (sr-only text) escapes a scroll box that is not positioned.
    const out = sticksOut.filter((el) => !clips(el.parentElement) || getComputedStyle(el).position === "absolute");
    const outermost = out.filter((el) => !out.some((o) => o !== el && o.contains(el)));
    return outermost.slice(0, 5).map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") ?? ""}">`).join(", ");
  });
}
