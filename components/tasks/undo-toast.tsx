"use client";

import { useEffect } from "react";
import { Undo2, X } from "lucide-react";
import type { TaskActions } from "./use-task-actions";

/**
 * While your last decision is inside its undo window: what was decided and how to undo it (the
 * Undo button or z). Not a live region — the status message already said "Press z to undo" —
 * and the countdown bar is decorative, so nothing is announced while it runs.
 */
export function UndoToast({ actions, onUndone }: { actions: TaskActions; onUndone?: (taskId: string) => void }) {
  const held = actions.held;
  const { dismissHeld } = actions;
  useEffect(() => {
    if (!held) return;
    const t = setTimeout(dismissHeld, held.ms);
    return () => clearTimeout(t);
  }, [held, dismissHeld]);
  if (!held) return null;
  return (
    <div className="pointer-events-none fixed inset-x-0 bottom-20 z-50 flex justify-center px-4">
      <div
        data-testid="undo-toast"
        role="group"
        aria-label="Undo the last decision"
        className="pointer-events-auto relative flex max-w-md items-center gap-3 overflow-hidden rounded-lg bg-slate-900 py-2 pr-2 pl-4 text-sm text-white shadow-lg"
      >
        <span className="font-medium">{held.label}</span>
        <button
          type="button"
          onClick={() => void actions.undo().then((t) => t && onUndone?.(t.id))}
          className="inline-flex items-center gap-1.5 rounded-md bg-white/10 px-2.5 py-1 font-medium text-white hover:bg-white/20 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
        >
          <Undo2 aria-hidden className="size-4" /> Undo
          <kbd aria-hidden className="rounded bg-white/20 px-1 font-mono text-[11px] leading-4">
            z
          </kbd>
        </button>
        <button type="button" onClick={dismissHeld} aria-label="Dismiss" className="rounded p-1 text-slate-300 hover:bg-white/10 hover:text-white">
          <X aria-hidden className="size-4" />
        </button>
        <span
          key={held.until}
          aria-hidden
          className="absolute bottom-0 left-0 h-0.5 w-full bg-emerald-400 motion-reduce:hidden"
          style={{ animation: `undo-countdown ${held.ms}ms linear forwards` }}
        />
      </div>
    </div>
  );
}
