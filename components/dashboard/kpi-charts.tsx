"use client";

import Link from "next/link";
import { useMemo, type ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, type YAxisProps } from "recharts";
import type { KpiDashboard } from "@/lib/kpi/schemas";
import { tasksHref, type Scope } from "./links";

const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / 3_600_000) * 10) / 10);
const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);
const AXIS = { fontSize: 12, fill: "#475569" };
const MARGIN = { top: 4, right: 8, bottom: 0, left: -16 };

type Point = ReturnType<typeof toPoints>[number];

function toPoints(series: KpiDashboard["series"]) {
  return series.map((p) => ({
    day: p.day.slice(5),
    started: p.started,
    completed: p.completed,
    failed: p.failed,
    p50: hours(p.cycleP50Ms),
    p90: hours(p.cycleP90Ms),
    p99: hours(p.cycleP99Ms),
    breach: pct(p.slaBreachRate),
    errors: pct(p.errorRate),
  }));
}

/**
 * A chart with its title; screen readers get the summary in words. The chart itself is hidden from
 * them, so it must not take keyboard focus either (recharts' accessibilityLayer is off).
 */
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

/** Day-by-day lines of some of the series. */
function LinesChart({ data, lines, yDomain }: { data: Point[]; lines: { key: keyof Point; name: string; color: string; dashed?: boolean }[]; yDomain?: YAxisProps["domain"] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={MARGIN} accessibilityLayer={false}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="day" tick={AXIS} interval="preserveStartEnd" />
        <YAxis tick={AXIS} domain={yDomain} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {lines.map((l) => (
          <Line key={l.key} dataKey={l.key} name={l.name} stroke={l.color} strokeWidth={l.dashed ? 1.5 : 2} strokeDasharray={l.dashed ? "4 3" : undefined} dot={false} connectNulls />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

export function Charts({ data, scope }: { data: KpiDashboard; scope: Scope }) {
  const series = useMemo(() => toPoints(data.series), [data.series]);
  const outcomes = data.decisions.byOutcome;
  const total = (k: "started" | "completed" | "failed") => data.series.reduce((n, p) => n + p[k], 0);
  return (
    <section aria-label="Charts" className="grid gap-4 lg:grid-cols-2">
      <ChartCard testId="chart-throughput" title="Throughput a day" summary={`${total("completed")} completed, ${total("started")} started, ${total("failed")} failed in the period.`}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={series} margin={MARGIN} accessibilityLayer={false}>
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
        <LinesChart
          data={series}
          lines={[
            { key: "p50", name: "p50", color: "#4f46e5" },
            { key: "p90", name: "p90", color: "#d97706" },
            { key: "p99", name: "p99", color: "#dc2626", dashed: true },
          ]}
        />
      </ChartCard>
      <ChartCard testId="chart-rates" title="SLA breach and automated error rate (%)" summary="Share of tasks decided after their due time, and of automated step runs that failed, each day.">
        <LinesChart
          data={series}
          yDomain={[0, "auto"]}
          lines={[
            { key: "breach", name: "SLA breached", color: "#d97706" },
            { key: "errors", name: "Step errors", color: "#dc2626" },
          ]}
        />
      </ChartCard>
      <figure className="rounded-xl bg-white p-4 ring-1 ring-slate-200" data-testid="chart-decisions">
        <figcaption className="mb-2 text-sm font-semibold text-slate-900">Decisions by outcome</figcaption>
        {outcomes.length === 0 ? (
          <p className="py-16 text-center text-sm text-slate-600">No decisions in this period.</p>
        ) : (
          <>
            <div className="h-44" aria-hidden>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={outcomes} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 24 }} accessibilityLayer={false}>
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
