"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { Play, Upload, Workflow } from "lucide-react";
import { format } from "date-fns";
import { ApiError } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { Input, Textarea } from "@/components/ui/input";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import type { ProcessSummaryDto, ProcessVersionDto } from "@/lib/processes/schemas";
import type { InstanceDto } from "@/lib/engine/schemas";
import { useDeprecateVersion, useProcesses, usePublishProcess, useStartInstance } from "./queries";
import { StatusBadge } from "./status-badge";
import { instanceCounts } from "./format";

const SAMPLE = `key: refund-approval
name: Refund above threshold
steps:
  - id: approve
    kind: human
    title: "Refund {{amount}} EUR to {{customer}}"
    context: [customer, amount, reason]
    candidateGroup: accounts-payable
    due: PT8H
    next: { approve: done, reject: done }
  - id: done
    kind: end
`;

export function ProcessesView() {
  const processes = useProcesses();
  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Processes</h1>
          <p className="text-sm text-slate-600">Versioned definitions. New instances start on the newest active version; running ones keep theirs.</p>
        </div>
        <Link href="/processes/instances" className="text-sm font-medium text-indigo-700 hover:underline">
          All instances →
        </Link>
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <section aria-labelledby="process-list" className="space-y-4">
          <h2 id="process-list" className="sr-only">
            Process definitions
          </h2>
          {processes.isPending && (
            <div className="space-y-3" aria-busy="true" aria-label="Loading processes">
              <Skeleton className="h-24" />
              <Skeleton className="h-24" />
            </div>
          )}
          {processes.isError && (
            <LoadError what="processes" error={processes.error} onRetry={() => processes.refetch()} />
          )}
          {processes.data?.data.length === 0 && (
            <EmptyState icon={<Workflow aria-hidden className="size-6" />} title="No processes yet">
              Upload a definition to publish version 1.
            </EmptyState>
          )}
          {processes.data?.data.map((p) => <ProcessCard key={p.key} process={p} />)}
        </section>
        <UploadDefinition />
      </div>
    </main>
  );
}

function ProcessCard({ process }: { process: ProcessSummaryDto }) {
  const [starting, setStarting] = useState(false);
  return (
    <article className="rounded-xl bg-white ring-1 ring-slate-200" data-testid={`process-${process.key}`}>
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-100 px-4 py-3">
        <div>
          <h3 className="font-semibold text-slate-900">
            <Link href={`/processes/${encodeURIComponent(process.key)}`} className="hover:underline">
              {process.name}
            </Link>
          </h3>
          <p className="text-xs text-slate-500">
            <code>{process.key}</code>
            {process.startOn.length > 0 && <> · starts on {process.startOn.map((t) => <code key={t} className="mx-0.5">{t}</code>)}</>}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            <Link className="text-indigo-700 hover:underline" href={`/processes/instances?process=${encodeURIComponent(process.key)}`}>
              {instanceCounts(process.instanceCounts)}
            </Link>
          </p>
        </div>
        <Button size="sm" variant="primary" disabled={process.activeVersion === null} onClick={() => setStarting((s) => !s)} aria-expanded={starting}>
          <Play aria-hidden className="size-4" /> Start instance
        </Button>
      </header>
      {starting && <StartInstance processKey={process.key} onDone={() => setStarting(false)} />}
      <DataTable
        label={`Versions of ${process.name}`}
        columns={VERSION_COLUMNS}
        data={process.versions}
        getRowId={(v) => v.id}
        rowActions={(v) => <DeprecateButton version={v} />}
        density="compact"
      />
    </article>
  );
}

const VERSION_COLUMNS: DataColumn<ProcessVersionDto>[] = [
  {
    id: "version",
    header: "Version",
    cell: ({ row: { original: v } }) => (
      <Link href={`/processes/${encodeURIComponent(v.key)}?version=${v.version}`} className="font-medium text-indigo-700 hover:underline">
        v{v.version}
        <span className="sr-only"> diagram</span>
      </Link>
    ),
  },
  { id: "status", header: "Status", cell: ({ row: { original: v } }) => <StatusBadge status={v.status} /> },
  {
    id: "published",
    header: "Published",
    meta: { className: "text-slate-600" },
    cell: ({ row: { original: v } }) => (
      <>
        {format(new Date(v.createdAt), "d MMM yyyy HH:mm")} {v.createdByName && <>by {v.createdByName}</>}
      </>
    ),
  },
  { id: "instances", header: "Instances", meta: { className: "text-slate-600" }, cell: ({ row: { original: v } }) => instanceCounts(v.instanceCounts) },
];

