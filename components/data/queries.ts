"use client";

// Queries every feature shares: who I am, and the people a task can go to.
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import type { MeDto, PersonDto } from "@/lib/identity/schemas";
import { api } from "./api";
import { queryKeys } from "./keys";
import { pollInterval, useLiveStatus } from "./live";

export function useMe() {
  const live = useLiveStatus();
  return useQuery({ queryKey: queryKeys.me, queryFn: ({ signal }) => api<MeDto>("/api/v1/me", { signal }), refetchInterval: pollInterval(live, 15_000) });
}

/** People's names by id (the directory), to name the ids a history entry carries. */
export function useKnownNames(): ReadonlyMap<string, string> {
  const people = usePeople().data?.data;
  return useMemo(() => new Map((people ?? []).map((p) => [p.id, p.name])), [people]);
}

export function usePeople(enabled = true) {
  return useQuery({
    queryKey: queryKeys.people,
    queryFn: ({ signal }) => api<{ data: PersonDto[] }>("/api/v1/users?limit=200", { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}
