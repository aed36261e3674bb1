"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { CircleAlert, CircleCheck } from "lucide-react";
import clsx from "clsx";

interface Announcer {
  /** Polite status message ("Approved TSK-12"), also shown as a toast. */
  announce: (message: string) => void;
  /** Failure message (role="alert"). */
  alert: (message: string) => void;
}

const Ctx = createContext<Announcer>({ announce: () => undefined, alert: () => undefined });

export function useAnnouncer(): Announcer {
  return useContext(Ctx);
}

/**
 * The app's single live regions, present from page load so screen readers pick up changes:
 * one role="status" for outcomes and one role="alert" for failures.
 */
export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<{ text: string; n: number } | null>(null);
  const [failure, setFailure] = useState<{ text: string; n: number } | null>(null);
  const counter = useRef(0);

  const announce = useCallback((text: string) => setStatus({ text, n: ++counter.current }), []);
  const alert = useCallback((text: string) => setFailure({ text, n: ++counter.current }), []);

  useEffect(() => {
    if (!status) return;
    const t = setTimeout(() => setStatus(null), 5_000);
    return () => clearTimeout(t);
  }, [status]);
  useEffect(() => {
    if (!failure) return;
    const t = setTimeout(() => setFailure(null), 8_000);
    return () => clearTimeout(t);
  }, [failure]);

  const value = useMemo(() => ({ announce, alert }), [announce, alert]);
  return (
    <Ctx.Provider value={value}>
      {children}
      <div className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4">
        <div role="status" aria-live="polite" data-testid="status-region" className="flex flex-col items-center">
          {status && (
            <p key={status.n} className={clsx(toast, "bg-slate-900 text-white")}>
              <CircleCheck aria-hidden className="size-4 text-emerald-400" />
              {status.text}
            </p>
          )}
        </div>
        <div role="alert" data-testid="alert-region" className="flex flex-col items-center">
          {failure && (
            <p key={failure.n} className={clsx(toast, "bg-red-700 text-white")}>
              <CircleAlert aria-hidden className="size-4" />
              {failure.text}
            </p>
          )}
        </div>
      </div>
    </Ctx.Provider>
  );
}

const toast = "pointer-events-auto inline-flex max-w-md items-center gap-2 rounded-lg px-4 py-2.5 text-sm font-medium shadow-lg";
