"use client";

// The supervisor console over REST.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { OutOfOfficeDto, TeamView } from "@/lib/team/schemas";
import { api } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import { pollInterval, useLiveStatus } from "@/components/data/live";

export function useTeam() {
  const live = useLiveStatus();
  return useQuery({
    // Under ["tasks", …]: every live task event (a reassignment, a decision) refetches the console.
    queryKey: queryKeys.team,
    queryFn: ({ signal }) => api<TeamView>("/api/v1/team", { signal }),
    refetchInterval: pollInterval(live, 15_000),
  });
}

/** Sets (PUT) or ends (DELETE) a member's out-of-office window; the console refetches. */
export function useOutOfOffice(memberId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ method, body }: { method: "PUT" | "DELETE"; body?: object }) =>
      api<OutOfOfficeDto>(`/api/v1/team/members/${encodeURIComponent(memberId)}/out-of-office`, { method, body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.team }),
  });
}
