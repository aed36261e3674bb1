"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { AtSign, CornerDownLeft, UsersRound } from "lucide-react";
import type { TaskDto } from "@/lib/tasks/schemas";
import type { NotificationDto } from "@/lib/notifications/schemas";
import { useMarkNotificationsRead, useNotifications } from "@/components/shell/queries";
import { useTaskComments } from "./queries";

/** What came back on a task that the person has not seen yet (their unread notifications). */
export interface TaskSignals {
  answer: boolean;
  mention: boolean;
  ids: string[];
}

const SIGNAL_KINDS: Record<string, keyof Omit<TaskSignals, "ids">> = { "task.info_answered": "answer", "task.mentioned": "mention" };

function signalsOf(list: NotificationDto[] | undefined): Map<string, TaskSignals> {
  const out = new Map<string, TaskSignals>();
  for (const n of list ?? []) {
    const kind = SIGNAL_KINDS[n.kind];
    if (!kind || n.readAt || !n.taskId) continue;
    const s = out.get(n.taskId) ?? { answer: false, mention: false, ids: [] };
    s[kind] = true;
    s.ids.push(n.id);
    out.set(n.taskId, s);
  }
  return out;
}

/** Unread answers and mentions per task, for the rows of the inbox. */
export function useTaskSignals(): Map<string, TaskSignals> {
  const { data } = useNotifications();
  return useMemo(() => signalsOf(data?.data), [data]);
}

/** Four-eyes: approvals given so far, and whether one of them is mine. */
export function approvalProgress(task: TaskDto, meId: string | undefined) {
  if (task.approvalsRequired <= 1 || task.status !== "OPEN") return null;
  const given = task.approvals.filter((a) => a.outcome === "approve");
  if (given.length === 0) return null;
  return { given: given.length, required: task.approvalsRequired, mine: given.some((a) => a.approver.id === meId), by: given.map((a) => a.approver.name) };
}

const chip = "inline-flex items-center gap-1 rounded px-1 text-[11px] font-medium";

/** The row's markers: an answer came back, I was mentioned, a further approval is needed. */
export function RowSignals({ task, signals, meId }: { task: TaskDto; signals: TaskSignals | undefined; meId: string | undefined }) {
  const progress = approvalProgress(task, meId);
  return (
    <>
      {signals?.answer && (
        <span data-testid="signal-answer" className={`${chip} bg-sky-100 text-sky-900`}>
          <CornerDownLeft aria-hidden className="size-3" /> Answer received
        </span>
      )}
      {signals?.mention && (
        <span data-testid="signal-mention" className={`${chip} bg-violet-100 text-violet-900`}>
          <AtSign aria-hidden className="size-3" /> New comment for you
        </span>
      )}
      {progress && (
        <span data-testid="signal-approvals" className={`${chip} bg-indigo-50 text-indigo-800`}>
          <UsersRound aria-hidden className="size-3" />
          {progress.mine ? `Your approval recorded, ${progress.given} of ${progress.required}` : `${progress.given} of ${progress.required} approvals: needs another`}
        </span>
      )}
    </>
  );
}

/**
 * At the top of the task: the answer that came back (its text), a comment addressed to me, and a
 * four-eyes approval still needed. Seen once opened: the notifications behind them are marked
 * read, and the banner stays until the task is closed.
 */
export function TaskSignalsBanner({ task, meId }: { task: TaskDto; meId: string | undefined }) {
  const live = useTaskSignals().get(task.id);
  const [shown, setShown] = useState<TaskSignals | null>(null);
  const markRead = useMarkNotificationsRead();
  const marked = useRef(false);
  useEffect(() => {
    if (!live || marked.current) return;
    marked.current = true;
    setShown(live);
    markRead.mutate({ ids: live.ids });
  }, [live, markRead]);
  const comments = useTaskComments(task.id).data?.data ?? [];
  const signals = shown ?? live;
  const answer = signals?.answer ? [...comments].reverse().find((c) => c.kind === "answer") : undefined;
  const mention = signals?.mention ? [...comments].reverse().find((c) => c.kind === "comment" && c.mentions.some((m) => m.id === meId)) : undefined;
  const progress = approvalProgress(task, meId);
  if (!signals?.answer && !signals?.mention && !progress) return null;
  return (
    // Notes, not live regions: the toast announces what just happened; these stay on the page.
    <div className="mt-4 space-y-2" data-testid="task-signals">
      {signals?.answer && (
        <div role="note" className="rounded-lg bg-sky-50 px-3 py-2.5 text-sm text-sky-950 ring-1 ring-sky-200 ring-inset">
          <p className="font-medium">
            <CornerDownLeft aria-hidden className="mr-1 inline size-4" />
            {answer ? `${answer.authorName} answered your question` : "Your question was answered"}
          </p>
          {answer && <p className="mt-1 whitespace-pre-wrap">{answer.body}</p>}
        </div>
      )}
      {signals?.mention && (
        <div role="note" className="rounded-lg bg-violet-50 px-3 py-2.5 text-sm text-violet-950 ring-1 ring-violet-200 ring-inset">
          <p className="font-medium">
            <AtSign aria-hidden className="mr-1 inline size-4" />
            {mention ? `${mention.authorName} mentioned you` : "You were mentioned in a comment"}
          </p>
          {mention && <p className="mt-1 whitespace-pre-wrap">{mention.body}</p>}
        </div>
      )}
      {progress && (
        <div role="note" data-testid="approval-progress" className="rounded-lg bg-indigo-50 px-3 py-2.5 text-sm text-indigo-950 ring-1 ring-indigo-200 ring-inset">
          <p className="font-medium">
            <UsersRound aria-hidden className="mr-1 inline size-4" />
            {progress.mine ? `Your approval recorded, ${progress.given} of ${progress.required}` : `${progress.given} of ${progress.required} approvals`}: a second approver must decide.
          </p>
          <p className="mt-1">Approved by {progress.by.join(", ")}.</p>
        </div>
      )}
    </div>
  );
}
