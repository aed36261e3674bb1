"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Split } from "lucide-react";
import { ApiError } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { formatMs, formatRate } from "@/lib/kpi/format";
import type { ProcessDashboard, ProcessKpis } from "@/lib/kpi/schemas";
import { endedInstancesHref, type Scope } from "./links";
import { useSplitMutation } from "./queries";

const ROWS: { label: string; value: (k: ProcessKpis) => string; better?: (k: ProcessKpis) => number | null; lowerIsBetter?: boolean }[] = [
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
      <div className="grid gap-6 p-4 lg:grid-cols-[1fr_20rem]">
        {a !== undefined && b !== undefined && a !== b && kA && kB ? (
          <table className="w-full text-left text-sm" data-testid="version-table">
            <thead>
              <tr className="text-xs tracking-wide text-slate-600 uppercase">
                <th scope="col" className="py-1.5 font-medium">Figure</th>
                <th scope="col" className="py-1.5 text-right font-medium">
                  <Link href={endedInstancesHref({ ...scope, process: process.key, version: a })} className="text-indigo-700 hover:underline">
                    Version {a}
                  </Link>
                </th>
                <th scope="col" className="py-1.5 text-right font-medium">
                  <Link href={endedInstancesHref({ ...scope, process: process.key, version: b })} className="text-indigo-700 hover:underline">
                    Version {b}
                  </Link>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {ROWS.map((r) => {
                const va = r.better?.(kA) ?? null;
                const vb = r.better?.(kB) ?? null;
                const winner = va !== null && vb !== null && va !== vb ? ((va < vb) === !!r.lowerIsBetter ? "a" : "b") : null;
                return (
                  <tr key={r.label}>
                    <th scope="row" className="py-1.5 font-normal text-slate-700">{r.label}</th>
                    <td className={`py-1.5 text-right tabular-nums ${winner === "a" ? "font-semibold text-emerald-800" : "text-slate-900"}`}>{r.value(kA)}</td>
                    <td className={`py-1.5 text-right tabular-nums ${winner === "b" ? "font-semibold text-emerald-800" : "text-slate-900"}`}>{r.value(kB)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-slate-600">Only one version has figures in this period. Publish a new version and split starts between them to compare.</p>
        )}
        {canManage ? <SplitForm process={process} /> : process.split ? <p className="text-sm text-slate-600">An admin can change the split on this page.</p> : null}
      </div>
    </section>
  );
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
