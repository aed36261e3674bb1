"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import type { KpiDashboard } from "@/lib/kpi/schemas";
import type { VersionSplitDto, VersionSplitInput } from "@/lib/processes/schemas";
import type { QueueHealth } from "@/lib/metrics/queue-health";

export function useKpis(params: Record<string, string>) {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return useQuery({
    queryKey: queryKeys.kpis(params),
    queryFn: ({ signal }) => api<KpiDashboard>(`/api/v1/kpis${qs ? `?${qs}` : ""}`, { signal }),
    // Rollups refresh every minute in the worker; a minute's staleness is what the page promises.
    refetchInterval: 60_000,
    placeholderData: (prev) => prev,
  });
}

/** Live: polled every 3 s while the page is open. */
export function useQueueHealth() {
  return useQuery({ queryKey: queryKeys.queueHealth, queryFn: ({ signal }) => api<QueueHealth>("/api/v1/queues", { signal }), refetchInterval: 3000 });
}

export function useJobAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ queue, id, action }: { queue: string; id: string; action: "retry" | "remove" }) =>
      action === "retry"
        ? api<{ state: string }>(`/api/v1/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(id)}/retry`, { method: "POST", body: {} })
        : api<{ state: string }>(`/api/v1/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.queueHealth }),
  });
}

export function useSplitMutation(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: VersionSplitInput | null) =>
      input ? api<VersionSplitDto>(`/api/v1/processes/${encodeURIComponent(key)}/split`, { method: "PUT", body: input }) : api<null>(`/api/v1/processes/${encodeURIComponent(key)}/split`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.kpis() }),
  });
}
