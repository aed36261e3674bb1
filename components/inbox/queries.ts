"use client";

// The inbox over REST: the task lists (cursor pages) and the saved filters.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import type { TaskPage } from "@/lib/tasks/schemas";
import { api } from "@/components/data/api";
import { queryKeys, type InboxFilters, type InboxView } from "@/components/data/keys";
import { pollInterval, useLiveStatus } from "@/components/data/live";

const PAGE_SIZE = 50;

export function useTaskList(view: InboxView, filters: InboxFilters = {}) {
  const live = useLiveStatus();
  return useInfiniteQuery({
    queryKey: queryKeys.taskList(view, filters),
    queryFn: ({ pageParam, signal }) => {
      const qs = new URLSearchParams({ view, limit: String(PAGE_SIZE) });
      for (const [k, v] of Object.entries(filters)) if (v) qs.set(k, v);
      if (pageParam) qs.set("cursor", pageParam);
      return api<TaskPage>(`/api/v1/tasks?${qs}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Live events refresh the list; polling is the fallback when the stream is down.
    refetchInterval: pollInterval(live, 10_000),
  });
}

/**
 * Takes a task out of the cached list at once (a decision from the list); `restore` puts the list
 * back as it was if the server refuses.
 */
export function useOptimisticRemoval(view: InboxView, filters: InboxFilters) {
  const qc = useQueryClient();
  return async (taskId: string) => {
    const key = queryKeys.taskList(view, filters);
    await qc.cancelQueries({ queryKey: key });
    const snapshot = qc.getQueryData<InfiniteData<TaskPage>>(key);
    if (snapshot) qc.setQueryData(key, { ...snapshot, pages: snapshot.pages.map((p) => ({ ...p, data: p.data.filter((t) => t.id !== taskId) })) });
    return { restore: () => snapshot && qc.setQueryData(key, snapshot) };
  };
}

export interface SavedFilter {
  id: string;
  name: string;
  query: string;
}

export function useSavedFilters() {
  return useQuery({
    queryKey: queryKeys.savedFilters,
    queryFn: ({ signal }) => api<{ data: SavedFilter[] }>("/api/v1/saved-filters", { signal }),
    staleTime: 60_000,
  });
}

export function useSaveFilter() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; query: string }) => api("/api/v1/saved-filters", { method: "POST", body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.savedFilters }),
  });
}

export function useDeleteSavedFilter() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (filterId: string) => api(`/api/v1/saved-filters/${encodeURIComponent(filterId)}`, { method: "DELETE" }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.savedFilters }),
  });
}
