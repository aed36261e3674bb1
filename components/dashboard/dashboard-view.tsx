"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, type ReactNode } from "react";
import clsx from "clsx";
import { formatDistanceToNow } from "date-fns";
import { BarChart3, Gauge, TriangleAlert } from "lucide-react";
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Select } from "@/components/ui/input";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { Badge } from "@/components/ui/badge";
import { formatMs, formatRate } from "@/lib/kpi/format";
import type { KpiDashboard, ProcessDashboard, ProcessKpis } from "@/lib/kpi/schemas";
import { endedInstancesHref, startedInstancesHref, tasksHref, type Scope } from "./links";
import { useKpis } from "./queries";
import { DashboardTabs } from "./tabs";
import { VersionComparison } from "./version-comparison";

const PRESETS = [7, 30, 90] as const;
const DAY = 86_400_000;
const todayUtc = () => new Date().toISOString().slice(0, 10);
const daysBefore = (d: string, n: number) => new Date(new Date(`${d}T00:00:00Z`).getTime() - n * DAY).toISOString().slice(0, 10);
const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / 3_600_000) * 10) / 10);
const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

export function DashboardView({ canManage }: { canManage: boolean }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const to = params.get("to") ?? todayUtc();
  const from = params.get("from") ?? daysBefore(to, 29);
  const process = params.get("process") ?? "";
  const kpis = useKpis({ from, to, process });
  const set = (patch: Record<string, string>) => {
    const q = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(patch)) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    router.replace(`${pathname}?${q}`, { scroll: false });
  };
  const days = Math.round((new Date(`${to}T00:00:00Z`).getTime() - new Date(`${from}T00:00:00Z`).getTime()) / DAY) + 1;
  const data = kpis.data;
  const scope: Scope = { from, to, process: process || undefined };
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
            const active = to === todayUtc() && days === n;
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
        <Select label="Process" value={process} onChange={(e) => set({ process: e.target.value })} className="w-64">
          <option value="">All processes</option>
          {(data?.processes ?? []).map((p) => (
            <option key={p.key} value={p.key}>
              {p.name}
            </option>
          ))}
          {process && !data?.processes.some((p) => p.key === process) && <option value={process}>{process}</option>}
        </Select>
      </form>

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
          {!selected && <ProcessTable processes={data.processes} onSelect={(key) => set({ process: key })} scope={scope} />}
          {selected && <StepTable process={selected} scope={scope} />}
          {selected && <VersionComparison process={selected} scope={scope} canManage={canManage} />}
          <DecisionsByPerson data={data} scope={scope} />
        </div>
      )}
    </main>
  );
}

function Tile({ label, value, detail, href, tone = "neutral", testId }: { label: string; value: string; detail?: ReactNode; href?: string; tone?: "neutral" | "warning"; testId?: string }) {
  const body = (
    <>
      <p className="text-xs font-medium tracking-wide text-slate-600 uppercase">{label}</p>
      <p className={clsx("mt-1 text-2xl font-semibold tabular-nums", tone === "warning" ? "text-amber-800" : "text-slate-900")}>{value}</p>
      {detail && <p className="mt-0.5 text-xs text-slate-600">{detail}</p>}
    </>
  );
  const cls = "block rounded-xl bg-white p-4 ring-1 ring-slate-200";
  return href ? (
    <Link href={href} data-testid={testId} className={clsx(cls, "hover:ring-indigo-300 focus-visible:outline-2 focus-visible:outline-indigo-600")} aria-label={`${label}: ${value}. Show the items behind it`}>
      {body}
    </Link>
  ) : (
    <div className={cls} data-testid={testId}>
      {body}
    </div>
  );
}

