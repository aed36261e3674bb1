"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/data/api";
import type { InstanceDto, InstancePage } from "@/lib/engine/schemas";
import type { ProcessDetailDto, ProcessSummaryDto } from "@/lib/processes/schemas";

export const processKeys = {
  list: ["processes"] as const,
  instances: (filters: Record<string, string>) => ["process-instances", filters] as const,
  instance: (id: string) => ["process-instance", id] as const,
  process: (key: string, version: number | null) => ["process", key, version] as const,
};

/** One process with its versions and the document of `version` (null: the newest). */
export function useProcess(key: string, version: number | null) {
  return useQuery({
    queryKey: processKeys.process(key, version),
    queryFn: ({ signal }) => api<ProcessDetailDto>(`/api/v1/processes/${encodeURIComponent(key)}${version ? `?version=${version}` : ""}`, { signal }),
  });
}

export function useProcesses() {
  return useQuery({ queryKey: processKeys.list, queryFn: ({ signal }) => api<{ data: ProcessSummaryDto[] }>("/api/v1/processes", { signal }) });
}

export function useInstances(filters: Record<string, string>) {
  const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  return useQuery({
    queryKey: processKeys.instances(filters),
    queryFn: ({ signal }) => api<InstancePage>(`/api/v1/instances${qs ? `?${qs}` : ""}`, { signal }),
    refetchInterval: 3000,
  });
}

/** Polls while the instance is still moving; a finished instance stops polling. */
export function useInstance(id: string) {
  return useQuery({
    queryKey: processKeys.instance(id),
    queryFn: ({ signal }) => api<InstanceDto>(`/api/v1/instances/${id}`, { signal }),
    refetchInterval: (q) => (q.state.data && ["COMPLETED", "CANCELLED", "COMPENSATED"].includes(q.state.data.status) ? false : 1500),
  });
}
