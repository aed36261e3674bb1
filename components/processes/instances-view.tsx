"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import clsx from "clsx";
import { ListChecks } from "lucide-react";
import { format } from "date-fns";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { INSTANCE_STATUSES, type InstanceSummaryDto } from "@/lib/engine/schemas";
import { useInstances } from "./queries";
import { StatusBadge } from "./status-badge";

const DRILL_DOWN_KEYS = ["version", "startedFrom", "startedTo", "endedFrom", "endedTo", "step", "stepStatus", "rework"] as const;

/** "version 2 · ended 2026-10-28 – 2026-11-26 · reworked" (the window's `to` is exclusive). */
function describeDrillDown(d: Record<string, string>): string {
  const last = (to: string) => new Date(new Date(`${to}T00:00:00Z`).getTime() - 86_400_000).toISOString().slice(0, 10);
  const parts: string[] = [];
  if (d.version) parts.push(`version ${d.version}`);
  if (d.step) parts.push(`step ${d.step}${d.stepStatus ? ` ${d.stepStatus.toLowerCase()}` : ""}`);
  else if (d.stepStatus) parts.push(`a step ${d.stepStatus.toLowerCase()}`);
  if (d.startedFrom || d.startedTo) parts.push(`started ${d.startedFrom ?? "…"} – ${d.startedTo ? last(d.startedTo) : "…"}`);
  if (d.endedFrom || d.endedTo) parts.push(`${d.step || d.stepStatus ? "step ended" : "ended"} ${d.endedFrom ?? "…"} – ${d.endedTo ? last(d.endedTo) : "…"}`);
  if (d.rework) parts.push("reworked (looped back or information requested)");
  return parts.join(" · ");
}

const COLUMNS: DataColumn<InstanceSummaryDto>[] = [
  {
    id: "instance",
    header: "Instance",
    cell: ({ row: { original: i } }) => (
      <Link href={`/processes/instances/${i.id}`} className="font-medium text-indigo-700 hover:underline">
        {i.businessKey ?? i.id.slice(-8)}
      </Link>
    ),
  },
  {
    id: "process",
    header: "Process",
    meta: { className: "text-slate-700" },
    cell: ({ row: { original: i } }) => (
      <>
        {i.process.name} <span className="text-slate-500">v{i.process.version}</span>
      </>
    ),
  },
  {
    id: "state",
    header: "State",
    cell: ({ row: { original: i } }) => (
      <>
        <StatusBadge status={i.status} />
        {i.error && (
          <p className="mt-0.5 max-w-xs truncate text-xs text-red-700" title={i.error}>
            {i.error}
          </p>
        )}
      </>
    ),
  },
  { id: "step", header: "At step", meta: { className: "text-slate-700" }, cell: ({ row: { original: i } }) => <code>{i.currentStepId ?? "—"}</code> },
  {
    id: "started",
    header: "Started",
    meta: { className: "text-slate-600" },
    cell: ({ row: { original: i } }) => (
      <>
        {format(new Date(i.startedAt), "d MMM HH:mm:ss")}
        {i.startedByName && <> · {i.startedByName}</>}
      </>
    ),
  },
];

export function InstancesView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const status = params.get("status") ?? "";
  const process = params.get("process") ?? "";
  // Drill-down filters from the dashboard (kept when the state filter changes).
  const drill = Object.fromEntries(DRILL_DOWN_KEYS.map((k) => [k, params.get(k) ?? ""]).filter(([, v]) => v)) as Record<string, string>;
  const instances = useInstances({ status, process, ...drill });
  const href = (s: string, keepDrill = true) => {
    const q = new URLSearchParams();
    if (s) q.set("status", s);
    if (process) q.set("process", process);
    if (keepDrill) for (const [k, v] of Object.entries(drill)) q.set(k, v);
    const qs = q.toString();
    return qs ? `${pathname}?${qs}` : pathname;
  };
  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <p className="text-sm">
        <Link href="/processes" className="text-indigo-700 hover:underline">
          ← Processes
        </Link>
      </p>
      <h1 className="mb-4 text-xl font-semibold text-slate-900">
        Instances{process && <> of <code>{process}</code></>}
      </h1>
      {Object.keys(drill).length > 0 && (
        <p className="mb-3 flex flex-wrap items-center gap-2 rounded-lg bg-indigo-50 px-3 py-2 text-sm text-indigo-950 ring-1 ring-indigo-200" data-testid="drill-down">
          <span className="font-medium">From the dashboard:</span>
          {describeDrillDown(drill)}
          <button type="button" onClick={() => router.replace(href(status, false))} className="ml-auto font-medium text-indigo-700 hover:underline">
            Clear
          </button>
        </p>
      )}
      <nav aria-label="Filter by state" className="mb-4 flex flex-wrap gap-1">
        {["", ...INSTANCE_STATUSES].map((s) => (
          <button
            key={s || "all"}
            type="button"
            onClick={() => router.replace(href(s))}
            aria-pressed={status === s}
            className={clsx(
              "rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset",
              status === s ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50",
            )}
          >
            {s ? s.charAt(0) + s.slice(1).toLowerCase() : "All"}
          </button>
        ))}
      </nav>
      <section className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
        <DataTable
          label="Process instances"
          testId="instances-table"
          columns={COLUMNS}
          data={instances.data?.data}
          getRowId={(i) => i.id}
          {...queryState(instances, "instances")}
          empty={
            <EmptyState icon={<ListChecks aria-hidden className="size-6" />} title="No instances here">
              {status ? "None in this state." : "Start one from the process list, or send an event."}
            </EmptyState>
          }
          minWidth="min-w-[720px]"
        />
      </section>
    </main>
  );
}
