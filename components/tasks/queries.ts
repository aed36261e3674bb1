"use client";

// One task over REST: the task itself, its comments, history and escalations, and the requests
// that change it. The actions' bookkeeping (undo window, refusals) lives in use-task-actions.ts.
import { useMemo } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { BulkResult, ReassignTaskInput, ForwardTaskInput, TaskDto } from "@/lib/tasks/schemas";
import type { AuditEntryDto } from "@/lib/audit/schemas";
import type { CommentDto } from "@/lib/comments/schemas";
import type { TaskEscalationsDto } from "@/lib/sla/schemas";
import { api } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import { pollInterval, useLiveStatus } from "@/components/data/live";

const taskPath = (id: string, rest = "") => `/api/v1/tasks/${encodeURIComponent(id)}${rest}`;

export function useTask(id: string | null) {
  const live = useLiveStatus();
  return useQuery({
    queryKey: queryKeys.task(id ?? "none"),
    queryFn: ({ signal }) => api<TaskDto>(taskPath(id!), { signal }),
    enabled: !!id,
    refetchInterval: pollInterval(live, 10_000),
  });
}

export function useTaskComments(id: string) {
  return useQuery({
    // Under ["task", id]: a live event for the task refetches its comments too.
    queryKey: queryKeys.comments(id),
    queryFn: ({ signal }) => api<{ data: CommentDto[] }>(taskPath(id, "/comments"), { signal }),
    placeholderData: (prev) => prev,
  });
}

export function useTaskHistory(id: string, version: number | undefined) {
  return useQuery({
    // The version in the key refetches the history whenever the task changes.
    queryKey: [...queryKeys.history(id), version ?? 0],
    queryFn: ({ signal }) => api<{ data: AuditEntryDto[] }>(taskPath(id, "/history"), { signal }),
    placeholderData: (prev) => prev,
  });
}

/** The task's SLA state and fired escalation levels; refetched whenever the task's version moves. */
export function useTaskEscalations(id: string, version: number | undefined) {
  return useQuery({
    queryKey: [...queryKeys.escalations(id), version ?? 0],
    queryFn: ({ signal }) => api<TaskEscalationsDto>(taskPath(id, "/escalations"), { signal }),
    placeholderData: (prev) => prev,
  });
}

export function usePostComment(taskId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => api<CommentDto>(taskPath(taskId, "/comments"), { method: "POST", body: { body: text } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.comments(taskId) });
      void qc.invalidateQueries({ queryKey: queryKeys.history(taskId) });
    },
  });
}

/** Reassign one task (supervisors, admins): the answer replaces the cached task, lists refetch. */
export function useReassignTask(taskId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ReassignTaskInput) => api<TaskDto>(taskPath(taskId, "/reassign"), { method: "POST", body }),
    onSuccess: (updated) => {
      qc.setQueryData(queryKeys.task(taskId), updated);
      void qc.invalidateQueries({ queryKey: queryKeys.tasks });
    },
  });
}

/** Forward my task to a colleague, with a reason: the answer replaces the cached task, lists refetch. */
export function useForwardTask(taskId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ForwardTaskInput) => api<TaskDto>(taskPath(taskId, "/forward"), { method: "POST", body }),
    onSuccess: (updated) => {
      qc.setQueryData(queryKeys.task(taskId), updated);
      void qc.invalidateQueries({ queryKey: queryKeys.tasks });
    },
  });
}

export type TaskRequest =
  | { action: "claim" | "unclaim" }
  | { action: "requestInfo"; question: string; askTo?: string }
  | { action: "answer"; answer: string }
  | { action: "decide"; outcome: string; reason?: string; form?: Record<string, unknown> }
  | { action: "undo" };

/** The request behind each task action, always with the version the person saw (decisions held for undo). */
export function sendTaskRequest(task: TaskDto, r: TaskRequest): Promise<TaskDto> {
  const post = (rest: string, body: object) => api<TaskDto>(taskPath(task.id, rest), { method: "POST", body });
  switch (r.action) {
    case "claim":
    case "unclaim":
      return post(`/${r.action}`, { version: task.version });
    case "requestInfo":
      return post("/request-info", { question: r.question, askTo: r.askTo || undefined, version: task.version });
    case "answer":
      return post("/answer", { answer: r.answer, version: task.version });
    case "decide":
      return post("/decision", { outcome: r.outcome, reason: r.reason, form: r.form, version: task.version, hold: true });
    case "undo":
      return post("/undo", {});
  }
}

/** After a task changed: the cached task is replaced, lists and counts refetch. */
export function useTaskCache() {
  const qc = useQueryClient();
  return useMemo(
    () => ({
      store: (updated: TaskDto) => qc.setQueryData(queryKeys.task(updated.id), updated),
      refresh: (id: string) => {
        void qc.invalidateQueries({ queryKey: queryKeys.tasks });
        void qc.invalidateQueries({ queryKey: queryKeys.task(id) });
        void qc.invalidateQueries({ queryKey: queryKeys.me });
      },
    }),
    [qc],
  );
}

export type BulkRequest = { action: "approve" } | { action: "reassign"; assignee?: string; candidateGroup?: string; reason: string };

/** One request for many tasks; each is changed (and audited) on its own, the result says which failed. */
export function useBulkTaskAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkRequest & { taskIds: string[] }) => api<BulkResult>("/api/v1/tasks/bulk", { method: "POST", body }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.tasks });
      void qc.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}
