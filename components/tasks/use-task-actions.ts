"use client";

import { useCallback, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { TaskDto } from "@/lib/tasks/schemas";
import { api, ApiError } from "@/components/data/api";
import { queryKeys } from "@/components/data/queries";
import { useAnnouncer } from "@/components/announcer";

export type TaskAction = "claim" | "unclaim" | "approve" | "reject" | "requestInfo" | "answer";

export interface TaskNotice {
  taskId: string;
  message: string;
}

const DONE: Record<TaskAction, string> = {
  claim: "Claimed",
  unclaim: "Released",
  approve: "Approved",
  reject: "Rejected",
  requestInfo: "Asked for more information on",
  answer: "Answered the question on",
};

/** Turns a refused action into what changed, in the words of the person who changed it. */
export function explainRefusal(e: unknown, task: TaskDto): string {
  if (!(e instanceof ApiError)) return "Something went wrong. Try again.";
  const p = e.problem;
  switch (e.code) {
    case "TASK_ALREADY_DECIDED": {
      const by = typeof p.decidedBy === "string" ? ` by ${p.decidedBy}` : "";
      const outcome = typeof p.outcome === "string" ? ` (${p.outcome})` : "";
      return `This task was already decided${outcome}${by}.`;
    }
    case "TASK_CLAIMED_BY_OTHER":
      return e.message;
    case "TASK_NOT_ACTIONABLE":
      if (p.currentStatus === "INFO_REQUESTED") return "This task is waiting for an answer to a question.";
      return e.message;
    case "VERSION_MISMATCH": {
      if (p.currentStatus === "DECIDED") return "This task was decided by someone else while you had it open.";
      if (p.currentStatus === "CANCELLED") return "This task was cancelled while you had it open.";
      if (typeof p.assignee === "string" && p.assignee !== task.assignee?.name) return `${p.assignee} has claimed this task.`;
      return "This task changed since you opened it. Review the current state and try again.";
    }
    case "DUPLICATE_APPROVAL":
      return "You have already approved this task; it needs a different person's approval.";
    default:
      return e.message;
  }
}

/**
 * Claim, release and decide, always sending the version the person saw. On success the task
 * cache is updated and lists refetch; on a refusal (409/412/403) the notice says what changed
 * and the task is reloaded, so the screen shows the current state.
 */
export function useTaskActions() {
  const qc = useQueryClient();
  const { announce, alert } = useAnnouncer();
  const [pending, setPending] = useState<{ taskId: string; action: TaskAction } | null>(null);
  const [notice, setNotice] = useState<TaskNotice | null>(null);
  const [rejecting, setRejecting] = useState<TaskDto | null>(null);
  const [asking, setAsking] = useState<TaskDto | null>(null);

  const refresh = useCallback(
    (id: string) => {
      void qc.invalidateQueries({ queryKey: queryKeys.tasks });
      void qc.invalidateQueries({ queryKey: queryKeys.task(id) });
      void qc.invalidateQueries({ queryKey: queryKeys.me });
    },
    [qc],
  );

  const run = useCallback(
    async (task: TaskDto, action: TaskAction, reason?: string, extra: { askTo?: string } = {}): Promise<boolean> => {
      setPending({ taskId: task.id, action });
      setNotice((n) => (n?.taskId === task.id ? null : n));
      const id = encodeURIComponent(task.id);
      try {
        let updated: TaskDto;
        if (action === "claim" || action === "unclaim") {
          updated = await api<TaskDto>(`/api/v1/tasks/${id}/${action}`, { method: "POST", body: { version: task.version } });
        } else if (action === "requestInfo") {
          updated = await api<TaskDto>(`/api/v1/tasks/${id}/request-info`, {
            method: "POST",
            body: { question: reason ?? "", askTo: extra.askTo || undefined, version: task.version },
          });
        } else if (action === "answer") {
          updated = await api<TaskDto>(`/api/v1/tasks/${id}/answer`, { method: "POST", body: { answer: reason ?? "", version: task.version } });
        } else {
          updated = await api<TaskDto>(`/api/v1/tasks/${id}/decision`, {
            method: "POST",
            body: { outcome: action, reason: reason?.trim() || undefined, version: task.version },
          });
        }
        qc.setQueryData(queryKeys.task(task.id), updated);
        const who = action === "requestInfo" && updated.infoRequest?.askedOf ? ` (asked ${updated.infoRequest.askedOf.name})` : "";
        announce(`${DONE[action]} ${task.reference}${who}`);
        refresh(task.id);
        return true;
      } catch (e) {
        const message = explainRefusal(e, task);
        setNotice({ taskId: task.id, message });
        alert(`${task.reference}: ${message}`);
        refresh(task.id);
        return false;
      } finally {
        setPending(null);
      }
    },
    [qc, announce, alert, refresh],
  );

  /** A decision with a custom outcome and/or form values; returns the server's field errors if refused for them. */
  const decideWith = useCallback(
    async (task: TaskDto, d: { outcome: string; reason?: string; form?: Record<string, unknown> }): Promise<{ ok: boolean; fieldErrors: Record<string, string> }> => {
      const action: TaskAction = d.outcome === "reject" ? "reject" : "approve";
      setPending({ taskId: task.id, action });
      setNotice((n) => (n?.taskId === task.id ? null : n));
      try {
        const updated = await api<TaskDto>(`/api/v1/tasks/${encodeURIComponent(task.id)}/decision`, { method: "POST", body: { ...d, version: task.version } });
        qc.setQueryData(queryKeys.task(task.id), updated);
        const label = task.outcomes.find((o) => o.id === d.outcome)?.label ?? DONE[action];
        announce(updated.status === "DECIDED" ? `${label}: ${task.reference}` : `Approval recorded on ${task.reference}; it needs another approver`);
        refresh(task.id);
        return { ok: true, fieldErrors: {} };
      } catch (e) {
        if (e instanceof ApiError && e.code === "VALIDATION_FAILED") {
          alert(`${task.reference}: ${e.message}`);
          return { ok: false, fieldErrors: e.fieldErrors() };
        }
        const message = explainRefusal(e, task);
        setNotice({ taskId: task.id, message });
        alert(`${task.reference}: ${message}`);
        refresh(task.id);
        return { ok: false, fieldErrors: {} };
      } finally {
        setPending(null);
      }
    },
    [qc, announce, alert, refresh],
  );

  return {
    run,
    decideWith,
    pending,
    notice,
    clearNotice: useCallback(() => setNotice(null), []),
    rejecting,
    openReject: setRejecting,
    closeReject: useCallback(() => setRejecting(null), []),
    asking,
    openAsk: setAsking,
    closeAsk: useCallback(() => setAsking(null), []),
  };
}

export type TaskActions = ReturnType<typeof useTaskActions>;
