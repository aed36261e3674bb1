"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, type Problem } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import type { InstanceDto, InstancePage } from "@/lib/engine/schemas";
import type { EvaluationDto, PublishResult, TableDetail, TableDiff, TableSummary, TestCase, TestCaseResult, UnusedRules, UploadResult } from "@/lib/rules/schemas";

// Decision tables over REST (TanStack Query), the one way the browser talks to Baton.

const path = (key: string, rest = "") => `/api/v1/decision-tables/${encodeURIComponent(key)}${rest}`;

export function useDecisionTables() {
  return useQuery({ queryKey: queryKeys.decisionTables, queryFn: ({ signal }) => api<{ data: TableSummary[] }>("/api/v1/decision-tables", { signal }) });
}

export function useDecisionTable(key: string) {
  return useQuery({ queryKey: queryKeys.decisionTable(key), queryFn: ({ signal }) => api<TableDetail>(path(key), { signal }) });
}

export function useTableDiff(key: string) {
  return useQuery({ queryKey: queryKeys.decisionTableDiff(key), queryFn: ({ signal }) => api<TableDiff>(path(key, "/diff"), { signal }) });
}

export function useUnusedRules(key: string, days: number, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.unusedRules(key, days),
    queryFn: ({ signal }) => api<UnusedRules>(path(key, `/unused-rules?days=${days}`), { signal }),
    enabled,
  });
}

export function useEvaluate(key: string) {
  return useMutation({ mutationFn: (body: { inputs: Record<string, unknown>; version?: number }) => api<EvaluationDto>(path(key, "/evaluate"), { method: "POST", body }) });
}

export function usePublish(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api<PublishResult>(path(key, "/publish"), { method: "POST", body: { version } }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.decisionTables }),
  });
}

export function useSaveTestCases(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (testCases: TestCase[]) => api<{ testCases: TestCase[]; testResults: TestCaseResult[] }>(path(key, "/test-cases"), { method: "PUT", body: { testCases } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.decisionTable(key) }),
  });
}

/** Archives (true) or restores (false) a table. */
export function useArchive(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (archived: boolean) => api<TableSummary>(path(key, "/archive"), { method: archived ? "POST" : "DELETE" }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: queryKeys.decisionTables }), qc.invalidateQueries({ queryKey: queryKeys.decisionTable(key) })]),
  });
}

/** Uploads a .dmn file (or XML the editor wrote) as new drafts; `key` stores a one-table file under that table key. */
export function useUploadDmn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ xml, key }: { xml: string; key?: string }) => {
      const url = key ? `/api/v1/decision-tables?key=${encodeURIComponent(key)}` : "/api/v1/decision-tables";
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/xml", accept: "application/json" }, body: xml, credentials: "same-origin" });
      const body = (await res.json().catch(() => null)) as unknown;
      if (!res.ok) throw new ApiError({ ...((body ?? {}) as Partial<Problem>), status: res.status });
      return body as UploadResult;
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.decisionTables }),
  });
}

/** The DMN file of one version, as stored (the file as it was uploaded): of a decision table, or of a decision model (ADR 054). */
export function useDmnXml(key: string, version: number, of: "table" | "model" = "table") {
  return useQuery({
    queryKey: of === "model" ? (["decision-models", key, "xml", version] as const) : queryKeys.decisionTableXml(key, version),
    queryFn: async ({ signal }) => {
      const url = of === "model" ? `/api/v1/decision-models/${encodeURIComponent(key)}?format=dmn&version=${version}` : path(key, `?format=dmn&version=${version}`);
      const res = await fetch(url, { headers: { accept: "application/xml" }, credentials: "same-origin", signal });
      if (!res.ok) throw new ApiError({ ...(((await res.json().catch(() => null)) ?? {}) as Partial<Problem>), status: res.status });
      return res.text();
    },
    // A version's file never changes.
    staleTime: Infinity,
  });
}

/** Past process instances whose variables can fill a what-if test. */
export function useRecentInstances() {
  return useQuery({ queryKey: queryKeys.whatIfInstances, queryFn: ({ signal }) => api<InstancePage>("/api/v1/instances?limit=50", { signal }), staleTime: 30_000 });
}

export function useLoadInstance() {
  return useMutation({ mutationFn: (id: string) => api<InstanceDto>(`/api/v1/instances/${encodeURIComponent(id)}`) });
}
