"use client";

import { useEffect } from "react";

const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/** The element focus should move to when what had it disappeared from inside `scope`. */
function fallbackIn(scope: Element): HTMLElement | null {
  if (scope instanceof HTMLElement && scope.hasAttribute("tabindex")) return scope;
  return scope.querySelector<HTMLElement>(FOCUSABLE);
}

/**
 * Focus never falls to <body>. When the focused element leaves the page (a decided row, a
 * submitted answer box, a reassigned person's row), focus moves to the newest element marked
 * `data-focus-fallback` in <main>, else to the nearest part of the page that is still there (or
 * its first control), else to <main>. Components that know better (the inbox's next row) move focus
 * themselves first; this only acts when nothing did.
 */
export function useFocusKeeper(): void {
  useEffect(() => {
    let last: HTMLElement | null = null;
    let ancestors: Element[] = [];
    const onFocusIn = (e: FocusEvent) => {
      if (!(e.target instanceof HTMLElement)) return;
      last = e.target;
      ancestors = [];
      for (let a = e.target.parentElement; a && a !== document.body; a = a.parentElement) ancestors.push(a);
    };
    let scheduled = false;
    const rescue = () => {
      scheduled = false;
      const active = document.activeElement;
      if (!last || last.isConnected || (active && active !== document.body)) return;
      if (document.querySelector("dialog[open]")) return;
      // A component marks the message that replaced the control (a refusal, the results of a
      // bulk action, "your answer was sent"): that is where the person should read on.
      const main = document.querySelector<HTMLElement>("main");
      const marked = main ? [...main.querySelectorAll<HTMLElement>("[data-focus-fallback]")].pop() : undefined;
      const scope = ancestors.find((a) => a.isConnected && a.closest("main")) ?? main;
      let target = marked ?? (scope ? fallbackIn(scope) : null);
      for (let s = scope?.parentElement; !target && s && s !== document.body; s = s.parentElement) target = fallbackIn(s);
      if (!target && main) {
        if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
        target = main;
      }
      if (target) {
        if (!target.hasAttribute("tabindex") && !target.matches(FOCUSABLE)) target.setAttribute("tabindex", "-1");
        target.focus({ preventScroll: false });
      }
    };
    const observer = new MutationObserver(() => {
      if (scheduled || !last || last.isConnected) return;
      scheduled = true;
      // After the frame: the component that removed the element may move focus itself.
      requestAnimationFrame(() => requestAnimationFrame(rescue));
    });
    document.addEventListener("focusin", onFocusIn);
    observer.observe(document.body, { childList: true, subtree: true });
    return () => {
      document.removeEventListener("focusin", onFocusIn);
      observer.disconnect();
    };
  }, []);
}
