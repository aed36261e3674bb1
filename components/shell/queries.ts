"use client";

// The header's notifications over REST.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { NotificationDto } from "@/lib/notifications/schemas";
import { api } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import { pollInterval, useLiveStatus } from "@/components/data/live";

export function useNotifications() {
  const live = useLiveStatus();
  return useQuery({
    queryKey: queryKeys.notifications,
    queryFn: ({ signal }) => api<{ data: NotificationDto[]; unread: number }>("/api/v1/notifications", { signal }),
    refetchInterval: pollInterval(live, 15_000),
  });
}

/** Marks some (or all) as read; the bell and the counts in "me" refetch either way. */
export function useMarkNotificationsRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { ids: string[] } | { all: true }) => api("/api/v1/notifications/read", { method: "POST", body }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.notifications });
      void qc.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}
