"use client";

import { useMemo, useState } from "react";
import Link from "next/link";
import clsx from "clsx";
import { Inbox, Siren, Users } from "lucide-react";
import type { TeamMember, TeamTask } from "@/lib/team/schemas";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { MembersTable } from "./members-table";
import { useTeam } from "./queries";
import { TeamTaskList } from "./team-task-list";
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
        {/* Each number opens the list behind it (the overdue list is the inbox's "all tasks", overdue first). */}
        <Stat label="Open" value={data.totals.open} href="/inbox?view=all&status=OPEN&sort=due" />
        <Stat label="Overdue" value={data.totals.overdue} tone={data.totals.overdue ? "danger" : undefined} href="/inbox?view=all&status=OPEN&due=overdue&sort=due" />
        <Stat label="Due today" value={data.totals.dueToday} tone={data.totals.dueToday ? "warning" : undefined} href="/inbox?view=all&status=OPEN&due=today&sort=due" />
        <Stat label="Escalated" value={data.totals.escalated} tone={data.totals.escalated ? "danger" : undefined} href="#escalated-heading" />
        <Stat label="Unassigned" value={data.totals.unassigned} href="#queues-heading" />
      </dl>

      <section aria-labelledby="people-heading" className="rounded-xl bg-white ring-1 ring-slate-200">
        <h2 id="people-heading" className="flex items-center gap-2 border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
          <Users aria-hidden className="size-4 text-slate-500" /> People
        </h2>
        <p className="border-b border-slate-100 px-4 py-2 text-xs text-slate-600" data-testid="load-legend">
          Load is open work weighted by priority (urgent 4, high 2, normal 1, low 0.5), as routing counts it, so it can differ from Open. The bar compares each person with the busiest:{" "}
          <span className="font-medium text-emerald-800">green</span> under half, <span className="font-medium text-amber-800">amber</span> from half,{" "}
          <span className="font-medium text-red-700">red</span> from 80 %.
        </p>
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
          <TeamTaskList tasks={data.escalated} selected={selected} onToggle={toggle} onMove={setMove} showOwner label="Escalated tasks" />
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
                  <TeamTaskList tasks={q.tasks} selected={selected} onToggle={toggle} onMove={setMove} label={`${q.group.name} queue`} />
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

function Stat({ label, value, tone, href }: { label: string; value: number; tone?: "danger" | "warning"; href: string }) {
  return (
    <div className={clsx("relative rounded-xl bg-white px-4 py-3 ring-1 hover:bg-slate-50", tone === "danger" ? "ring-red-200" : tone === "warning" ? "ring-amber-300" : "ring-slate-200")}>
      <dt className="text-xs font-medium text-slate-600">
        {/* The whole card is the link (its ::after covers the card); its name is the label and the number. */}
        <Link href={href} className="after:absolute after:inset-0 after:rounded-xl focus-visible:outline-2 focus-visible:outline-indigo-600" data-testid={`kpi-${label.toLowerCase().replace(/ /g, "-")}`}>
          {label}
          <span className="sr-only">: {value}, show the list</span>
        </Link>
      </dt>
      <dd className={clsx("mt-1 text-2xl font-semibold tabular-nums", tone === "danger" ? "text-red-700" : tone === "warning" ? "text-amber-800" : "text-slate-900")}>{value}</dd>
    </div>
  );
}
