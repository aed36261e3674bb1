"use client";

import { useCallback, useMemo, useRef, useState } from "react";

/**
 * Rows ticked for a bulk action: toggle one, or (range) everything between the last ticked row
 * and this one. A new `scopeKey` (another view or filter) starts with nothing ticked.
 */
export function useSelection<T extends { id: string }>(rows: T[], scopeKey: string) {
  const [checked, setChecked] = useState<Set<string>>(() => new Set());
  const anchor = useRef<string | null>(null);
  // State adjusted during render, not in an effect: the new list never shows the old ticks.
  const [checkedScope, setCheckedScope] = useState(scopeKey);
  if (checkedScope !== scopeKey) {
    setCheckedScope(scopeKey);
    setChecked(new Set());
  }

  const toggle = useCallback(
    (id: string, range: boolean) => {
      // Read the anchor now: the state updater runs later, after it has moved to `id`.
      const from = anchor.current;
      setChecked((prev) => {
        const next = new Set(prev);
        if (range && from) {
          const a = rows.findIndex((r) => r.id === from);
          const b = rows.findIndex((r) => r.id === id);
          if (a >= 0 && b >= 0) {
            for (const r of rows.slice(Math.min(a, b), Math.max(a, b) + 1)) next.add(r.id);
            return next;
          }
        }
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      });
      anchor.current = id;
    },
    [rows],
  );

  return {
    checked,
    toggle,
    /** The ticked rows, in list order. */
    selectedRows: useMemo(() => rows.filter((r) => checked.has(r.id)), [rows, checked]),
    /** Ticks exactly these (the failures of a bulk action, kept for a retry). */
    setChecked: useCallback((ids: Iterable<string>) => setChecked(new Set(ids)), []),
    clear: useCallback(() => setChecked(new Set()), []),
  };
}
