"use client";

import clsx from "clsx";
import { useLiveStatus, useLiveUpdates } from "@/components/data/live";

/** Opens the live stream for the whole app and says whether it is connected (text, not colour alone). */
export function LiveIndicator() {
  useLiveUpdates();
  const status = useLiveStatus();
  const label = status === "live" ? "Live" : status === "connecting" ? "Connecting…" : "Offline: refreshing every few seconds";
  return (
    <span data-testid="live-status" data-status={status} title={label} className="hidden items-center gap-1.5 text-xs text-slate-500 sm:inline-flex">
      <span aria-hidden className={clsx("size-2 rounded-full", status === "live" ? "bg-emerald-500" : status === "connecting" ? "bg-amber-400" : "bg-slate-400")} />
      <span className={status === "live" ? "sr-only" : undefined}>{status === "live" ? "Live updates on" : status === "connecting" ? "Connecting" : "Offline"}</span>
    </span>
  );
}
