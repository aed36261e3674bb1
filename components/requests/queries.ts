"use client";

// Requests over REST: the catalogue of processes I may start, filing one, my requests (live: they
// sit under the "tasks" key, which every live task event refetches), withdrawing, answering.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CatalogueEntry, RequestDto, RequestList, SubmitRequestInput } from "@/lib/requests/schemas";
import type { TaskDto } from "@/lib/tasks/schemas";
import type { AttachmentDto } from "@/lib/attachments/schemas";
import { api } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import { pollInterval, useLiveStatus } from "@/components/data/live";

export function useRequestCatalogue() {
  return useQuery({ queryKey: queryKeys.requestCatalogue, queryFn: ({ signal }) => api<{ data: CatalogueEntry[] }>("/api/v1/requests/catalogue", { signal }) });
}

export function useMyRequests() {
  const live = useLiveStatus();
  return useQuery({
    queryKey: queryKeys.myRequests,
    queryFn: ({ signal }) => api<RequestList>("/api/v1/me/requests", { signal }),
    refetchInterval: pollInterval(live, 10_000),
  });
}

/** A request's own files (its start form's uploads among them), for naming its file answers. */
export function useRequestFiles(instanceId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...queryKeys.myRequests, instanceId, "files"],
    queryFn: ({ signal }) => api<{ data: AttachmentDto[] }>(`/api/v1/instances/${encodeURIComponent(instanceId)}/attachments`, { signal }),
    enabled,
  });
}

export function useSubmitRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SubmitRequestInput) => api<RequestDto>("/api/v1/requests", { method: "POST", body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.myRequests }),
  });
}

export function useWithdrawRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => api<RequestDto>(`/api/v1/me/requests/${encodeURIComponent(id)}/withdraw`, { method: "POST", body: { reason } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.myRequests }),
  });
}

/** Answers the question a decider asked me about my request (the task's own answer route). */
export function useAnswerQuestion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ taskId, answer }: { taskId: string; answer: string }) => api<TaskDto>(`/api/v1/tasks/${encodeURIComponent(taskId)}/answer`, { method: "POST", body: { answer } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.myRequests }),
  });
}
