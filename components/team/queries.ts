"use client";

import { useQuery } from "@tanstack/react-query";
import type { TeamView } from "@/lib/team/schemas";
import { api } from "@/components/data/api";
import { pollInterval, useLiveStatus } from "@/components/data/live";

/** Under ["tasks", …]: every live task event (a reassignment, a decision) refetches the console. */
export const teamKey = ["tasks", "team"] as const;

export function useTeam() {
  const live = useLiveStatus();
  return useQuery({
    queryKey: teamKey,
    queryFn: ({ signal }) => api<TeamView>("/api/v1/team", { signal }),
    refetchInterval: pollInterval(live, 15_000),
  });
}
