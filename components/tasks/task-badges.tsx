"use client";

import { ArrowDown, Clock, Flag, TriangleAlert, CircleCheck, CircleX, Ban, Hourglass, ChevronsUp, CirclePause, BellRing } from "lucide-react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { Badge } from "@/components/ui/badge";
import { useNow } from "@/components/use-now";
import { PRIORITY_LABEL, STATUS_LABEL, slaState, slaText } from "./format";
import clsx from "clsx";

export function PriorityBadge({ priority, hideNormal = false }: { priority: TaskDto["priority"]; hideNormal?: boolean }) {
  if (priority === "NORMAL") return hideNormal ? null : <Badge>Normal</Badge>;
  if (priority === "LOW") return <Badge icon={<ArrowDown aria-hidden className="size-3" />}>{PRIORITY_LABEL.LOW}</Badge>;
  if (priority === "HIGH")
    return (
      <Badge tone="warning" icon={<Flag aria-hidden className="size-3" />}>
        {PRIORITY_LABEL.HIGH}
      </Badge>
    );
  return (
    <Badge tone="danger" icon={<Flag aria-hidden className="size-3 fill-current" />}>
      {PRIORITY_LABEL.URGENT}
    </Badge>
  );
}

/** Due text that never relies on colour alone: icon + words ("overdue 15m"). */
export function SlaText({ dueAt, className }: { dueAt: string | null; className?: string }) {
  const now = useNow(30_000);
  const text = slaText(dueAt, now);
  if (!text) return <span className={clsx("text-xs text-slate-600", className)}>No due date</span>;
  const { state } = slaState(dueAt, now);
  return (
    <span
      className={clsx(
        "inline-flex items-center gap-1 text-xs font-medium whitespace-nowrap",
        state === "overdue" && "text-red-700",
        state === "near" && "text-amber-800",
        state === "ok" && "text-slate-600",
        className,
      )}
    >
      {state === "overdue" ? <TriangleAlert aria-hidden className="size-3.5" /> : <Clock aria-hidden className="size-3.5" />}
      {state === "overdue" ? text.charAt(0).toUpperCase() + text.slice(1) : text.charAt(0).toUpperCase() + text.slice(1)}
    </span>
  );
}

export function StatusBadge({ task }: { task: Pick<TaskDto, "status" | "outcome"> }) {
  if (task.status === "DECIDED") {
    return task.outcome === "reject" ? (
      <Badge tone="danger" icon={<CircleX aria-hidden className="size-3" />}>
        Rejected
      </Badge>
    ) : (
      <Badge tone="success" icon={<CircleCheck aria-hidden className="size-3" />}>
        {task.outcome === "approve" ? "Approved" : `Decided (${task.outcome})`}
      </Badge>
    );
  }
  if (task.status === "CANCELLED") return <Badge icon={<Ban aria-hidden className="size-3" />}>Cancelled</Badge>;
  if (task.status === "INFO_REQUESTED")
    return (
      <Badge tone="info" icon={<Hourglass aria-hidden className="size-3" />}>
        {STATUS_LABEL.INFO_REQUESTED}
      </Badge>
    );
  return <Badge tone="brand">Open</Badge>;
}

/** "Escalated · level 2" / "SLA paused": the escalation state in words, never colour alone. */
export function EscalationBadge({ sla }: { sla: TaskDto["sla"] }) {
  if (sla.state === "paused")
    return (
      <Badge tone="info" icon={<CirclePause aria-hidden className="size-3" />}>
        SLA paused
      </Badge>
    );
  if (sla.level > 0 && sla.state !== "closed" && sla.lastAction === "remind")
    return (
      <Badge tone="neutral" icon={<BellRing aria-hidden className="size-3" />}>
        Reminder sent · level {sla.level}
      </Badge>
    );
  if (sla.level > 0 && sla.state !== "closed")
    return (
      <Badge tone="warning" icon={<ChevronsUp aria-hidden className="size-3" />}>
        Escalated · level {sla.level}
      </Badge>
    );
  return null;
}

/** The same state as plain text, for screen-reader labels. */
export function escalationText(sla: TaskDto["sla"]): string | null {
  if (sla.state === "paused") return "SLA paused";
  if (sla.level > 0 && sla.state !== "closed") return sla.lastAction === "remind" ? `reminder sent, level ${sla.level}` : `escalated, level ${sla.level}`;
  return null;
}
