"use client";

// Processes, their instances and operations on them over REST.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import type { InstanceDto, InstancePage } from "@/lib/engine/schemas";
import type { MigrationPreview, MigrationResult } from "@/lib/engine/migration-schemas";
import type { ProcessDetailDto, ProcessSummaryDto, ProcessVersionDto } from "@/lib/processes/schemas";

const processPath = (key: string, rest = "") => `/api/v1/processes/${encodeURIComponent(key)}${rest}`;

/** One process with its versions and the document of `version` (null: the newest). */
export function useProcess(key: string, version: number | null) {
  return useQuery({
    queryKey: queryKeys.process(key, version),
    queryFn: ({ signal }) => api<ProcessDetailDto>(processPath(key, version ? `?version=${version}` : ""), { signal }),
  });
}

export function useProcesses() {
  return useQuery({ queryKey: queryKeys.processes, queryFn: ({ signal }) => api<{ data: ProcessSummaryDto[] }>("/api/v1/processes", { signal }) });
}

export function useInstances(filters: Record<string, string>) {
  const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  return useQuery({
    queryKey: queryKeys.instances(filters),
    queryFn: ({ signal }) => api<InstancePage>(`/api/v1/instances${qs ? `?${qs}` : ""}`, { signal }),
    refetchInterval: 3000,
  });
}

/** Polls while the instance is still moving; a finished instance stops polling. */
export function useInstance(id: string) {
  return useQuery({
    queryKey: queryKeys.instance(id),
    queryFn: ({ signal }) => api<InstanceDto>(`/api/v1/instances/${id}`, { signal }),
    refetchInterval: (q) => (q.state.data && ["COMPLETED", "CANCELLED", "COMPENSATED"].includes(q.state.data.status) ? false : 1500),
  });
}

/** A mutation after which the process list (its versions and instance counts) refetches. */
function useProcessListMutation<TVars, TResult>(mutationFn: (vars: TVars) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.processes }) });
}

export const usePublishProcess = () => useProcessListMutation((document: string) => api<ProcessVersionDto>("/api/v1/processes", { method: "POST", body: { document } }));

export const useDeprecateVersion = () =>
  useProcessListMutation((v: { key: string; version: number }) => api<ProcessVersionDto>(processPath(v.key, `/versions/${v.version}/deprecate`), { method: "POST", body: {} }));

export const useStartInstance = (processKey: string) =>
  useProcessListMutation((body: { variables: unknown; businessKey?: string }) => api<InstanceDto>(processPath(processKey, "/instances"), { method: "POST", body }));

export function useMigrationPreview(processKey: string) {
  return useMutation({ mutationFn: (targetVersion: number) => api<MigrationPreview>(processPath(processKey, "/migrations/preview"), { method: "POST", body: { targetVersion } }) });
}

/** Moves the picked instances; the process (every version) and the list refetch. */
export function useMigrateInstances(processKey: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { targetVersion: number; instances: { id: string; version: number }[]; reason?: string }) =>
      api<MigrationResult>(processPath(processKey, "/migrations"), { method: "POST", body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.process(processKey) });
      void qc.invalidateQueries({ queryKey: queryKeys.processes });
    },
  });
}

export type OperatorAction = "retry" | "skip" | "cancel";

/** An operator's action on an instance; the answer replaces the cached instance. */
export function useInstanceAction(instanceId: string, action: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { reason?: string }) => api<InstanceDto>(`/api/v1/instances/${instanceId}/${action}`, { method: "POST", body }),
    onSuccess: (i) => qc.setQueryData(queryKeys.instance(i.id), i),
  });
}
