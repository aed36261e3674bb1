"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { MeDto, TokenDto } from "@/lib/identity/schemas";
import type { TaskDto, TaskPage } from "@/lib/tasks/schemas";
import type { AuditEntryDto } from "@/lib/audit/schemas";
import type { NotificationDto } from "@/lib/notifications/schemas";
import type { CommentDto } from "@/lib/comments/schemas";
import type { PersonDto } from "@/lib/identity/schemas";
import type { TaskEscalationsDto } from "@/lib/sla/schemas";
import { api } from "./api";
import { pollInterval, useLiveStatus } from "./live";

export type InboxView = "inbox" | "mine" | "group" | "asked" | "decided" | "all";

/** Inbox filters as they appear in the URL and the list API (q, priority, due, status, sort). */
export type InboxFilters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;
export const FILTER_KEYS = ["q", "priority", "due", "status", "sort", "process", "step", "outcome", "decidedBy", "decidedFrom", "decidedTo", "breached", "escalated"] as const;

export const queryKeys = {
  me: ["me"] as const,
  tasks: ["tasks"] as const,
  taskList: (view: InboxView, filters: InboxFilters = {}) => ["tasks", "list", view, filters] as const,
  savedFilters: ["saved-filters"] as const,
  task: (id: string) => ["task", id] as const,
  history: (id: string) => ["task", id, "history"] as const,
  escalations: (id: string) => ["task", id, "escalations"] as const,
  comments: (id: string) => ["task", id, "comments"] as const,
  people: ["people"] as const,
  notifications: ["notifications"] as const,
  audit: (filters: Record<string, string>) => ["audit", filters] as const,
  tokens: ["tokens"] as const,
  // Who is viewing a task (not under "task": a presence change must not refetch the task).
  presence: (id: string) => ["presence", "task", id] as const,
  presenceRows: ["presence", "rows"] as const,
};

export function useMe() {
  const live = useLiveStatus();
  return useQuery({ queryKey: queryKeys.me, queryFn: ({ signal }) => api<MeDto>("/api/v1/me", { signal }), refetchInterval: pollInterval(live, 15_000) });
}

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

export function useTask(id: string | null) {
  const live = useLiveStatus();
  return useQuery({
    queryKey: queryKeys.task(id ?? "none"),
    queryFn: ({ signal }) => api<TaskDto>(`/api/v1/tasks/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
    refetchInterval: pollInterval(live, 10_000),
  });
}

export function useTaskComments(id: string) {
  return useQuery({
    // Under ["task", id]: a live event for the task refetches its comments too.
    queryKey: queryKeys.comments(id),
    queryFn: ({ signal }) => api<{ data: CommentDto[] }>(`/api/v1/tasks/${encodeURIComponent(id)}/comments`, { signal }),
    placeholderData: (prev) => prev,
  });
}

export function usePeople(enabled = true) {
  return useQuery({
    queryKey: queryKeys.people,
    queryFn: ({ signal }) => api<{ data: PersonDto[] }>("/api/v1/users", { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}

export function useTaskHistory(id: string, version: number | undefined) {
  return useQuery({
    // The version in the key refetches the history whenever the task changes.
    queryKey: [...queryKeys.history(id), version ?? 0],
    queryFn: ({ signal }) => api<{ data: AuditEntryDto[] }>(`/api/v1/tasks/${encodeURIComponent(id)}/history`, { signal }),
    placeholderData: (prev) => prev,
  });
}

/** The task's SLA state and fired escalation levels; refetched whenever the task's version moves. */
export function useTaskEscalations(id: string, version: number | undefined) {
  return useQuery({
    queryKey: [...queryKeys.escalations(id), version ?? 0],
    queryFn: ({ signal }) => api<TaskEscalationsDto>(`/api/v1/tasks/${encodeURIComponent(id)}/escalations`, { signal }),
    placeholderData: (prev) => prev,
  });
}

export function useNotifications() {
  const live = useLiveStatus();
  return useQuery({
    queryKey: queryKeys.notifications,
    queryFn: ({ signal }) => api<{ data: NotificationDto[]; unread: number }>("/api/v1/notifications", { signal }),
    refetchInterval: pollInterval(live, 15_000),
  });
}

export function useAuditLog(filters: Record<string, string>) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit(filters),
    queryFn: ({ pageParam, signal }) => {
      const qs = new URLSearchParams({ ...filters, limit: "50" });
      if (pageParam) qs.set("cursor", pageParam);
      return api<{ data: AuditEntryDto[]; nextCursor: string | null }>(`/api/v1/audit?${qs}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useSavedFilters() {
  return useQuery({
    queryKey: queryKeys.savedFilters,
    queryFn: ({ signal }) => api<{ data: { id: string; name: string; query: string }[] }>("/api/v1/saved-filters", { signal }),
    staleTime: 60_000,
  });
}

export function useTokens() {
  return useQuery({ queryKey: queryKeys.tokens, queryFn: ({ signal }) => api<{ data: TokenDto[] }>("/api/v1/tokens", { signal }) });
}
