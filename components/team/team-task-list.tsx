"use client";

import Link from "next/link";
import type { TeamTask } from "@/lib/team/schemas";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { PriorityBadge, SlaText } from "@/components/tasks/task-badges";
import { taskHeadline } from "@/components/tasks/format";
import type { MoveRequest } from "./move-dialog";

function TaskAmount({ task }: { task: TeamTask }) {
  const { party, amount } = taskHeadline(task);
  if (!party && !amount) return null;
  return (
    <span className="text-xs text-slate-600" data-testid="team-task-amount">
      {party}
      {party && amount && " · "}
      {amount && <span className="font-semibold text-slate-800 tabular-nums">{amount}</span>}
    </span>
  );
}

/** Tasks in the console (a person's, the escalated, a queue's): tick for a bulk move, take or reassign one. */
export function TeamTaskList({
  tasks,
  selected,
  onToggle,
  onMove,
  showOwner = false,
  label,
}: {
  tasks: TeamTask[];
  selected: Set<string>;
  onToggle: (id: string) => void;
  onMove: (r: MoveRequest) => void;
  showOwner?: boolean;
  label: string;
}) {
  return (
    <ul aria-label={label} className="divide-y divide-slate-100">
      {tasks.map((t) => (
        <li key={t.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2" data-testid={`team-task-${t.reference}`}>
          <input
            type="checkbox"
            checked={selected.has(t.id)}
            onChange={() => onToggle(t.id)}
            aria-label={`Select ${t.reference}`}
            className="size-4 rounded border-slate-300 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600"
          />
          {/* On a phone the title takes its own line; the badges and buttons wrap under it. */}
          <Link href={`/tasks/${t.id}`} className="min-w-0 flex-1 basis-[calc(100%-1.75rem)] rounded focus-visible:outline-2 focus-visible:outline-indigo-600 sm:basis-0">
            <span className="mr-2 font-mono text-xs text-slate-600">{t.reference}</span>
            <span className="text-sm text-slate-900 hover:underline">{t.title}</span>
          </Link>
          <TaskAmount task={t} />
          <PriorityBadge priority={t.priority} hideNormal />
          {t.escalationLevel > 0 && <Badge tone="danger">Level {t.escalationLevel}</Badge>}
          {t.status === "INFO_REQUESTED" && <Badge tone="info">Info requested</Badge>}
          {showOwner && <span className="text-xs text-slate-600">{t.assignee?.name ?? (t.candidateGroup ? `${t.candidateGroup.name} queue` : "Unassigned")}</span>}
          <SlaText dueAt={t.dueAt} className="w-28" />
          <span className="flex gap-1">
            <Button size="sm" variant="ghost" onClick={() => onMove({ tasks: [t], mode: "take" })} aria-label={`Take ${t.reference} yourself`}>
              Take
            </Button>
            <Button size="sm" variant="secondary" onClick={() => onMove({ tasks: [t], mode: "reassign" })} aria-label={`Reassign ${t.reference}`}>
              Reassign…
            </Button>
          </span>
        </li>
      ))}
    </ul>
  );
}
