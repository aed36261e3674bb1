"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Play, Upload, Workflow } from "lucide-react";
import { format } from "date-fns";
import { api, ApiError } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Input, Textarea } from "@/components/ui/input";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import type { ProcessSummaryDto, ProcessVersionDto } from "@/lib/processes/schemas";
import type { InstanceDto } from "@/lib/engine/schemas";
import { processKeys, useProcesses } from "./queries";
import { StatusBadge } from "./status-badge";

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

function counts(c: Record<string, number>) {
  const order = ["RUNNING", "WAITING", "FAILED", "COMPLETED", "CANCELLED"];
  const parts = order.filter((s) => c[s]).map((s) => `${c[s]} ${s.toLowerCase()}`);
  return parts.length ? parts.join(" · ") : "no instances";
}

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
      <div className="grid gap-6 lg:grid-cols-[1fr_24rem]">
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
              {counts(process.instanceCounts)}
            </Link>
          </p>
        </div>
        <Button size="sm" variant="primary" disabled={process.activeVersion === null} onClick={() => setStarting((s) => !s)} aria-expanded={starting}>
          <Play aria-hidden className="size-4" /> Start instance
        </Button>
      </header>
      {starting && <StartInstance processKey={process.key} onDone={() => setStarting(false)} />}
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Versions of {process.name}</caption>
        <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-4 py-2">Version</th>
            <th scope="col" className="px-4 py-2">Status</th>
            <th scope="col" className="px-4 py-2">Published</th>
            <th scope="col" className="px-4 py-2">Instances</th>
            <th scope="col" className="px-4 py-2"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {process.versions.map((v) => (
            <VersionRow key={v.id} version={v} />
          ))}
        </tbody>
      </table>
    </article>
  );
}

function VersionRow({ version }: { version: ProcessVersionDto }) {
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const deprecate = useMutation({
    mutationFn: () => api<ProcessVersionDto>(`/api/v1/processes/${version.key}/versions/${version.version}/deprecate`, { method: "POST", body: {} }),
    onSuccess: () => {
      announce(`Version ${version.version} deprecated`);
      void qc.invalidateQueries({ queryKey: processKeys.list });
    },
  });
  return (
    <tr>
      <td className="px-4 py-2 font-medium">
        <Link href={`/processes/${encodeURIComponent(version.key)}?version=${version.version}`} className="text-indigo-700 hover:underline">
          v{version.version}
          <span className="sr-only"> diagram</span>
        </Link>
      </td>
      <td className="px-4 py-2"><StatusBadge status={version.status} /></td>
      <td className="px-4 py-2 text-slate-600">
        {format(new Date(version.createdAt), "d MMM yyyy HH:mm")} {version.createdByName && <>by {version.createdByName}</>}
      </td>
      <td className="px-4 py-2 text-slate-600">{counts(version.instanceCounts)}</td>
      <td className="px-4 py-2 text-right">
        {version.status === "ACTIVE" && (
          <Button size="sm" variant="ghost" loading={deprecate.isPending} onClick={() => deprecate.mutate()}>
            Deprecate
          </Button>
        )}
        {deprecate.isError && <p className="text-xs text-red-700">{deprecate.error.message}</p>}
      </td>
    </tr>
  );
}

function StartInstance({ processKey, onDone }: { processKey: string; onDone: () => void }) {
  const qc = useQueryClient();
  const [variables, setVariables] = useState("{\n  \n}");
  const [businessKey, setBusinessKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<InstanceDto | null>(null);
  const start = useMutation({
    mutationFn: (body: unknown) => api<InstanceDto>(`/api/v1/processes/${processKey}/instances`, { method: "POST", body }),
    onSuccess: (i) => {
      setStarted(i);
      void qc.invalidateQueries({ queryKey: processKeys.list });
    },
    onError: (e) => setError(e.message),
  });
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
    start.mutate({ variables: vars, ...(businessKey ? { businessKey } : {}) });
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
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const fileRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(SAMPLE);
  const [errors, setErrors] = useState<{ path: string; message: string }[]>([]);
  const [summary, setSummary] = useState<string | null>(null);
  const [published, setPublished] = useState<ProcessVersionDto | null>(null);
  const upload = useMutation({
    mutationFn: async (document: string) => api<ProcessVersionDto>("/api/v1/processes", { method: "POST", body: { document } }),
    onSuccess: (v) => {
      setErrors([]);
      setSummary(null);
      setPublished(v);
      announce(`Published ${v.key} version ${v.version}`);
      void qc.invalidateQueries({ queryKey: processKeys.list });
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
          upload.mutate(text);
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
