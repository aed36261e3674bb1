"use client";

import { createContext, useContext, type HTMLAttributes, type ReactNode } from "react";

// Section headings that follow the page's outline (axe heading-order): the task detail is an h2
// in the inbox's pane and the h1 of the task page, so its sections are h3 in one and h2 in the
// other. A component says how deep its heading sits below the nearest base; the base says where
// that is.
const HeadingBaseContext = createContext(2);

export function HeadingBase({ level, children }: { level: 1 | 2 | 3; children: ReactNode }) {
  return <HeadingBaseContext.Provider value={level}>{children}</HeadingBaseContext.Provider>;
}

type Tag = "h2" | "h3" | "h4" | "h5" | "h6";

/** A heading `depth` levels below the current base (1: a section, 2: a section's part). */
export function SubHeading({ depth = 1, ...props }: HTMLAttributes<HTMLHeadingElement> & { depth?: 1 | 2 }) {
  const base = useContext(HeadingBaseContext);
  const Heading = `h${Math.min(6, base + depth)}` as Tag;
  return <Heading {...props} />;
}