function KpiTiles({ kpis, scope }: { kpis: ProcessKpis; scope: Scope }) {
  const warn = (r: number | null, limit: number) => (r !== null && r > limit ? "warning" : "neutral");
  return (
    <section aria-label="Key figures" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
      <Tile testId="kpi-completed" label="Completed" value={String(kpis.completed)} detail={`${kpis.throughputPerDay.toFixed(1)} a day`} href={endedInstancesHref(scope, { status: "COMPLETED" })} />
      <Tile testId="kpi-started" label="Started" value={String(kpis.started)} detail={`${kpis.failed} failed · ${kpis.cancelled} cancelled`} href={startedInstancesHref(scope)} />
      <Tile
        testId="kpi-cycle"
        label="Cycle time (p50)"
        value={formatMs(kpis.cycleTime.p50Ms)}
        detail={`p90 ${formatMs(kpis.cycleTime.p90Ms)} · p99 ${formatMs(kpis.cycleTime.p99Ms)}`}
        href={endedInstancesHref(scope, { status: "COMPLETED" })}
      />
      <Tile testId="kpi-first-action" label="Time to first action" value={formatMs(kpis.firstAction.p50Ms)} detail={`median · mean ${formatMs(kpis.firstAction.meanMs)}`} href={tasksHref(scope)} />
      <Tile testId="kpi-handoff" label="Handoff delay" value={formatMs(kpis.handoff.meanMs)} detail={`mean wait before work starts · p90 ${formatMs(kpis.handoff.p90Ms)}`} />
      <Tile
        testId="kpi-sla"
        label="SLA breached"
        value={formatRate(kpis.slaBreach.rate)}
        detail={`${kpis.slaBreach.count} of ${kpis.slaBreach.total} tasks with a due time`}
        tone={warn(kpis.slaBreach.rate, 0.1)}
        href={tasksHref(scope, { breached: true })}
      />
      <Tile
        testId="kpi-errors"
        label="Automated step errors"
        value={formatRate(kpis.automatedErrors.rate)}
        detail={`${kpis.automatedErrors.count} of ${kpis.automatedErrors.total} runs failed`}
        tone={warn(kpis.automatedErrors.rate, 0.05)}
        href={endedInstancesHref(scope, { stepStatus: "FAILED" })}
      />
      <Tile
        testId="kpi-rework"
        label="Rework"
        value={formatRate(kpis.rework.rate)}
        detail={`${kpis.rework.count} of ${kpis.rework.total} ended instances`}
        tone={warn(kpis.rework.rate, 0.2)}
        href={endedInstancesHref(scope, { rework: true })}
      />
      <Tile testId="kpi-escalation" label="Escalated" value={formatRate(kpis.escalation.rate)} detail={`${kpis.escalation.count} of ${kpis.escalation.total} tasks`} href={tasksHref(scope, { escalated: true })} />
      <Tile testId="kpi-failed" label="Failed instances" value={String(kpis.failed)} detail={`${kpis.decisions} decisions`} tone={kpis.failed > 0 ? "warning" : "neutral"} href={endedInstancesHref(scope, { status: "FAILED" })} />
    </section>
  );
}

function BottleneckCallout({ text }: { text: string }) {
  return (
    <p data-testid="bottleneck" className="flex items-start gap-2 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-200">
      <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-amber-700" />
      <span>
        <strong>Bottleneck.</strong> {text}
      </span>
    </p>
  );
}

function ChartCard({ title, summary, children, testId }: { title: string; summary: string; children: ReactNode; testId: string }) {
  return (
    <figure className="rounded-xl bg-white p-4 ring-1 ring-slate-200" data-testid={testId}>
      <figcaption className="mb-2">
        <span className="text-sm font-semibold text-slate-900">{title}</span>
        <span className="sr-only">. {summary}</span>
      </figcaption>
      <div className="h-60" aria-hidden>
        {children}
      </div>
    </figure>
  );
}

const AXIS = { fontSize: 12, fill: "#475569" };

