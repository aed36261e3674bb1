"use client";

// The case around a task (GET /tasks/:id/case) and its files, and the prefetch that makes `j` instant.
import { useCallback, useEffect } from "react";
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { AttachmentDto } from "@/lib/attachments/schemas";
import type { CaseDto } from "@/lib/tasks/context-schemas";
import type { TaskDto } from "@/lib/tasks/schemas";
import { api, ApiError } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import { uploadTo, type UploadFile } from "@/components/forms/file-field";

const taskPath = (id: string, rest = "") => `/api/v1/tasks/${encodeURIComponent(id)}${rest}`;
// Under ["task", id]: a live event for the task refetches these too.
const caseKey = (id: string) => [...queryKeys.task(id), "case"] as const;
const attachmentsKey = (id: string) => [...queryKeys.task(id), "attachments"] as const;

const caseQuery = (id: string) => ({ queryKey: caseKey(id), queryFn: ({ signal }: { signal: AbortSignal }) => api<CaseDto>(taskPath(id, "/case"), { signal }), staleTime: 30_000 });
const attachmentsQuery = (id: string) => ({
  queryKey: attachmentsKey(id),
  queryFn: ({ signal }: { signal: AbortSignal }) => api<{ data: AttachmentDto[] }>(taskPath(id, "/attachments"), { signal }),
  staleTime: 30_000,
});

export function useTaskCase(id: string) {
  return useQuery({ ...caseQuery(id), placeholderData: (prev) => prev });
}

export function useTaskAttachments(id: string) {
  return useQuery(attachmentsQuery(id));
}

/** Everything the task pane shows, fetched ahead (a neighbour in the list), so moving there is instant. */
export function prefetchTaskDetail(qc: QueryClient, id: string): void {
  void qc.prefetchQuery({ queryKey: queryKeys.task(id), queryFn: ({ signal }) => api<TaskDto>(taskPath(id), { signal }), staleTime: 10_000 });
  void qc.prefetchQuery(caseQuery(id));
  void qc.prefetchQuery(attachmentsQuery(id));
}

/** Prefetches the rows before and after the active one (the next `j` or `k`). */
export function usePrefetchNeighbours(rows: readonly { id: string }[], activeId: string | null | undefined): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (!activeId) return;
    const i = rows.findIndex((r) => r.id === activeId);
    if (i < 0) return;
    for (const n of [rows[i + 1], rows[i - 1]]) if (n) prefetchTaskDetail(qc, n.id);
  }, [qc, rows, activeId]);
}

export function useUploadAttachment(taskId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.append("file", file, file.name);
      const res = await fetch(taskPath(taskId, "/attachments"), { method: "POST", body: form, credentials: "same-origin", headers: { accept: "application/json" } });
      const body = (await res.json().catch(() => ({}))) as { detail?: string; code?: string; title?: string };
      if (!res.ok) throw new ApiError({ status: res.status, code: body.code ?? "UPLOAD_FAILED", detail: body.detail ?? `Upload failed (${res.status})`, title: body.title ?? "Upload failed", type: "about:blank" });
      return body as unknown as AttachmentDto;
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: attachmentsKey(taskId) }),
  });
}

/** A decision form's file field: uploads to the task (with progress) and refreshes its documents (ADR 052). */
export function useTaskFileUpload(taskId: string): UploadFile {
  const qc = useQueryClient();
  return useCallback<UploadFile>(
    async (file, onProgress) => {
      const stored = await uploadTo(taskPath(taskId, "/attachments"))(file, onProgress);
      void qc.invalidateQueries({ queryKey: attachmentsKey(taskId) });
      return stored;
    },
    [qc, taskId],
  );
}
