"use client";

import clsx from "clsx";
import { formatDistanceToNow } from "date-fns";
import { BarChart3 } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";
import { FreshnessNote } from "@/components/ui/freshness-note";
import { Input, Select } from "@/components/ui/input";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import type { ProcessDashboard } from "@/lib/kpi/schemas";
import { Charts } from "./kpi-charts";
import { DecisionsByPerson, ProcessTable, StepTable } from "./kpi-tables";
import { BottleneckCallout, KpiTiles } from "./kpi-tiles";
import { useKpis } from "./queries";
import { DashboardTabs } from "./tabs";
import { daysBefore, todayUtc, useDashboardUrl } from "./use-dashboard-url";
import { VersionComparison } from "./version-comparison";

const PRESETS = [7, 30, 90] as const;

export function DashboardView({ canManage }: { canManage: boolean }) {
  const url = useDashboardUrl();
  const { from, to, process, scope, set } = url;
  const kpis = useKpis({ from, to, process });
  const data = kpis.data;
  const selected = process ? data?.processes.find((p) => p.key === process) : undefined;

  return (
    <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6">
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Process dashboard</h1>
          <p className="text-sm text-slate-600">
            Where processes are slow, fail or loop back — every number opens the instances or tasks behind it.
            {data?.refreshedAt && <> Figures as of {formatDistanceToNow(new Date(data.refreshedAt), { addSuffix: true })}.</>}
          </p>
        </div>
        <DashboardTabs current="kpis" />
      </div>

      <form className="mb-5 flex flex-wrap items-end gap-3 rounded-xl bg-white p-3 ring-1 ring-slate-200" aria-label="Period and process" onSubmit={(e) => e.preventDefault()}>
        <fieldset className="flex items-end gap-1">
          <legend className="mb-1 text-sm font-medium text-slate-800">Period</legend>
          {PRESETS.map((n) => {
            const active = to === todayUtc() && url.days === n;
            return (
              <button
                key={n}
                type="button"
                aria-pressed={active}
                onClick={() => set({ from: daysBefore(todayUtc(), n - 1), to: "" })}
                className={clsx(
                  "h-9 rounded-md px-3 text-sm font-medium ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-indigo-600",
                  active ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50",
                )}
              >
                {n} days
              </button>
            );
          })}
        </fieldset>
        <Input label="From" type="date" value={from} max={to} onChange={(e) => e.target.value && set({ from: e.target.value })} className="w-40" />
        <Input label="To" type="date" value={to} min={from} max={todayUtc()} onChange={(e) => e.target.value && set({ to: e.target.value })} className="w-40" />
        <Select label="Process" value={process} onChange={(e) => set({ process: e.target.value })} className="w-full sm:w-64">
          <option value="">All processes</option>
          {(data?.processes ?? []).map((p) => (
            <option key={p.key} value={p.key}>
              {p.name}
            </option>
          ))}
          {process && !data?.processes.some((p) => p.key === process) && <option value={process}>{process}</option>}
        </Select>
      </form>

      <FreshnessNote freshness={data?.freshness} className="mb-3" />
      {kpis.isPending && (
        <div className="space-y-4" aria-busy="true" aria-label="Loading the dashboard">
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
            {Array.from({ length: 10 }, (_, i) => (
              <Skeleton key={i} className="h-24" />
            ))}
          </div>
          <Skeleton className="h-72" />
        </div>
      )}
      {kpis.isError && !data && <LoadError what="the dashboard" error={kpis.error} onRetry={() => kpis.refetch()} retrying={kpis.isFetching} />}
      {kpis.isError && data && (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          Showing the last figures: {kpis.error.message}
        </p>
      )}
      {data && data.processes.length === 0 && (
        <section className="rounded-xl bg-white ring-1 ring-slate-200">
          <EmptyState icon={<BarChart3 aria-hidden className="size-6" />} title="No processes yet">
            Publish a process and start instances; their figures appear here within a minute.
          </EmptyState>
        </section>
      )}
      {data && data.processes.length > 0 && (
        <div className={clsx("space-y-6", kpis.isFetching && "opacity-80 transition-opacity")}>
          <KpiTiles kpis={selected?.kpis ?? data.totals} scope={scope} />
          {selected?.bottleneck && <BottleneckCallout text={selected.bottleneck.text} />}
          <Charts data={data} scope={scope} />
          {selected ? <ProcessDetails process={selected} scope={scope} canManage={canManage} /> : <ProcessTable processes={data.processes} onSelect={url.selectProcess} scope={scope} />}
          <DecisionsByPerson data={data} scope={scope} />
        </div>
      )}
    </main>
  );
}

function ProcessDetails({ process, scope, canManage }: { process: ProcessDashboard; scope: ReturnType<typeof useDashboardUrl>["scope"]; canManage: boolean }) {
  return (
    <>
      <StepTable process={process} scope={scope} />
      <VersionComparison process={process} scope={scope} canManage={canManage} />
    </>
  );
}