function Charts({ data, scope }: { data: KpiDashboard; scope: Scope }) {
  const series = useMemo(
    () =>
      data.series.map((p) => ({
        day: p.day.slice(5),
        started: p.started,
        completed: p.completed,
        failed: p.failed,
        p50: hours(p.cycleP50Ms),
        p90: hours(p.cycleP90Ms),
        p99: hours(p.cycleP99Ms),
        breach: pct(p.slaBreachRate),
        errors: pct(p.errorRate),
      })),
    [data.series],
  );
  const outcomes = data.decisions.byOutcome;
  const total = (k: "started" | "completed" | "failed") => data.series.reduce((n, p) => n + p[k], 0);
  return (
    <section aria-label="Charts" className="grid gap-4 lg:grid-cols-2">
      <ChartCard testId="chart-throughput" title="Throughput a day" summary={`${total("completed")} completed, ${total("started")} started, ${total("failed")} failed in the period.`}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={series} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="day" tick={AXIS} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} tick={AXIS} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="completed" name="Completed" stackId="ended" fill="#4f46e5" />
            <Bar dataKey="failed" name="Failed" stackId="ended" fill="#dc2626" />
            <Line dataKey="started" name="Started" stroke="#0f766e" strokeWidth={2} dot={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </ChartCard>
      <ChartCard testId="chart-cycle" title="Cycle time percentiles (hours)" summary="Median, 90th and 99th percentile cycle time of the instances completed each day.">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={series} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="day" tick={AXIS} interval="preserveStartEnd" />
            <YAxis tick={AXIS} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line dataKey="p50" name="p50" stroke="#4f46e5" strokeWidth={2} dot={false} connectNulls />
            <Line dataKey="p90" name="p90" stroke="#d97706" strokeWidth={2} dot={false} connectNulls />
            <Line dataKey="p99" name="p99" stroke="#dc2626" strokeWidth={1.5} strokeDasharray="4 3" dot={false} connectNulls />
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>
      <ChartCard testId="chart-rates" title="SLA breach and automated error rate (%)" summary="Share of tasks decided after their due time, and of automated step runs that failed, each day.">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={series} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="day" tick={AXIS} interval="preserveStartEnd" />
            <YAxis tick={AXIS} domain={[0, "auto"]} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line dataKey="breach" name="SLA breached" stroke="#d97706" strokeWidth={2} dot={false} connectNulls />
            <Line dataKey="errors" name="Step errors" stroke="#dc2626" strokeWidth={2} dot={false} connectNulls />
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>
      <figure className="rounded-xl bg-white p-4 ring-1 ring-slate-200" data-testid="chart-decisions">
        <figcaption className="mb-2 text-sm font-semibold text-slate-900">Decisions by outcome</figcaption>
        {outcomes.length === 0 ? (
          <p className="py-16 text-center text-sm text-slate-600">No decisions in this period.</p>
        ) : (
          <>
            <div className="h-44" aria-hidden>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={outcomes} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 24 }}>
                  <CartesianGrid stroke="#e2e8f0" horizontal={false} />
                  <XAxis type="number" allowDecimals={false} tick={AXIS} />
                  <YAxis type="category" dataKey="outcome" tick={AXIS} width={90} />
                  <Tooltip />
                  <Bar dataKey="count" name="Decisions" fill="#4f46e5" />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <ul className="mt-2 flex flex-wrap gap-2 text-sm">
              {outcomes.map((o) => (
                <li key={o.outcome}>
                  <Link href={tasksHref(scope, { outcome: o.outcome })} className="rounded-full bg-slate-100 px-2.5 py-1 text-slate-800 hover:bg-indigo-50 hover:text-indigo-800">
                    {o.outcome || "—"} <span className="font-semibold tabular-nums">{o.count}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
      </figure>
    </section>
  );
}

function Th({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <th scope="col" className={clsx("px-3 py-2.5 text-xs font-medium tracking-wide text-slate-600 uppercase", className)}>
      {children}
    </th>
  );
}

function NumLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="text-indigo-700 tabular-nums hover:underline">
      {children}
    </Link>
  );
}

function ProcessTable({ processes, onSelect, scope }: { processes: ProcessDashboard[]; onSelect: (key: string) => void; scope: Scope }) {
  return (
    <section aria-labelledby="per-process" className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
      <h2 id="per-process" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
        By process
      </h2>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[960px] text-left text-sm" data-testid="process-table">
          <thead className="bg-slate-50">
            <tr>
              <Th>Process</Th>
              <Th className="text-right">Completed</Th>
              <Th className="text-right">Failed</Th>
              <Th className="text-right">Cycle p50 / p90</Th>
              <Th className="text-right">SLA breached</Th>
              <Th className="text-right">Step errors</Th>
              <Th className="text-right">Rework</Th>
              <Th>Bottleneck</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {processes.map((p) => {
              const s = { ...scope, process: p.key };
              return (
                <tr key={p.key}>
                  <td className="px-3 py-2">
                    <button type="button" onClick={() => onSelect(p.key)} className="font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
                      {p.name}
                    </button>
                    {p.split && (
                      <Badge tone="brand" className="ml-2">
                        A/B v{p.split.versionA}/v{p.split.versionB}
                      </Badge>
                    )}
                  </td>
                  <td className="px-3 py-2 text-right">
                    <NumLink href={endedInstancesHref(s, { status: "COMPLETED" })}>{p.kpis.completed}</NumLink>
                  </td>
                  <td className="px-3 py-2 text-right">
                    <NumLink href={endedInstancesHref(s, { status: "FAILED" })}>{p.kpis.failed}</NumLink>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {formatMs(p.kpis.cycleTime.p50Ms)} / {formatMs(p.kpis.cycleTime.p90Ms)}
                  </td>
                  <td className="px-3 py-2 text-right">
                    <NumLink href={tasksHref(s, { breached: true })}>{formatRate(p.kpis.slaBreach.rate)}</NumLink>
                  </td>
                  <td className="px-3 py-2 text-right">
                    <NumLink href={endedInstancesHref(s, { stepStatus: "FAILED" })}>{formatRate(p.kpis.automatedErrors.rate)}</NumLink>
                  </td>
                  <td className="px-3 py-2 text-right">
                    <NumLink href={endedInstancesHref(s, { rework: true })}>{formatRate(p.kpis.rework.rate)}</NumLink>
                  </td>
                  <td className="max-w-sm px-3 py-2 text-slate-700">
                    {p.bottleneck ? (
                      <span title={p.bottleneck.text}>
                        <code className="font-semibold text-amber-900">{p.bottleneck.stepId}</code> · {formatMs(p.bottleneck.meanMs)} mean
                        {p.bottleneck.shareOfCycle !== null && <> · {Math.round(p.bottleneck.shareOfCycle * 100)} % of process time</>}
                      </span>
                    ) : (
                      <span className="text-slate-500">no finished steps</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function StepTable({ process, scope }: { process: ProcessDashboard; scope: Scope }) {
  if (process.steps.length === 0)
    return (
      <section className="rounded-xl bg-white ring-1 ring-slate-200">
        <EmptyState icon={<Gauge aria-hidden className="size-6" />} title="No finished steps in this period">
          Choose a longer period, or wait for instances to move.
        </EmptyState>
      </section>
    );
  return (
    <section aria-labelledby="per-step" className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
      <h2 id="per-step" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
        Steps of {process.name}, slowest first
      </h2>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[960px] text-left text-sm" data-testid="step-table">
          <thead className="bg-slate-50">
            <tr>
              <Th>Step</Th>
              <Th className="text-right">Runs</Th>
              <Th className="text-right">Mean / p90</Th>
              <Th className="text-right">Handoff (mean)</Th>
              <Th className="text-right">First action (p50)</Th>
              <Th className="text-right">Errors</Th>
              <Th className="text-right">SLA breached</Th>
              <Th className="text-right">Info requested</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {process.steps.map((s) => {
              const bottleneck = process.bottleneck?.stepId === s.stepId;
              return (
                <tr key={s.stepId} className={clsx(bottleneck && "bg-amber-50")} data-bottleneck={bottleneck || undefined}>
                  <td className="px-3 py-2">
                    <code className="font-medium text-slate-900">{s.stepId}</code> <span className="text-xs text-slate-600">{s.stepType}</span>
                    {bottleneck && (
                      <Badge tone="warning" className="ml-2">
                        Bottleneck
                      </Badge>
                    )}
                  </td>
                  <td className="px-3 py-2 text-right">
                    <NumLink href={endedInstancesHref(scope, { step: s.stepId })}>{s.runs}</NumLink>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {formatMs(s.duration.meanMs)} / {formatMs(s.duration.p90Ms)}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatMs(s.handoff.meanMs)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {s.tasks > 0 ? <NumLink href={tasksHref(scope, { step: s.stepId })}>{formatMs(s.firstAction.p50Ms)}</NumLink> : "—"}
                  </td>
                  <td className="px-3 py-2 text-right">
                    {s.errorRate === null ? "—" : <NumLink href={endedInstancesHref(scope, { step: s.stepId, stepStatus: "FAILED" })}>{`${s.failed} (${formatRate(s.errorRate)})`}</NumLink>}
                  </td>
                  <td className="px-3 py-2 text-right">
                    {s.slaBreach.total > 0 ? <NumLink href={tasksHref(scope, { step: s.stepId, breached: true })}>{formatRate(s.slaBreach.rate)}</NumLink> : "—"}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{s.tasks > 0 ? s.infoRequested : "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function DecisionsByPerson({ data, scope }: { data: KpiDashboard; scope: Scope }) {
  const outcomes = data.decisions.byOutcome.map((o) => o.outcome);
  if (data.decisions.byPerson.length === 0) return null;
  return (
    <section aria-labelledby="by-person" className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
      <h2 id="by-person" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
        Decisions by person
      </h2>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="decisions-by-person">
          <thead className="bg-slate-50">
            <tr>
              <Th>Person</Th>
              <Th className="text-right">Total</Th>
              {outcomes.map((o) => (
                <Th key={o} className="text-right">
                  {o}
                </Th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.decisions.byPerson.map((p) => (
              <tr key={p.deciderId || "system"}>
                <td className="px-3 py-2 text-slate-900">{p.name}</td>
                <td className="px-3 py-2 text-right">
                  <NumLink href={tasksHref(scope, { decidedBy: p.deciderId })}>{p.total}</NumLink>
                </td>
                {outcomes.map((o) => (
                  <td key={o} className="px-3 py-2 text-right">
                    {p.byOutcome[o] ? <NumLink href={tasksHref(scope, { decidedBy: p.deciderId, outcome: o })}>{p.byOutcome[o]}</NumLink> : <span className="text-slate-400">0</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
