"use client";

import clsx from "clsx";
import { scrollBoxProps, useScrollBox } from "./use-scroll-box";

/**
 * A value shown as indented JSON in a box that scrolls (both ways) instead of widening the page.
 * While its content overflows, the box is a named, focusable region, so the keyboard can scroll it
 * too (axe: scrollable-region-focusable). `label` names it ("Variables (JSON)"); the colours, the
 * padding and the height cap come from `className`.
 */
export function JsonBlock({ value, label, className, testId }: { value: unknown; label: string; className?: string; testId?: string }) {
  const { attachScrollBox, overflowing } = useScrollBox<HTMLPreElement>();
  return (
    <pre
      ref={attachScrollBox}
      {...scrollBoxProps(overflowing, label)}
      className={clsx("overflow-auto text-xs focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600", className)}
      data-testid={testId}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
