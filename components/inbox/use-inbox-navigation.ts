"use client";

import { useCallback, useRef, useState, type RefObject } from "react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { usePrefetchNeighbours } from "@/components/tasks/case-queries";

const DESKTOP = "(min-width: 1024px)";
/** On a wide screen the list and the open task sit side by side. */
export const isDesktop = () => typeof window !== "undefined" && window.matchMedia(DESKTOP).matches;

/**
 * The row the keyboard is on (the "active" one) and moving it: j/k and the arrows, opening a task,
 * going back to a row. On a wide screen the detail pane follows the active row.
 */
export function useInboxNavigation({
  rows,
  selectedId,
  select,
  listRef,
  requestFocus,
}: {
  rows: TaskDto[];
  selectedId: string | null;
  select: (id: string | null, mode?: "push" | "replace") => void;
  listRef: RefObject<HTMLDivElement | null>;
  requestFocus: (id: string | null) => void;
}) {
  const [activeId, setActiveId] = useState<string | null>(null);
  const detailRef = useRef<HTMLElement>(null);
  const active = rows.find((r) => r.id === activeId) ?? rows.find((r) => r.id === selectedId) ?? rows[0] ?? null;
  // The next j (or k) opens a task already in the cache: instant.
  usePrefetchNeighbours(rows, active?.id);

  const moveBy = useCallback(
    (delta: number) => {
      if (rows.length === 0) return;
      const idx = active ? rows.findIndex((r) => r.id === active.id) : -1;
      // Coming from outside the list, the first j/k lands on the current row rather than skipping it.
      const fromOutside = !listRef.current?.contains(document.activeElement) && idx >= 0 && Math.abs(delta) === 1;
      const next = rows[fromOutside ? idx : Math.max(0, Math.min(rows.length - 1, idx + delta))]!;
      setActiveId(next.id);
      requestFocus(next.id);
      // On a wide screen the detail pane follows the focused row.
      if (isDesktop()) select(next.id);
    },
    [rows, active, listRef, requestFocus, select],
  );

  const openTask = useCallback(
    (task: TaskDto) => {
      setActiveId(task.id);
      if (isDesktop()) {
        select(task.id);
      } else {
        select(task.id, "push");
        requestAnimationFrame(() => detailRef.current?.focus());
      }
    },
    [select],
  );

  /** Back to a row, focused (and open on a wide screen): after an undo. */
  const returnTo = useCallback(
    (id: string) => {
      setActiveId(id);
      requestFocus(id);
      if (isDesktop()) select(id);
    },
    [requestFocus, select],
  );

  return { active, setActiveId, moveBy, openTask, returnTo, detailRef };
}
