import Link from "next/link";
import type { ReactNode } from "react";
import clsx from "clsx";
import { TriangleAlert } from "lucide-react";
import { formatMs, formatRate } from "@/lib/kpi/format";
import type { ProcessKpis } from "@/lib/kpi/schemas";
import { endedInstancesHref, startedInstancesHref, tasksHref, type Scope } from "./links";

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
    <Link href={href} data-testid={testId} className={clsx(cls, "hover:ring-indigo-300 focus-visible:outline-2 focus-visible:outline-indigo-600")}>
      {body}
      <span className="sr-only">Show the items behind it</span>
    </Link>
  ) : (
    <div className={cls} data-testid={testId}>
      {body}
    </div>
  );
}

export function KpiTiles({ kpis, scope }: { kpis: ProcessKpis; scope: Scope }) {
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

export function BottleneckCallout({ text }: { text: string }) {
  return (
    <p data-testid="bottleneck" className="flex items-start gap-2 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-200">
      <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-amber-700" />
      <span>
        <strong>Bottleneck.</strong> {text}
      </span>
    </p>
  );
}

