"use client";

import { forwardRef } from "react";
import clsx from "clsx";
import type { TaskDto } from "@/lib/tasks/schemas";
import { EscalationBadge, PriorityBadge, SlaText, StatusBadge } from "@/components/tasks/task-badges";
import { relative, taskHeadline } from "@/components/tasks/format";
import { Eye } from "lucide-react";
import type { Viewer } from "@/lib/live/presence-schemas";
import { viewingText } from "@/components/data/presence";
import { approvalProgress, RowSignals, useTaskSignals } from "@/components/tasks/task-signals";

interface TaskRowProps {
  task: TaskDto;
  meId: string | undefined;
  selected: boolean;
  active: boolean;
  decidedView: boolean;
  onOpen: () => void;
  onFocusRow: () => void;
  /** Others who have the task open right now. */
  viewers?: Viewer[];
  /** Ticked for a bulk action (x toggles, shift-click ticks a range). */
  checked: boolean;
  onToggle: (range: boolean) => void;
}

function assignmentText(task: TaskDto, meId: string | undefined): string {
  const info = task.infoRequest;
  if (info) {
    if (info.askedOf?.id === meId) return `${info.askedBy?.name ?? "Someone"} asks you`;
    return `Waiting for ${info.askedOf?.id === meId ? "you" : (info.askedOf?.name ?? "an answer")}`;
  }
  if (task.assignee) return task.assignee.id === meId ? "Assigned to you" : `Claimed by ${task.assignee.name}`;
  if (task.candidateGroup) return `${task.candidateGroup.name} queue`;
  return "Unassigned";
}

export const TaskRow = forwardRef<HTMLDivElement, TaskRowProps>(function TaskRow(
  { task, meId, selected, active, decidedView, onOpen, onFocusRow, checked, onToggle, viewers = [] },
  ref,
) {
  const { party, amount } = taskHeadline(task);
  const signals = useTaskSignals().get(task.id);
  const progress = decidedView ? null : approvalProgress(task, meId);
  const approvals = task.approvalsRequired > 1 && !progress ? `${task.approvals.filter((a) => a.outcome === "approve").length} of ${task.approvalsRequired} approvals` : null;
  return (
    <div
      ref={ref}
      role="option"
      id={`task-row-${task.id}`}
      data-task-id={task.id}
      aria-selected={selected}
      tabIndex={active ? 0 : -1}
      onClick={(e) => {
        if (e.shiftKey || e.metaKey || e.ctrlKey) {
          e.preventDefault();
          onToggle(e.shiftKey);
        } else onOpen();
      }}
      onFocus={onFocusRow}
      className={clsx(
        "group relative cursor-pointer border-b border-slate-100 px-4 py-3 outline-none",
        "focus-visible:z-10 focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-inset",
        selected ? "bg-indigo-50/80" : "bg-white hover:bg-slate-50",
      )}
    >
      {selected && <span aria-hidden className="absolute inset-y-0 left-0 w-1 bg-indigo-600" />}
      <div className="flex items-center gap-2">
        {/* A visual tick box: the row itself is the option, so the box is not a second control (x or shift-click toggle it). */}
        <span
          aria-hidden
          data-testid="row-check"
          onClick={(e) => {
            e.stopPropagation();
            onToggle(e.shiftKey);
          }}
          className={clsx(
            "grid size-4 shrink-0 place-items-center rounded border text-[10px] leading-none",
            checked ? "border-indigo-600 bg-indigo-600 text-white" : "border-slate-400 bg-white text-transparent",
          )}
        >
          ✓
        </span>
        <span className="font-mono text-[11px] font-medium text-slate-600">{task.reference}</span>
        <PriorityBadge priority={task.priority} hideNormal />
        {task.status !== "OPEN" && <StatusBadge task={task} />}
        {!decidedView && <EscalationBadge sla={task.sla} />}
        {approvals && <span className="rounded bg-indigo-50 px-1 text-[11px] text-indigo-800">{approvals}</span>}
        {!decidedView && <RowSignals task={task} signals={signals} meId={meId} />}
        {viewers.length > 0 && (
          <span data-testid="row-presence" title={viewingText(viewers) ?? undefined} className="inline-flex min-w-0 items-center gap-1 truncate text-[11px] text-amber-900">
            <Eye aria-hidden className="size-3 shrink-0" />
            <span className="truncate">{viewers.length === 1 ? viewers[0]!.name.split(" ")[0] : `${viewers.length} viewing`}</span>
          </span>
        )}
        <span className="ml-auto">
          {decidedView && task.decidedAt ? (
            <span className="text-xs text-slate-600">{relative(task.decidedAt)}</span>
          ) : task.status === "OPEN" ? (
            <SlaText dueAt={task.dueAt} />
          ) : null}
        </span>
      </div>
      <p className={clsx("mt-1 truncate text-sm text-slate-900", selected ? "font-semibold" : "font-medium")}>{task.title}</p>
      <div className="mt-1 flex items-center gap-2 text-xs text-slate-600">
        <span className="flex min-w-0 items-center gap-2">
          {party && <span className="truncate">{party}</span>}
          {party && amount && <span aria-hidden className="text-slate-300">·</span>}
          {amount && <span className="shrink-0 font-semibold text-slate-800 tabular-nums">{amount}</span>}
        </span>
        <span className="ml-auto max-w-[45%] shrink-0 truncate text-slate-600">
          {decidedView ? (task.decidedBy ? `by ${task.decidedBy.id === meId ? "you" : task.decidedBy.name}` : "") : assignmentText(task, meId)}
        </span>
      </div>
      {decidedView && task.reason && <p className="mt-1 truncate text-xs text-slate-600 italic">“{task.reason}”</p>}
      {/* The row's name is its visible text (WCAG 2.5.3, label in name); a tick is only seen, so it is also said. */}
      {checked && <span className="sr-only">, ticked for bulk action</span>}
    </div>
  );
});
