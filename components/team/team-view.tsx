"use client";

import { useMemo, useState } from "react";
import Link from "next/link";
import clsx from "clsx";
import { ChevronDown, ChevronRight, Inbox, Plane, Siren, Users } from "lucide-react";
import type { TeamMember, TeamTask, TeamView } from "@/lib/team/schemas";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { PriorityBadge, SlaText } from "@/components/tasks/task-badges";
import { localDateTime } from "@/components/tasks/format";
import { useTeam } from "./queries";
import { MoveDialog, type MoveRequest } from "./move-dialog";
import { OutOfOfficeDialog } from "./out-of-office-dialog";

/** The supervisor console: who is overloaded, what is overdue or escalated, what waits unassigned. */
export function TeamConsole({ me }: { me: { id: string; name: string } }) {
  const team = useTeam();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [move, setMove] = useState<MoveRequest | null>(null);
  const [away, setAway] = useState<TeamMember | null>(null);

  const allTasks = useMemo(() => {
    const map = new Map<string, TeamTask>();
    if (!team.data) return map;
    for (const m of team.data.members) for (const t of m.tasks) map.set(t.id, t);
    for (const t of team.data.escalated) map.set(t.id, t);
    for (const q of team.data.queues) for (const t of q.tasks) map.set(t.id, t);
    return map;
  }, [team.data]);
  // Tasks that left the console (moved elsewhere, decided) drop out of the selection.
  const chosen = [...selected].map((id) => allTasks.get(id)).filter((t): t is TeamTask => !!t);

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  if (team.isPending) {
    return (
      <Shell>
        <div aria-busy="true" aria-label="Loading the team" className="space-y-4">
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-5">
            {[0, 1, 2, 3, 4].map((i) => (
              <Skeleton key={i} className="h-20" />
            ))}
          </div>
          <Skeleton className="h-64" />
        </div>
      </Shell>
    );
  }
  if (team.isError) {
    return (
      <Shell>
        <LoadError what="your team" error={team.error} onRetry={() => team.refetch()} retrying={team.isFetching} />
      </Shell>
    );
  }
  const data = team.data;
  const groupNames = data.queues.map((q) => q.group.name);

  return (
    <Shell subtitle={data.supervisor ? `${groupNames.join(", ") || "No groups"} · ${data.members.length} ${data.members.length === 1 ? "person" : "people"}` : `Every team · ${data.members.length} people`}>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Stat label="Open" value={data.totals.open} />
        <Stat label="Overdue" value={data.totals.overdue} tone={data.totals.overdue ? "danger" : undefined} />
        <Stat label="Due today" value={data.totals.dueToday} tone={data.totals.dueToday ? "warning" : undefined} />
        <Stat label="Escalated" value={data.totals.escalated} tone={data.totals.escalated ? "danger" : undefined} />
        <Stat label="Unassigned" value={data.totals.unassigned} />
      </dl>

      <section aria-labelledby="people-heading" className="rounded-xl bg-white ring-1 ring-slate-200">
        <h2 id="people-heading" className="flex items-center gap-2 border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
          <Users aria-hidden className="size-4 text-slate-500" /> People
        </h2>
        {data.members.length === 0 ? (
          <EmptyState title="Nobody in your team yet">People who report to you and members of the groups you lead appear here.</EmptyState>
        ) : (
          <MembersTable team={data} selected={selected} onToggle={toggle} onAway={setAway} onMove={setMove} />
        )}
      </section>

      <section aria-labelledby="escalated-heading" className="rounded-xl bg-white ring-1 ring-slate-200">
        <h2 id="escalated-heading" className="flex items-center gap-2 border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
          <Siren aria-hidden className="size-4 text-red-600" /> Escalated
          <span className="font-normal text-slate-500">({data.totals.escalated})</span>
        </h2>
        {data.escalated.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-600">Nothing escalated. Tasks that pass their deadline and escalate to you or your team show up here.</p>
        ) : (
          <TaskList tasks={data.escalated} selected={selected} onToggle={toggle} onMove={setMove} showOwner label="Escalated tasks" />
        )}
      </section>

      <section aria-labelledby="queues-heading" className="rounded-xl bg-white ring-1 ring-slate-200">
        <h2 id="queues-heading" className="flex items-center gap-2 border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
          <Inbox aria-hidden className="size-4 text-slate-500" /> Unassigned group queues
        </h2>
        {data.queues.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-600">You don&apos;t lead a group queue.</p>
        ) : (
          <div className="divide-y divide-slate-100">
            {data.queues.map((q) => (
              <div key={q.group.id} aria-labelledby={`queue-${q.group.id}`} role="group">
                <h3 id={`queue-${q.group.id}`} className="flex flex-wrap items-center gap-2 px-4 pt-3 pb-1 text-sm font-medium text-slate-800">
                  {q.group.name}
                  <span className="text-xs font-normal text-slate-600">
                    {q.counts.unassigned} waiting{q.counts.overdue ? `, ${q.counts.overdue} overdue` : ""}
                    {q.counts.dueToday ? `, ${q.counts.dueToday} due today` : ""}
                  </span>
                </h3>
                {q.tasks.length === 0 ? (
                  <p className="px-4 pb-3 text-sm text-slate-500">Empty: nothing waiting.</p>
                ) : (
                  <TaskList tasks={q.tasks} selected={selected} onToggle={toggle} onMove={setMove} label={`${q.group.name} queue`} />
                )}
              </div>
            ))}
          </div>
        )}
      </section>

      {chosen.length > 0 && (
        <div role="region" aria-label="Selected tasks" className="sticky bottom-3 z-20 mx-auto flex w-fit items-center gap-3 rounded-xl bg-slate-900 px-4 py-2.5 text-sm text-white shadow-xl">
          <span>
            {chosen.length} selected
          </span>
          <Button variant="primary" size="sm" onClick={() => setMove({ tasks: chosen, mode: "reassign" })}>
            Reassign {chosen.length}…
          </Button>
          <Button variant="ghost" size="sm" className="text-white hover:bg-white/10" onClick={() => setSelected(new Set())}>
            Clear
          </Button>
        </div>
      )}

      <MoveDialog
        request={move}
        team={data}
        me={me}
        onClose={() => setMove(null)}
        onDone={(ids) =>
          setSelected((s) => {
            const next = new Set(s);
            for (const id of ids) next.delete(id);
            return next;
          })
        }
      />
      <OutOfOfficeDialog member={away} team={data} me={me} onClose={() => setAway(null)} />
    </Shell>
  );
}

