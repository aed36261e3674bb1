"use client";

import { useEffect, useState } from "react";

/**
 * A scroll box that knows whether its content is wider than it: when it is, the box becomes a
 * named, focusable region, so keyboard users can scroll it too (axe: scrollable-region-focusable).
 * Spread `scrollBoxProps(overflowing, label)` on the element whose ref is `attachScrollBox`.
 */
export function useScrollBox<E extends HTMLElement = HTMLDivElement>() {
  // A callback ref: the box may mount late (a table only once there are rows).
  const [el, attachScrollBox] = useState<E | null>(null);
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    if (!el || typeof ResizeObserver === "undefined") return;
    const measure = () => setOverflowing(el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [el]);
  return { attachScrollBox, overflowing };
}

/** The attributes that make an overflowing box a keyboard-scrollable region. */
export function scrollBoxProps(overflowing: boolean, label: string) {
  return { role: overflowing ? "region" : undefined, tabIndex: overflowing ? 0 : undefined, "aria-label": overflowing ? label : undefined } as const;
}
