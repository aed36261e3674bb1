"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, type Problem } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import type { ModelDetail, ModelEvaluation, ModelPublishResult, ModelSummary, ModelTestCase, ModelTestCaseResult, ModelUploadResult } from "@/lib/rules/model-schemas";

// DMN models over REST (ADR 054), the one way the browser talks to Baton.

const path = (key: string, rest = "") => `/api/v1/decision-models/${encodeURIComponent(key)}${rest}`;

export function useDecisionModels() {
  return useQuery({ queryKey: queryKeys.decisionModels, queryFn: ({ signal }) => api<{ data: ModelSummary[] }>("/api/v1/decision-models", { signal }) });
}

export function useDecisionModel(key: string) {
  return useQuery({ queryKey: queryKeys.decisionModel(key), queryFn: ({ signal }) => api<ModelDetail>(path(key), { signal }) });
}

/** Uploads a .dmn model as a new draft version; `key` chooses the model's key instead of its name's. */
export function useUploadModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ xml, key }: { xml: string; key?: string }) => {
      const url = key ? `/api/v1/decision-models?key=${encodeURIComponent(key)}` : "/api/v1/decision-models";
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/xml", accept: "application/json" }, body: xml, credentials: "same-origin" });
      const body = (await res.json().catch(() => null)) as unknown;
      if (!res.ok) throw new ApiError({ ...((body ?? {}) as Partial<Problem>), status: res.status });
      return body as ModelUploadResult;
    },
    onSuccess: (r) => Promise.all([qc.invalidateQueries({ queryKey: queryKeys.decisionModels }), qc.invalidateQueries({ queryKey: queryKeys.decisionModel(r.key) })]),
  });
}

export function useEvaluateModel(key: string) {
  return useMutation({
    mutationFn: (body: { decision: string; inputs: Record<string, unknown>; version?: number }) => api<ModelEvaluation>(path(key, "/evaluate"), { method: "POST", body }),
  });
}

export function useSaveModelTestCases(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (testCases: ModelTestCase[]) => api<{ testCases: ModelTestCase[]; testResults: ModelTestCaseResult[] }>(path(key, "/test-cases"), { method: "PUT", body: { testCases } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.decisionModel(key) }),
  });
}

export function usePublishModel(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api<ModelPublishResult>(path(key, "/publish"), { method: "POST", body: { version } }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: queryKeys.decisionModels }), qc.invalidateQueries({ queryKey: queryKeys.decisionModel(key) })]),
  });
}

/** Archives (true) or restores (false) a model. */
export function useArchiveModel(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (archived: boolean) => api<ModelSummary>(path(key, "/archive"), { method: archived ? "POST" : "DELETE" }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: queryKeys.decisionModels }), qc.invalidateQueries({ queryKey: queryKeys.decisionModel(key) })]),
  });
}
