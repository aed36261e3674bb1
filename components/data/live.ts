"use client";

import { useEffect, useSyncExternalStore } from "react";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { LiveEvent } from "@/lib/live/events";
import { queryKeys } from "./keys";

// Live updates: one EventSource per tab on GET /api/v1/stream. Each event names a task that
// changed; we invalidate the queries that show it and let TanStack Query refetch through the normal
// API. Polling stays on as a slow fallback (fast again while the stream is down).

type LiveStatus = "connecting" | "live" | "offline";

let status: LiveStatus = "connecting";
const listeners = new Set<() => void>();
function setStatus(next: LiveStatus) {
  if (status === next) return;
  status = next;
  for (const l of listeners) l();
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => status,
    () => "connecting" as const,
  );
}

/** Polling interval: slow while the stream is live, quicker while it is down. */
export function pollInterval(live: LiveStatus, fast: number): number {
  return live === "live" ? 60_000 : fast;
}

/** Coalesces a burst of events (a bulk action, a seed) into one round of refetches. */
function createInvalidator(qc: QueryClient) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const tasks = new Set<string>();
  let lists = false;
  let notifications = false;
  const presence = new Set<string>();
  const flush = () => {
    timer = null;
    if (lists) void qc.invalidateQueries({ queryKey: queryKeys.tasks });
    if (lists || notifications) void qc.invalidateQueries({ queryKey: queryKeys.me });
    if (notifications) void qc.invalidateQueries({ queryKey: queryKeys.notifications });
    for (const id of tasks) void qc.invalidateQueries({ queryKey: queryKeys.task(id) });
    for (const id of presence) void qc.invalidateQueries({ queryKey: queryKeys.presence(id) });
    if (presence.size) void qc.invalidateQueries({ queryKey: queryKeys.presenceRows });
    tasks.clear();
    presence.clear();
    lists = false;
    notifications = false;
  };
  return (e: LiveEvent) => {
    // Someone opened or closed a task: only who is viewing changed, not the task or the lists.
    if (e.type === "task.presence") {
      if (e.taskId) presence.add(e.taskId);
      timer ??= setTimeout(flush, 150);
      return;
    }
    if (e.type === "notification.created") notifications = true;
    else lists = true;
    if (e.taskId) tasks.add(e.taskId);
    timer ??= setTimeout(flush, 150);
  };
}

export function useLiveUpdates(): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === "undefined") {
      setStatus("offline");
      return;
    }
    const invalidate = createInvalidator(qc);
    const source = new EventSource("/api/v1/stream");
    source.addEventListener("ready", () => setStatus("live"));
    source.addEventListener("task", (msg) => {
      try {
        invalidate(JSON.parse((msg as MessageEvent<string>).data) as LiveEvent);
      } catch {
        // ignore a malformed frame
      }
    });
    // The session was signed out elsewhere or ended by an admin (lib/identity/sessions.ts): every
    // request of this tab is refused from now on, so go to the sign-in page, coming back here after.
    source.addEventListener("session-ended", () => {
      source.close();
      setStatus("offline");
      const here = window.location.pathname + window.location.search;
      window.location.replace(`/login?callbackUrl=${encodeURIComponent(here)}`);
    });
    // EventSource reconnects by itself (retry: 5000); meanwhile polling speeds up again.
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
    return () => {
      source.close();
      setStatus("connecting");
    };
  }, [qc]);
}