function DeprecateButton({ version }: { version: ProcessVersionDto }) {
  const deprecate = useDeprecateVersion();
  const { announce } = useAnnouncer();
  if (version.status !== "ACTIVE") return null;
  return (
    <span className="text-right">
      <Button size="sm" variant="ghost" loading={deprecate.isPending} onClick={() => deprecate.mutate(version, { onSuccess: () => announce(`Version ${version.version} deprecated`) })}>
        Deprecate<span className="sr-only"> v{version.version}</span>
      </Button>
      {deprecate.isError && <p className="text-xs text-red-700">{deprecate.error.message}</p>}
    </span>
  );
}

function StartInstance({ processKey, onDone }: { processKey: string; onDone: () => void }) {
  const [variables, setVariables] = useState("{\n  \n}");
  const [businessKey, setBusinessKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<InstanceDto | null>(null);
  const start = useStartInstance(processKey);
  function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    let vars: unknown;
    try {
      vars = JSON.parse(variables || "{}");
    } catch {
      setError("Variables must be a JSON object.");
      return;
    }
    start.mutate({ variables: vars, ...(businessKey ? { businessKey } : {}) }, { onSuccess: setStarted, onError: (err) => setError(err.message) });
  }
  return (
    <form onSubmit={submit} className="space-y-3 border-b border-slate-100 bg-slate-50/60 px-4 py-3" aria-label={`Start ${processKey}`}>
      <Textarea label="Variables (JSON)" rows={4} value={variables} onChange={(e) => setVariables(e.target.value)} className="font-mono" error={error} />
      <Input label="Business key (optional)" value={businessKey} onChange={(e) => setBusinessKey(e.target.value)} placeholder="e.g. INV-4450" />
      <div className="flex items-center gap-2">
        <Button type="submit" variant="primary" size="sm" loading={start.isPending}>
          Start
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Close
        </Button>
        {started && (
          <Link className="text-sm font-medium text-indigo-700 hover:underline" href={`/processes/instances/${started.id}`}>
            Started — open instance
          </Link>
        )}
      </div>
    </form>
  );
}

function UploadDefinition() {
  const { announce } = useAnnouncer();
  const fileRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(SAMPLE);
  const [errors, setErrors] = useState<{ path: string; message: string }[]>([]);
  const [summary, setSummary] = useState<string | null>(null);
  const [published, setPublished] = useState<ProcessVersionDto | null>(null);
  const upload = usePublishProcess();
  const publish = () =>
    upload.mutate(text, {
      onSuccess: (v) => {
        setErrors([]);
        setSummary(null);
        setPublished(v);
        announce(`Published ${v.key} version ${v.version}`);
      },
      onError: (e) => {
        setPublished(null);
        setSummary(e.message);
        setErrors(e instanceof ApiError ? (e.problem.errors ?? []) : []);
      },
    });
  return (
    <section aria-labelledby="upload-heading" className="h-fit rounded-xl bg-white p-4 ring-1 ring-slate-200">
      <h2 id="upload-heading" className="mb-1 font-semibold text-slate-900">
        Publish a definition
      </h2>
      <p className="mb-3 text-xs text-slate-500">YAML or JSON. Publishing the same key again creates the next version.</p>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          publish();
        }}
      >
        <Textarea label="Definition" rows={16} value={text} onChange={(e) => setText(e.target.value)} className="font-mono text-xs" spellCheck={false} />
        <div>
          <label className="text-sm font-medium text-slate-800" htmlFor="definition-file">
            …or load a file
          </label>
          <input
            ref={fileRef}
            id="definition-file"
            type="file"
            accept=".yaml,.yml,.json,application/json,application/yaml"
            className="mt-1 block w-full text-sm text-slate-600"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) setText(await f.text());
            }}
          />
        </div>
        <Button type="submit" variant="primary" loading={upload.isPending}>
          <Upload aria-hidden className="size-4" /> Publish
        </Button>
      </form>
      <div aria-live="polite">
        {published && (
          <p className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="publish-result">
            Published <strong>{published.key}</strong> v{published.version}.
          </p>
        )}
        {summary && (
          <div className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="publish-errors">
            <p className="font-medium">{summary}</p>
            {errors.length > 1 && (
              <ul className="mt-1 list-disc pl-5">
                {errors.map((er, i) => (
                  <li key={i}>
                    {er.message} <span className="text-xs text-red-600">({er.path})</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
