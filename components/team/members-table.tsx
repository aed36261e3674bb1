"use client";

import { useMemo, useState } from "react";
import clsx from "clsx";
import { ChevronDown, ChevronRight, Plane } from "lucide-react";
import type { TeamMember, TeamView } from "@/lib/team/schemas";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { localDateTime } from "@/components/tasks/format";
import type { MoveRequest } from "./move-dialog";
import { TeamTaskList } from "./team-task-list";

function LoadBar({ load, max }: { load: number; max: number }) {
  const pct = max > 0 ? Math.round((load / max) * 100) : 0;
  return (
    <div className="flex items-center gap-2">
      <div aria-hidden className="h-2 w-20 overflow-hidden rounded-full bg-slate-100">
        <div className={clsx("h-full rounded-full", pct >= 80 ? "bg-red-500" : pct >= 50 ? "bg-amber-400" : "bg-emerald-500")} style={{ width: `${Math.max(pct, load > 0 ? 6 : 0)}%` }} />
      </div>
      <span className="text-xs text-slate-700 tabular-nums">{load % 1 === 0 ? load : load.toFixed(1)}</span>
    </div>
  );
}

const count = (id: "open" | "overdue" | "dueToday", header: string, tone?: string): DataColumn<TeamMember> => ({
  id,
  header,
  accessorFn: (m) => m.counts[id],
  enableSorting: true,
  // The busiest first: a supervisor sorts to find who is overloaded.
  sortDescFirst: true,
  meta: { align: "right" },
  cell: ({ row: { original: m } }) => <span className={clsx(tone && m.counts[id] > 0 && tone)}>{m.counts[id]}</span>,
});

/** The team's people: their open, overdue and due-today counts and load; a row opens on its tasks. */
export function MembersTable({
  team,
  selected,
  onToggle,
  onAway,
  onMove,
}: {
  team: TeamView;
  selected: Set<string>;
  onToggle: (id: string) => void;
  onAway: (m: TeamMember) => void;
  onMove: (r: MoveRequest) => void;
}) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const maxLoad = Math.max(1, ...team.members.map((m) => m.load));
  const columns = useMemo<DataColumn<TeamMember>[]>(
    () => [
      {
        id: "person",
        header: "Person",
        accessorFn: (m) => m.name,
        enableSorting: true,
        meta: { rowHeader: true, className: "min-w-48" },
        cell: ({ row: { original: m } }) => {
          const expanded = open.has(m.id);
          return (
            <button
              type="button"
              aria-expanded={expanded}
              aria-controls={`tasks-${m.id}`}
              disabled={m.counts.open === 0}
              onClick={() =>
                setOpen((s) => {
                  const next = new Set(s);
                  if (next.has(m.id)) next.delete(m.id);
                  else next.add(m.id);
                  return next;
                })
              }
              className="flex items-center gap-1.5 rounded text-left focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:cursor-default"
            >
              {m.counts.open > 0 ? expanded ? <ChevronDown aria-hidden className="size-4 text-slate-500" /> : <ChevronRight aria-hidden className="size-4 text-slate-500" /> : <span className="size-4" />}
              <span>
                <span className="block font-medium text-slate-900">{m.name}</span>
                <span className="block text-xs text-slate-600">{m.groups.map((g) => g.name).join(", ") || m.email}</span>
              </span>
              <span className="sr-only">{expanded ? ", hide tasks" : m.counts.open ? ", show tasks" : ""}</span>
            </button>
          );
        },
      },
      count("open", "Open"),
      count("overdue", "Overdue", "font-semibold text-red-700"),
      count("dueToday", "Due today", "font-medium text-amber-800"),
      { id: "load", header: "Load", accessorFn: (m) => m.load, enableSorting: true, sortDescFirst: true, cell: ({ row: { original: m } }) => <LoadBar load={m.load} max={maxLoad} /> },
      {
        id: "availability",
        header: "Availability",
        cell: ({ row: { original: m } }) =>
          m.outOfOffice ? (
            <span className="flex flex-col gap-0.5">
              <Badge tone="warning" icon={<Plane aria-hidden className="size-3" />}>
                {m.outOfOffice.activeNow ? "Away since" : "Away from"} {m.outOfOffice.from ? `${localDateTime(m.outOfOffice.from)} until ` : "until "}
                {localDateTime(m.outOfOffice.until ?? "")}
              </Badge>
              <span className="text-xs text-slate-600">{m.delegate ? `Covered by ${m.delegate.name}` : "No delegate"}</span>
            </span>
          ) : (
            <span className="text-xs text-slate-600">Available</span>
          ),
      },
    ],
    [open, maxLoad],
  );
  return (
    <DataTable
      label="People in your team"
      columns={columns}
      data={team.members}
      getRowId={(m) => m.id}
      rowProps={(m) => ({ "data-testid": `member-${m.email}` })}
      rowActions={(m) => (
        <>
          <Button size="sm" variant="ghost" onClick={() => onAway(m)}>
            Out of office…
          </Button>
          {m.counts.open > 0 && (
            <Button size="sm" variant="ghost" onClick={() => onMove({ tasks: m.tasks, mode: "reassign" })}>
              Reassign all…
            </Button>
          )}
        </>
      )}
      renderExpanded={(m) =>
        open.has(m.id) ? (
          <div id={`tasks-${m.id}`}>
            <TeamTaskList tasks={m.tasks} selected={selected} onToggle={onToggle} onMove={onMove} label={`${m.name}'s open tasks`} />
          </div>
        ) : null
      }
      density="compact"
      minWidth="min-w-[760px]"
    />
  );
}
