"use client";

import { useEffect } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { HEARTBEAT_MS, type Viewer } from "@/lib/live/presence-schemas";
import { api } from "./api";
import { queryKeys } from "./keys";

/**
 * While a task is open: beat every HEARTBEAT_MS (only while the tab is visible), say goodbye on
 * close, and return who else is viewing it (refetched when the live stream says it changed).
 */
export function useTaskPresence(taskId: string | null): Viewer[] {
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.presence(taskId ?? ""),
    queryFn: ({ signal }) => api<{ data: Viewer[] }>(`/api/v1/tasks/${encodeURIComponent(taskId!)}/presence`, { signal }).then((r) => r.data),
    enabled: !!taskId,
    refetchInterval: HEARTBEAT_MS * 2,
  });
  useEffect(() => {
    if (!taskId) return;
    const url = `/api/v1/tasks/${encodeURIComponent(taskId)}/presence`;
    const beat = () => {
      if (document.visibilityState !== "visible") return;
      api<{ data: Viewer[] }>(url, { method: "POST", body: {} })
        .then((r) => qc.setQueryData(queryKeys.presence(taskId), r.data))
        .catch(() => undefined);
    };
    beat();
    const timer = setInterval(beat, HEARTBEAT_MS);
    document.addEventListener("visibilitychange", beat);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", beat);
      // keepalive: the goodbye still goes out when the tab is closing.
      void fetch(url, { method: "DELETE", keepalive: true }).catch(() => undefined);
    };
  }, [taskId, qc]);
  return query.data ?? [];
}

/** Who is viewing which of the given tasks (the inbox rows). */
export function useRowsPresence(taskIds: string[]): Record<string, Viewer[]> {
  const ids = taskIds.slice(0, 100).join(",");
  const query = useQuery({
    queryKey: [...queryKeys.presenceRows, ids],
    queryFn: ({ signal }) => api<{ data: Record<string, Viewer[]> }>(`/api/v1/presence?taskIds=${encodeURIComponent(ids)}`, { signal }).then((r) => r.data),
    enabled: ids.length > 0,
    refetchInterval: HEARTBEAT_MS * 3,
  });
  return query.data ?? {};
}

/** "Dana Lee is viewing", "Dana Lee and Sam Okafor are viewing", "3 people are viewing". */
export function viewingText(viewers: Viewer[]): string | null {
  if (viewers.length === 0) return null;
  if (viewers.length === 1) return `${viewers[0]!.name} is viewing`;
  if (viewers.length === 2) return `${viewers[0]!.name} and ${viewers[1]!.name} are viewing`;
  return `${viewers.length} people are viewing`;
}
