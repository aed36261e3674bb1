"use client";

import { ArrowRight, CircleCheck, CircleX, Hand, History, Plus, Undo2, Ban, MessageCircleQuestion, Circle } from "lucide-react";
import type { ReactNode } from "react";
import { useTaskHistory } from "@/components/data/queries";
import { Skeleton } from "@/components/ui/skeleton";
import { Button } from "@/components/ui/button";
import { actionPhrase, changeSummary } from "@/components/audit/describe";
import { localDateTime, relative } from "./format";

const ICONS: Record<string, ReactNode> = {
  "task.created": <Plus aria-hidden className="size-3.5" />,
  "task.claimed": <Hand aria-hidden className="size-3.5" />,
  "task.unclaimed": <Undo2 aria-hidden className="size-3.5" />,
  "task.approved": <CircleCheck aria-hidden className="size-3.5 text-emerald-700" />,
  "task.rejected": <CircleX aria-hidden className="size-3.5 text-red-700" />,
  "task.cancelled": <Ban aria-hidden className="size-3.5" />,
  "task.info_requested": <MessageCircleQuestion aria-hidden className="size-3.5" />,
};

/** Who did what to the task, when, and why — from the audit log, oldest first. */
export function TaskHistory({ taskId, version }: { taskId: string; version: number }) {
  const { data, isPending, isError, refetch } = useTaskHistory(taskId, version);
  return (
    <section aria-labelledby={`history-${taskId}`} className="mt-8">
      <h3 id={`history-${taskId}`} className="mb-3 flex items-center gap-1.5 text-sm font-semibold text-slate-900">
        <History aria-hidden className="size-4 text-slate-500" /> History
      </h3>
      {isPending && (
        <div className="space-y-3">
          <Skeleton className="h-4 w-2/3" />
          <Skeleton className="h-4 w-1/2" />
        </div>
      )}
      {isError && (
        <p className="text-sm text-red-700">
          Couldn&apos;t load the history.{" "}
          <Button size="sm" variant="ghost" onClick={() => void refetch()}>
            Retry
          </Button>
        </p>
      )}
      {data && (
        <ol className="relative space-y-4 border-l border-slate-200 pl-5" data-testid="task-history">
          {data.data.map((entry) => {
            const changes = changeSummary(entry).filter((c) => !(entry.action === "task.created" && c.to === "—"));
            return (
              <li key={entry.seq} className="relative">
                <span className="absolute top-0.5 -left-[27px] grid size-4 place-items-center rounded-full bg-white text-slate-600 ring-1 ring-slate-300">
                  {ICONS[entry.action] ?? <Circle aria-hidden className="size-2" />}
                </span>
                <p className="text-sm text-slate-900">
                  <span className="font-medium">{entry.actorName}</span> {actionPhrase(entry.action)}
                </p>
                <p className="text-xs text-slate-500">
                  <time dateTime={entry.at} title={entry.at}>
                    {localDateTime(entry.at)}
                  </time>{" "}
                  · {relative(entry.at)}
                </p>
                {entry.reason && <blockquote className="mt-1 border-l-2 border-slate-300 pl-2 text-sm text-slate-700 italic">“{entry.reason}”</blockquote>}
                {changes.length > 0 && entry.action !== "task.created" && (
                  <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-500">
                    {changes.map((c) => (
                      <li key={c.key} className="inline-flex items-center gap-1">
                        {c.label}: {c.from ?? "—"} <ArrowRight aria-label="to" className="size-3" /> {c.to}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
