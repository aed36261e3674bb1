"use client";

import { BellRing, ChevronsUp, CirclePause, Clock, Gavel, Users, UserRoundPen, XCircle } from "lucide-react";
import type { ReactNode } from "react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { ESCALATION_ACTION_LABELS, type EscalationAction, type EscalationDto } from "@/lib/sla/schemas";
import { useTaskEscalations } from "./queries";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { compactDuration, localDateTime, relative } from "./format";
import { SubHeading } from "@/components/ui/heading-level";

const ICONS: Record<EscalationAction, ReactNode> = {
  remind: <BellRing aria-hidden className="size-3.5" />,
  reassign: <UserRoundPen aria-hidden className="size-3.5" />,
  supervisor: <ChevronsUp aria-hidden className="size-3.5" />,
  assignee_manager: <ChevronsUp aria-hidden className="size-3.5" />,
  manager_of_manager: <ChevronsUp aria-hidden className="size-3.5" />,
  group: <Users aria-hidden className="size-3.5" />,
  auto_decide: <Gavel aria-hidden className="size-3.5" />,
  fail: <XCircle aria-hidden className="size-3.5" />,
};

function lateness(ms: number): string {
  if (ms < 1000) return "on time";
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s late` : `${compactDuration(s / 60)} late`;
}

/** One sentence for the SLA state: what the clock is doing and what happens next. */
function stateLine(sla: TaskDto["sla"]): { icon: ReactNode; text: string } {
  const next = sla.next ? `Next: ${ESCALATION_ACTION_LABELS[sla.next.action].toLowerCase()} (level ${sla.next.level} of ${sla.levels})` : null;
  switch (sla.state) {
    case "paused":
      return {
        icon: <CirclePause aria-hidden className="size-4 text-sky-800" />,
        text: `SLA paused since ${localDateTime(sla.pausedSince!)} while information is requested; the due time and the next level move by the time it waits.`,
      };
    case "escalated":
      return { icon: <ChevronsUp aria-hidden className="size-4 text-amber-800" />, text: `Escalated: level ${sla.level} of ${sla.levels} reached.` };
    case "overdue":
      return { icon: <Clock aria-hidden className="size-4 text-red-700" />, text: "Overdue." + (next ? "" : " No escalation levels left.") };
    case "closed":
      return { icon: <Clock aria-hidden className="size-4 text-slate-500" />, text: sla.level ? `Closed after ${sla.level} escalation level(s).` : "Closed before any escalation." };
    default:
      return { icon: <Clock aria-hidden className="size-4 text-slate-600" />, text: sla.levels ? `On time: ${sla.levels} escalation level(s) planned.` : "On time." };
  }
}

function HistoryItem({ e }: { e: EscalationDto }) {
  return (
    <li className="flex gap-3 py-2" data-testid="escalation-entry">
      <span className="mt-0.5 grid size-6 shrink-0 place-items-center rounded-full bg-amber-50 text-amber-900 ring-1 ring-amber-200">{ICONS[e.action]}</span>
      <div className="min-w-0 flex-1 text-sm">
        <p className="text-slate-900">
          <span className="font-medium">
            Level {e.level}: {ESCALATION_ACTION_LABELS[e.action]}
          </span>{" "}
          — {e.note}
        </p>
        <p className="text-xs text-slate-600">
          <time dateTime={e.firedAt} title={localDateTime(e.firedAt)}>
            {relative(e.firedAt)}
          </time>{" "}
          · due {localDateTime(e.scheduledAt)} · {lateness(e.latenessMs)}
          {e.firedBy === "sweep" ? " (fired by the recovery sweep)" : ""}
        </p>
      </div>
    </li>
  );
}

/** Deadline and escalation on the task page: the SLA state in words, what comes next, and every level fired. */
export function EscalationPanel({ task }: { task: TaskDto }) {
  const q = useTaskEscalations(task.id, task.version);
  if (task.sla.state === "none" && task.sla.levels === 0) return null;
  const line = stateLine(task.sla);
  return (
    <section aria-labelledby={`sla-${task.id}`} className="mt-6" data-testid="escalation-panel">
      <SubHeading id={`sla-${task.id}`} className="mb-2 text-sm font-semibold text-slate-900">
        Deadline and escalation
      </SubHeading>
      <p className="flex items-start gap-2 text-sm text-slate-800" data-testid="sla-state">
        <span className="mt-0.5 shrink-0">{line.icon}</span>
        <span>
          {line.text}
          {task.sla.businessHours && <span className="text-slate-600"> Counted in business hours.</span>}
        </span>
      </p>
      {task.sla.next && (
        <p className="mt-1 pl-6 text-sm text-slate-700" data-testid="sla-next">
          Next: {ESCALATION_ACTION_LABELS[task.sla.next.action]} (level {task.sla.next.level} of {task.sla.levels})
          {task.sla.next.at ? (
            <>
              {" "}
              at {localDateTime(task.sla.next.at)} ({relative(task.sla.next.at)})
            </>
          ) : (
            " — waits while the SLA is paused"
          )}
        </p>
      )}
      {q.isPending ? (
        <div className="mt-2 space-y-2" aria-busy="true" aria-label="Loading escalation history">
          <Skeleton className="h-8 w-full" />
        </div>
      ) : q.isError ? (
        <div className="mt-2">
          <LoadError what="the escalation history" error={q.error} onRetry={() => q.refetch()} retrying={q.isFetching} />
        </div>
      ) : q.data.data.length > 0 ? (
        <ol aria-label="Escalation history" className="mt-2 divide-y divide-slate-100 rounded-lg px-3 ring-1 ring-slate-200 ring-inset">
          {q.data.data.map((e) => (
            <HistoryItem key={e.level} e={e} />
          ))}
        </ol>
      ) : (
        <p className="mt-2 pl-6 text-xs text-slate-600">No level has fired yet.</p>
      )}
    </section>
  );
}
