"use client";

import Link from "next/link";
import { format } from "date-fns";
import { JsonBlock } from "@/components/ui/json-block";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import type { ProcessDocument } from "@/lib/processes/schemas";
import { instanceCounts } from "./format";
import { MigrationPanel } from "./migration-panel";
import { ProcessDiagram } from "./process-diagram";
import { useProcess } from "./queries";
import { StatusBadge } from "./status-badge";

export function ProcessView({ processKey, version }: { processKey: string; version: number | null }) {
  const process = useProcess(processKey, version);
  if (process.isPending)
    return (
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6" aria-busy="true">
        <Skeleton className="mb-4 h-10 w-80" />
        <Skeleton className="h-96" />
      </main>
    );
  if (process.isError)
    return (
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">
        <LoadError what="this process" error={process.error} onRetry={() => process.refetch()} />
      </main>
    );
  const p = process.data;
  const shown = p.versions.find((v) => v.version === p.documentVersion)!;
  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <p className="text-sm">
        <Link href="/processes" className="text-indigo-700 hover:underline">
          ← Processes
        </Link>
      </p>
      <header className="mt-1 mb-4 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{p.name}</h1>
          <p className="text-sm text-slate-600">
            <code>{p.key}</code> ·{" "}
            <Link className="text-indigo-700 hover:underline" href={`/processes/instances?process=${encodeURIComponent(p.key)}`}>
              {instanceCounts(p.instanceCounts)}
            </Link>
          </p>
        </div>
      </header>
      <nav aria-label="Versions" className="mb-4 flex flex-wrap gap-2">
        {[...p.versions].reverse().map((v) => {
          const current = v.version === p.documentVersion;
          return (
            <Link
              key={v.id}
              href={`/processes/${encodeURIComponent(p.key)}?version=${v.version}`}
              aria-current={current ? "page" : undefined}
              className={`rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset ${current ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"}`}
            >
              v{v.version}
              {v.status === "DEPRECATED" && <span className={current ? "text-indigo-100" : "text-slate-500"}> (deprecated)</span>}
            </Link>
          );
        })}
      </nav>
      <section aria-labelledby="diagram-heading" className="mb-6 rounded-xl bg-white p-4 ring-1 ring-slate-200">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="diagram-heading" className="font-semibold text-slate-900">
            Version {shown.version} <StatusBadge status={shown.status} />
          </h2>
          <p className="text-xs text-slate-600">
            Published {format(new Date(shown.createdAt), "d MMM yyyy HH:mm")} by {shown.createdByName} · {instanceCounts(shown.instanceCounts)}
          </p>
        </div>
        <ProcessDiagram document={p.document as unknown as ProcessDocument} label={`Diagram of ${p.name} version ${shown.version}`} />
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer font-medium text-slate-700">Definition document</summary>
          <JsonBlock value={p.document} label="Definition document (JSON)" className="mt-2 max-h-96 rounded bg-slate-50 p-3 text-slate-800" />
        </details>
      </section>
      {p.versions.length > 1 && <MigrationPanel process={p} />}
    </main>
  );
}