function Shell({ subtitle, children }: { subtitle?: string; children: React.ReactNode }) {
  return (
    <main id="main" className="mx-auto w-full max-w-[1400px] space-y-5 px-3 py-6 sm:px-5">
      <header>
        <h1 className="text-xl font-semibold text-slate-900">Team</h1>
        {subtitle && <p className="mt-0.5 text-sm text-slate-600">{subtitle}</p>}
      </header>
      {children}
    </main>
  );
}

function Stat({ label, value, tone }: { label: string; value: number; tone?: "danger" | "warning" }) {
  return (
    <div className={clsx("rounded-xl bg-white px-4 py-3 ring-1", tone === "danger" ? "ring-red-200" : tone === "warning" ? "ring-amber-300" : "ring-slate-200")}>
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className={clsx("mt-1 text-2xl font-semibold tabular-nums", tone === "danger" ? "text-red-700" : tone === "warning" ? "text-amber-800" : "text-slate-900")}>{value}</dd>
    </div>
  );
}

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

function MembersTable({
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
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">
              Person
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Open
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Overdue
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Due today
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Load
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Availability
            </th>
            <th scope="col" className="px-4 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        {team.members.map((m) => {
          const expanded = open.has(m.id);
          return (
            <tbody key={m.id} className="border-t border-slate-100" data-testid={`member-${m.email}`}>
              <tr>
                <th scope="row" className="px-4 py-2.5 text-left font-normal">
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
                    {m.counts.open > 0 ? (
                      expanded ? (
                        <ChevronDown aria-hidden className="size-4 text-slate-500" />
                      ) : (
                        <ChevronRight aria-hidden className="size-4 text-slate-500" />
                      )
                    ) : (
                      <span className="size-4" />
                    )}
                    <span>
                      <span className="block font-medium text-slate-900">{m.name}</span>
                      <span className="block text-xs text-slate-600">{m.groups.map((g) => g.name).join(", ") || m.email}</span>
                    </span>
                    <span className="sr-only">{expanded ? ", hide tasks" : m.counts.open ? ", show tasks" : ""}</span>
                  </button>
                </th>
                <td className="px-3 py-2.5 text-right tabular-nums">{m.counts.open}</td>
                <td className={clsx("px-3 py-2.5 text-right tabular-nums", m.counts.overdue && "font-semibold text-red-700")}>{m.counts.overdue}</td>
                <td className={clsx("px-3 py-2.5 text-right tabular-nums", m.counts.dueToday && "font-medium text-amber-800")}>{m.counts.dueToday}</td>
                <td className="px-3 py-2.5">
                  <LoadBar load={m.load} max={maxLoad} />
                </td>
                <td className="px-3 py-2.5">
                  {m.outOfOffice ? (
                    <span className="flex flex-col gap-0.5">
                      <Badge tone="warning" icon={<Plane aria-hidden className="size-3" />}>
                        {m.outOfOffice.activeNow ? "Away" : "Away soon"} until {localDateTime(m.outOfOffice.until ?? "")}
                      </Badge>
                      <span className="text-xs text-slate-600">{m.delegate ? `Covered by ${m.delegate.name}` : "No delegate"}</span>
                    </span>
                  ) : (
                    <span className="text-xs text-slate-600">Available</span>
                  )}
                </td>
                <td className="px-4 py-2.5 text-right whitespace-nowrap">
                  <Button size="sm" variant="ghost" onClick={() => onAway(m)}>
                    Out of office…
                  </Button>
                  {m.counts.open > 0 && (
                    <Button size="sm" variant="ghost" onClick={() => onMove({ tasks: m.tasks, mode: "reassign" })}>
                      Reassign all…
                    </Button>
                  )}
                </td>
              </tr>
              {expanded && (
                <tr id={`tasks-${m.id}`}>
                  <td colSpan={7} className="bg-slate-50/60 px-2 pb-2">
                    <TaskList tasks={m.tasks} selected={selected} onToggle={onToggle} onMove={onMove} label={`${m.name}'s open tasks`} />
                  </td>
                </tr>
              )}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}

function TaskList({
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
          <Link href={`/tasks/${t.id}`} className="min-w-0 flex-1 rounded focus-visible:outline-2 focus-visible:outline-indigo-600">
            <span className="mr-2 font-mono text-xs text-slate-600">{t.reference}</span>
            <span className="text-sm text-slate-900 hover:underline">{t.title}</span>
          </Link>
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
