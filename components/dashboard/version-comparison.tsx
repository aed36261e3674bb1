"use client";

import Link from "next/link";
import { useMemo, useState, type FormEvent } from "react";
import clsx from "clsx";
import { Split } from "lucide-react";
import { ApiError } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { Input, Select } from "@/components/ui/input";
import { formatMs, formatRate } from "@/lib/kpi/format";
import type { ProcessDashboard, ProcessKpis } from "@/lib/kpi/schemas";
import { endedInstancesHref, type Scope } from "./links";
import { useSplitMutation } from "./queries";

interface Figure {
  label: string;
  value: (k: ProcessKpis) => string;
  better?: (k: ProcessKpis) => number | null;
  lowerIsBetter?: boolean;
}

const ROWS: Figure[] = [
  { label: "Started", value: (k) => String(k.started) },
  { label: "Completed", value: (k) => String(k.completed) },
  { label: "Cycle time p50", value: (k) => formatMs(k.cycleTime.p50Ms), better: (k) => k.cycleTime.p50Ms, lowerIsBetter: true },
  { label: "Cycle time p90", value: (k) => formatMs(k.cycleTime.p90Ms), better: (k) => k.cycleTime.p90Ms, lowerIsBetter: true },
  { label: "Time to first action p50", value: (k) => formatMs(k.firstAction.p50Ms), better: (k) => k.firstAction.p50Ms, lowerIsBetter: true },
  { label: "SLA breached", value: (k) => formatRate(k.slaBreach.rate), better: (k) => k.slaBreach.rate, lowerIsBetter: true },
  { label: "Automated step errors", value: (k) => formatRate(k.automatedErrors.rate), better: (k) => k.automatedErrors.rate, lowerIsBetter: true },
  { label: "Rework", value: (k) => formatRate(k.rework.rate), better: (k) => k.rework.rate, lowerIsBetter: true },
  { label: "Escalated", value: (k) => formatRate(k.escalation.rate), better: (k) => k.escalation.rate, lowerIsBetter: true },
];

/** Two versions side by side (the A/B split's, else the newest two), and the split editor for admins. */
export function VersionComparison({ process, scope, canManage }: { process: ProcessDashboard; scope: Scope; canManage: boolean }) {
  const versions = process.versions;
  const a = process.split?.versionA ?? versions[1]?.version ?? versions[0]?.version;
  const b = process.split?.versionB ?? versions[0]?.version;
  const kA = versions.find((v) => v.version === a)?.kpis;
  const kB = versions.find((v) => v.version === b)?.kpis;
  return (
    <section aria-labelledby="versions" className="rounded-xl bg-white ring-1 ring-slate-200" data-testid="version-comparison">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <h2 id="versions" className="text-sm font-semibold text-slate-900">
          Versions compared {process.split && <span className="font-normal text-slate-600">— A/B split {100 - process.split.percentB} / {process.split.percentB}</span>}
        </h2>
      </div>
      <div className="grid gap-6 p-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
        {a !== undefined && b !== undefined && a !== b && kA && kB ? (
          <Comparison process={process} scope={scope} a={a} b={b} kA={kA} kB={kB} />
        ) : (
          <p className="text-sm text-slate-600">Only one version has figures in this period. Publish a new version and split starts between them to compare.</p>
        )}
        {canManage ? <SplitForm process={process} /> : process.split ? <p className="text-sm text-slate-600">An admin can change the split on this page.</p> : null}
      </div>
    </section>
  );
}

/** Which of the two versions does better on a figure (null: a tie, or not comparable). */
function winner(r: Figure, kA: ProcessKpis, kB: ProcessKpis): "a" | "b" | null {
  const va = r.better?.(kA) ?? null;
  const vb = r.better?.(kB) ?? null;
  return va !== null && vb !== null && va !== vb ? ((va < vb) === !!r.lowerIsBetter ? "a" : "b") : null;
}

function Comparison({ process, scope, a, b, kA, kB }: { process: ProcessDashboard; scope: Scope; a: number; b: number; kA: ProcessKpis; kB: ProcessKpis }) {
  const columns = useMemo<DataColumn<Figure>[]>(() => {
    const version = (side: "a" | "b", v: number, k: ProcessKpis): DataColumn<Figure> => ({
      id: side,
      header: () => (
        <Link href={endedInstancesHref({ ...scope, process: process.key, version: v })} className="text-indigo-700 hover:underline">
          Version {v}
        </Link>
      ),
      meta: { align: "right" },
      cell: ({ row: { original: r } }) => <span className={clsx(winner(r, kA, kB) === side ? "font-semibold text-emerald-800" : "text-slate-900")}>{r.value(k)}</span>,
    });
    return [{ id: "figure", header: "Figure", accessorFn: (r) => r.label, meta: { rowHeader: true, className: "text-slate-700" } }, version("a", a, kA), version("b", b, kB)];
  }, [process.key, scope, a, b, kA, kB]);
  return <DataTable label={`Version ${a} and version ${b} compared`} testId="version-table" columns={columns} data={ROWS} getRowId={(r) => r.label} density="compact" headerStyle="plain" />;
}

function SplitForm({ process }: { process: ProcessDashboard }) {
  const split = useSplitMutation(process.key);
  const { announce, alert } = useAnnouncer();
  const known = process.versions.map((v) => v.version);
  const [versionA, setA] = useState(String(process.split?.versionA ?? known[1] ?? 1));
  const [versionB, setB] = useState(String(process.split?.versionB ?? known[0] ?? 2));
  const [percentB, setPct] = useState(String(process.split?.percentB ?? 10));
  const errors = split.error instanceof ApiError ? split.error.fieldErrors() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    split.mutate(
      { versionA: Number(versionA), versionB: Number(versionB), percentB: Number(percentB) },
      { onSuccess: () => announce(`New instances of ${process.name}: ${100 - Number(percentB)} % on version ${versionA}, ${percentB} % on version ${versionB}.`), onError: (err) => alert(err.message) },
    );
  };
  const options = Array.from(new Set([...known, Number(versionA), Number(versionB)])).sort((x, y) => y - x);
  return (
    <form onSubmit={submit} className="space-y-3 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200" aria-labelledby="split-title" data-testid="split-form">
      <p id="split-title" className="flex items-center gap-1.5 text-sm font-semibold text-slate-900">
        <Split aria-hidden className="size-4" /> A/B split of new instances
      </p>
      <div className="grid grid-cols-2 gap-2">
        <Select label="Version A" value={versionA} onChange={(e) => setA(e.target.value)} error={errors.versionA}>
          {options.map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </Select>
        <Select label="Version B" value={versionB} onChange={(e) => setB(e.target.value)} error={errors.versionB}>
          {options.map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </Select>
      </div>
      <Input label="Share to version B (%)" type="number" min={0} max={100} step={1} value={percentB} onChange={(e) => setPct(e.target.value)} error={errors.percentB} hint="Versions must be active; both keep running instances." />
      {split.isError && !Object.keys(errors).length && <p className="text-sm text-red-700">{split.error.message}</p>}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="primary" size="sm" loading={split.isPending}>
          {process.split ? "Update split" : "Start split"}
        </Button>
        {process.split && (
          <Button
            variant="danger"
            size="sm"
            disabled={split.isPending}
            onClick={() => split.mutate(null, { onSuccess: () => announce(`Split removed: new instances of ${process.name} start on the newest version.`), onError: (err) => alert(err.message) })}
          >
            Stop split
          </Button>
        )}
      </div>
    </form>
  );
}
