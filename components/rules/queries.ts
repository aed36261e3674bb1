"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, type Problem } from "@/components/data/api";
import type { EvaluationDto, PublishResult, TableDetail, TableDiff, TableSummary, TestCase, TestCaseResult, UnusedRules, UploadResult } from "@/lib/rules/schemas";

// Decision tables over REST (TanStack Query), the one way the browser talks to Baton.

export const rulesKeys = {
  all: ["decision-tables"] as const,
  table: (key: string) => ["decision-tables", key] as const,
  diff: (key: string) => ["decision-tables", key, "diff"] as const,
};

const path = (key: string, rest = "") => `/api/v1/decision-tables/${encodeURIComponent(key)}${rest}`;

export function useDecisionTables() {
  return useQuery({ queryKey: rulesKeys.all, queryFn: ({ signal }) => api<{ data: TableSummary[] }>("/api/v1/decision-tables", { signal }) });
}

export function useDecisionTable(key: string) {
  return useQuery({ queryKey: rulesKeys.table(key), queryFn: ({ signal }) => api<TableDetail>(path(key), { signal }) });
}

export function useTableDiff(key: string) {
  return useQuery({ queryKey: rulesKeys.diff(key), queryFn: ({ signal }) => api<TableDiff>(path(key, "/diff"), { signal }) });
}

export function useUnusedRules(key: string, days: number, enabled: boolean) {
  return useQuery({
    queryKey: [...rulesKeys.table(key), "unused", days],
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
    onSettled: () => qc.invalidateQueries({ queryKey: rulesKeys.all }),
  });
}

export function useSaveTestCases(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (testCases: TestCase[]) => api<{ testCases: TestCase[]; testResults: TestCaseResult[] }>(path(key, "/test-cases"), { method: "PUT", body: { testCases } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: rulesKeys.table(key) }),
  });
}

/** Uploads a .dmn file (or XML the editor wrote) as new drafts. */
export function useUploadDmn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (xml: string) => {
      const res = await fetch("/api/v1/decision-tables", { method: "POST", headers: { "content-type": "application/xml", accept: "application/json" }, body: xml, credentials: "same-origin" });
      const body = (await res.json().catch(() => null)) as unknown;
      if (!res.ok) throw new ApiError({ ...((body ?? {}) as Partial<Problem>), status: res.status });
      return body as UploadResult;
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: rulesKeys.all }),
  });
}
