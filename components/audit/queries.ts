"use client";

// The audit log over REST: cursor pages, newest first, and the hash-chain check.
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import type { AuditPage, SodReport } from "@/lib/audit/schemas";
import type { VerifyReport } from "@/lib/audit/sealer";
import { api } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";

export function useAuditLog(filters: Record<string, string>) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit(filters),
    queryFn: ({ pageParam, signal }) => {
      const qs = new URLSearchParams({ ...filters, limit: "50" });
      if (pageParam) qs.set("cursor", pageParam);
      return api<AuditPage>(`/api/v1/audit?${qs}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useVerifyChain() {
  return useMutation({ mutationFn: () => api<VerifyReport>("/api/v1/audit/verify", { method: "POST" }) });
}

export function useSeparationOfDuties(period: Record<string, string>) {
  return useQuery({
    queryKey: queryKeys.separationOfDuties(period),
    queryFn: ({ signal }) => api<SodReport>(`/api/v1/audit/separation-of-duties?${new URLSearchParams(period)}`, { signal }),
  });
}
