"use client";

import Link from "next/link";
import { useMemo, type ReactNode } from "react";
import { Gauge } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { DataTable, type DataColumn, type RowData } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatMs, formatRate } from "@/lib/kpi/format";
import type { KpiDashboard, ProcessDashboard } from "@/lib/kpi/schemas";
import { endedInstancesHref, tasksHref, type Scope } from "./links";

type Step = ProcessDashboard["steps"][number];
type Person = KpiDashboard["decisions"]["byPerson"][number];

function NumLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="text-indigo-700 tabular-nums hover:underline">
      {children}
    </Link>
  );
}

function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
      <h2 id={id} className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A sortable figure column whose number links to the items behind it (largest first when sorted). */
function figure<T extends RowData>(id: string, header: string, value: (row: T) => number | null, render: (row: T) => ReactNode): DataColumn<T> {
  return { id, header, accessorFn: (r) => value(r) ?? -1, enableSorting: true, sortDescFirst: true, meta: { align: "right", className: "whitespace-nowrap" }, cell: ({ row }) => render(row.original) };
}

export function ProcessTable({ processes, onSelect, scope }: { processes: ProcessDashboard[]; onSelect: (key: string) => void; scope: Scope }) {
  const columns = useMemo<DataColumn<ProcessDashboard>[]>(() => {
    const s = (p: ProcessDashboard) => ({ ...scope, process: p.key });
    return [
      {
        id: "process",
        header: "Process",
        accessorFn: (p) => p.name,
        enableSorting: true,
        cell: ({ row: { original: p } }) => (
          <>
            <button type="button" onClick={() => onSelect(p.key)} className="text-left font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
              {p.name}
            </button>
            {p.split && (
              <Badge tone="brand" className="ml-2">
                A/B v{p.split.versionA}/v{p.split.versionB}
              </Badge>
            )}
          </>
        ),
      },
      figure("completed", "Completed", (p) => p.kpis.completed, (p) => <NumLink href={endedInstancesHref(s(p), { status: "COMPLETED" })}>{p.kpis.completed}</NumLink>),
      figure("failed", "Failed", (p) => p.kpis.failed, (p) => <NumLink href={endedInstancesHref(s(p), { status: "FAILED" })}>{p.kpis.failed}</NumLink>),
      figure("cycle", "Cycle p50 / p90", (p) => p.kpis.cycleTime.p50Ms, (p) => `${formatMs(p.kpis.cycleTime.p50Ms)} / ${formatMs(p.kpis.cycleTime.p90Ms)}`),
      figure("sla", "SLA breached", (p) => p.kpis.slaBreach.rate, (p) => <NumLink href={tasksHref(s(p), { breached: true })}>{formatRate(p.kpis.slaBreach.rate)}</NumLink>),
      figure("errors", "Step errors", (p) => p.kpis.automatedErrors.rate, (p) => <NumLink href={endedInstancesHref(s(p), { stepStatus: "FAILED" })}>{formatRate(p.kpis.automatedErrors.rate)}</NumLink>),
      figure("rework", "Rework", (p) => p.kpis.rework.rate, (p) => <NumLink href={endedInstancesHref(s(p), { rework: true })}>{formatRate(p.kpis.rework.rate)}</NumLink>),
      {
        id: "bottleneck",
        header: "Bottleneck",
        meta: { className: "max-w-sm text-slate-700" },
        cell: ({ row: { original: p } }) =>
          p.bottleneck ? (
            <span title={p.bottleneck.text}>
              <code className="font-semibold text-amber-900">{p.bottleneck.stepId}</code> · {formatMs(p.bottleneck.meanMs)} mean
              {p.bottleneck.shareOfCycle !== null && <> · {Math.round(p.bottleneck.shareOfCycle * 100)} % of process time</>}
            </span>
          ) : (
            <span className="text-slate-500">no finished steps</span>
          ),
      },
    ];
  }, [onSelect, scope]);
  return (
    <Panel id="per-process" title="By process">
      <DataTable label="Figures by process" testId="process-table" columns={columns} data={processes} getRowId={(p) => p.key} density="compact" minWidth="min-w-[960px]" />
    </Panel>
  );
}

