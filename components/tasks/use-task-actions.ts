"use client";

import { useCallback, useState } from "react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { ApiError } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { sendTaskRequest, useTaskCache, type TaskRequest } from "./queries";

export type TaskAction = "claim" | "unclaim" | "approve" | "reject" | "requestInfo" | "answer";

/** A decision of yours inside its undo window (the server holds it; z or the toast's Undo cancels it). */
export interface HeldDecision {
  task: TaskDto;
  label: string;
  until: number;
  /** How long the window still had when the answer arrived (drives the countdown bar). */
  ms: number;
}

interface TaskNotice {
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

/** Four-eyes: the first approval of several does not decide the task. */
function partialApproval(task: TaskDto): string {
  const given = task.approvals.filter((a) => a.outcome === "approve").length;
  return `Your approval recorded on ${task.reference}, ${given} of ${task.approvalsRequired}: it needs a second approver.`;
}

/** The undo toast's words for a held four-eyes vote. */
function votedLabel(task: TaskDto): string {
  const given = task.approvals.filter((a) => a.outcome === "approve").length;
  return `Your approval recorded on ${task.reference}, ${given} of ${task.approvalsRequired}`;
}

/** Turns a refused action into what changed, in the words of the person who changed it. */
function explainRefusal(e: unknown, task: TaskDto): string {
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
    case "UNDO_WINDOW_CLOSED":
      return "Too late to undo: the decision has taken effect.";
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
  const cache = useTaskCache();
  const { announce, alert } = useAnnouncer();
  const [pending, setPending] = useState<{ taskId: string; action: TaskAction } | null>(null);
  const [notice, setNotice] = useState<TaskNotice | null>(null);
  const [rejecting, setRejecting] = useState<TaskDto | null>(null);
  const [asking, setAsking] = useState<TaskDto | null>(null);
  const [held, setHeld] = useState<HeldDecision | null>(null);

  /** Decisions from the UI ask the server to hold them for the undo window. */
  const remember = useCallback(
    (updated: TaskDto, label: string): string => {
      // A decision, or a four-eyes vote ("your approval recorded, 1 of 2"): both can be undone.
      if (!updated.hold?.mine) return "";
      const until = new Date(updated.hold.until).getTime();
      setHeld({ task: updated, label, until, ms: Math.max(0, until - Date.now()) });
      return " Press z to undo.";
    },
    [],
  );

  const { store, refresh } = cache;

  /** A refused action: say what changed, in place and as an alert, and reload the task. */
  const refused = useCallback(
    (e: unknown, task: TaskDto) => {
      const message = explainRefusal(e, task);
      setNotice({ taskId: task.id, message });
      alert(`${task.reference}: ${message}`);
      refresh(task.id);
    },
    [alert, refresh],
  );

  const run = useCallback(
    async (task: TaskDto, action: TaskAction, reason?: string, extra: { askTo?: string } = {}): Promise<boolean> => {
      setPending({ taskId: task.id, action });
      setNotice((n) => (n?.taskId === task.id ? null : n));
      const request: TaskRequest =
        action === "claim" || action === "unclaim"
          ? { action }
          : action === "requestInfo"
            ? { action, question: reason ?? "", askTo: extra.askTo }
            : action === "answer"
              ? { action, answer: reason ?? "" }
              : { action: "decide", outcome: action, reason: reason?.trim() || undefined };
      try {
        const updated = await sendTaskRequest(task, request);
        store(updated);
        const who = action === "requestInfo" && updated.infoRequest?.askedOf ? ` (asked ${updated.infoRequest.askedOf.name})` : "";
        if (action === "approve" && updated.status === "OPEN") announce(`${partialApproval(updated)}${remember(updated, votedLabel(updated))}`);
        else announce(`${DONE[action]} ${task.reference}${who}.${remember(updated, `${DONE[action]} ${task.reference}`)}`);
        refresh(task.id);
        return true;
      } catch (e) {
        refused(e, task);
        return false;
      } finally {
        setPending(null);
      }
    },
    [store, announce, refused, refresh, remember],
  );

  /** A decision with a custom outcome and/or form values; returns the server's field errors if refused for them. */
  const decideWith = useCallback(
    async (task: TaskDto, d: { outcome: string; reason?: string; form?: Record<string, unknown> }): Promise<{ ok: boolean; fieldErrors: Record<string, string> }> => {
      const action: TaskAction = d.outcome === "reject" ? "reject" : "approve";
      setPending({ taskId: task.id, action });
      setNotice((n) => (n?.taskId === task.id ? null : n));
      try {
        const updated = await sendTaskRequest(task, { action: "decide", ...d });
        store(updated);
        const label = task.outcomes.find((o) => o.id === d.outcome)?.label ?? DONE[action];
        announce(
          updated.status === "DECIDED"
            ? `${label}: ${task.reference}.${remember(updated, `${label}: ${task.reference}`)}`
            : `${partialApproval(updated)}${remember(updated, votedLabel(updated))}`,
        );
        refresh(task.id);
        return { ok: true, fieldErrors: {} };
      } catch (e) {
        if (e instanceof ApiError && e.code === "VALIDATION_FAILED") {
          alert(`${task.reference}: ${e.message}`);
          return { ok: false, fieldErrors: e.fieldErrors() };
        }
        refused(e, task);
        return { ok: false, fieldErrors: {} };
      } finally {
        setPending(null);
      }
    },
    [store, announce, alert, refused, refresh, remember],
  );

  /** Cancels your held decision (the newest, or the given task's); the task is open again. */
  const undo = useCallback(
    async (task?: TaskDto): Promise<TaskDto | null> => {
      const target = task ?? held?.task;
      if (!target) return null;
      setHeld((h) => (h?.task.id === target.id ? null : h));
      try {
        const updated = await sendTaskRequest(target, { action: "undo" });
        store(updated);
        announce(target.status === "OPEN" ? `Undone: your approval of ${target.reference} is withdrawn.` : `Undone: ${target.reference} is open again.`);
        refresh(target.id);
        return updated;
      } catch (e) {
        refused(e, target);
        return null;
      }
    },
    [held, store, announce, refused, refresh],
  );

  return {
    held,
    undo,
    dismissHeld: useCallback(() => setHeld(null), []),
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
