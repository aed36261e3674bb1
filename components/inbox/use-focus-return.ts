"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Where focus goes after the list changes under it (a decided row leaves, an undone one comes
 * back): requestFocus(id) focuses that row once it is rendered, requestFocus(null) the empty
 * state (or the list while it is still there).
 */
export function useFocusReturn(rows: readonly unknown[]) {
  const rowEls = useRef(new Map<string, HTMLDivElement>());
  const listRef = useRef<HTMLDivElement>(null);
  const emptyRef = useRef<HTMLDivElement>(null);
  // Where focus should go once the list has re-rendered: a row id, null for the empty state.
  const pendingFocus = useRef<string | null | undefined>(undefined);
  const [focusTick, setFocusTick] = useState(0);

  const requestFocus = useCallback((id: string | null) => {
    pendingFocus.current = id;
    setFocusTick((n) => n + 1);
  }, []);

  useEffect(() => {
    const target = pendingFocus.current;
    if (target === undefined) return;
    if (target === null) {
      if (emptyRef.current) {
        emptyRef.current.focus();
        pendingFocus.current = undefined;
      } else listRef.current?.focus();
      return;
    }
    const el = rowEls.current.get(target);
    if (el) {
      el.focus();
      el.scrollIntoView({ block: "nearest" });
      pendingFocus.current = undefined;
    }
  }, [focusTick, rows]);

  /** The ref callback for a row's element. */
  const registerRow = (id: string) => (el: HTMLDivElement | null) => {
    if (el) rowEls.current.set(id, el);
    else rowEls.current.delete(id);
  };

  return { listRef, emptyRef, registerRow, requestFocus, listHasFocus: () => !!listRef.current?.contains(document.activeElement) };
}