export function StepTable({ process, scope }: { process: ProcessDashboard; scope: Scope }) {
  const columns = useMemo<DataColumn<Step>[]>(
    () => [
      {
        id: "step",
        header: "Step",
        cell: ({ row: { original: s } }) => (
          <>
            <code className="font-medium text-slate-900">{s.stepId}</code> <span className="text-xs text-slate-600">{s.stepType}</span>
            {process.bottleneck?.stepId === s.stepId && (
              <Badge tone="warning" className="ml-2">
                Bottleneck
              </Badge>
            )}
          </>
        ),
      },
      figure("runs", "Runs", (s) => s.runs, (s) => <NumLink href={endedInstancesHref(scope, { step: s.stepId })}>{s.runs}</NumLink>),
      figure("duration", "Mean / p90", (s) => s.duration.meanMs, (s) => `${formatMs(s.duration.meanMs)} / ${formatMs(s.duration.p90Ms)}`),
      figure("handoff", "Handoff (mean)", (s) => s.handoff.meanMs, (s) => formatMs(s.handoff.meanMs)),
      figure("firstAction", "First action (p50)", (s) => s.firstAction.p50Ms, (s) => (s.tasks > 0 ? <NumLink href={tasksHref(scope, { step: s.stepId })}>{formatMs(s.firstAction.p50Ms)}</NumLink> : "—")),
      figure("errors", "Errors", (s) => s.errorRate, (s) =>
        s.errorRate === null ? "—" : <NumLink href={endedInstancesHref(scope, { step: s.stepId, stepStatus: "FAILED" })}>{`${s.failed} (${formatRate(s.errorRate)})`}</NumLink>,
      ),
      figure("sla", "SLA breached", (s) => s.slaBreach.rate, (s) => (s.slaBreach.total > 0 ? <NumLink href={tasksHref(scope, { step: s.stepId, breached: true })}>{formatRate(s.slaBreach.rate)}</NumLink> : "—")),
      figure("info", "Info requested", (s) => s.infoRequested, (s) => (s.tasks > 0 ? s.infoRequested : "—")),
    ],
    [process, scope],
  );
  if (process.steps.length === 0)
    return (
      <section className="rounded-xl bg-white ring-1 ring-slate-200">
        <EmptyState icon={<Gauge aria-hidden className="size-6" />} title="No finished steps in this period">
          Choose a longer period, or wait for instances to move.
        </EmptyState>
      </section>
    );
  return (
    <Panel id="per-step" title={`Steps of ${process.name}, slowest first`}>
      <DataTable
        label={`Steps of ${process.name}, slowest first`}
        testId="step-table"
        columns={columns}
        data={process.steps}
        getRowId={(s) => s.stepId}
        rowProps={(s) => (process.bottleneck?.stepId === s.stepId ? { className: "bg-amber-50", "data-bottleneck": true } : {})}
        density="compact"
        minWidth="min-w-[960px]"
      />
    </Panel>
  );
}

export function DecisionsByPerson({ data, scope }: { data: KpiDashboard; scope: Scope }) {
  const outcomes = data.decisions.byOutcome.map((o) => o.outcome);
  const outcomeKey = outcomes.join("\n");
  const columns = useMemo<DataColumn<Person>[]>(
    () => [
      { id: "person", header: "Person", accessorFn: (p) => p.name, enableSorting: true, meta: { rowHeader: true, className: "text-slate-900" } },
      figure("total", "Total", (p) => p.total, (p) => <NumLink href={tasksHref(scope, { decidedBy: p.deciderId })}>{p.total}</NumLink>),
      ...outcomeKey
        .split("\n")
        .filter(Boolean)
        .map((o) =>
          figure<Person>(`outcome-${o}`, o, (p) => p.byOutcome[o] ?? 0, (p) =>
            p.byOutcome[o] ? <NumLink href={tasksHref(scope, { decidedBy: p.deciderId, outcome: o })}>{p.byOutcome[o]}</NumLink> : <span className="text-slate-500">0</span>,
          ),
        ),
    ],
    [outcomeKey, scope],
  );
  if (data.decisions.byPerson.length === 0) return null;
  return (
    <Panel id="by-person" title="Decisions by person">
      <DataTable label="Decisions by person" testId="decisions-by-person" columns={columns} data={data.decisions.byPerson} getRowId={(p) => p.deciderId || "system"} density="compact" />
    </Panel>
  );
}
