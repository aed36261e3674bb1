"use client";

import Link from "next/link";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ArrowRightLeft, Search } from "lucide-react";
import { format } from "date-fns";
import { api } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { Dialog, useDialogClose } from "@/components/ui/dialog";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import type { ProcessDetailDto, ProcessDocument } from "@/lib/processes/schemas";
import type { MigrationPreview, MigrationResult } from "@/lib/engine/migration-schemas";
import { ProcessDiagram } from "./process-diagram";
import { processKeys, useProcess } from "./queries";
import { StatusBadge } from "./status-badge";

function counts(c: Record<string, number>) {
  const order = ["RUNNING", "WAITING", "FAILED", "COMPLETED", "CANCELLED"];
  const parts = order.filter((s) => c[s]).map((s) => `${c[s]} ${s.toLowerCase()}`);
  return parts.length ? parts.join(" · ") : "no instances";
}

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
              {counts(p.instanceCounts)}
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
            Published {format(new Date(shown.createdAt), "d MMM yyyy HH:mm")} by {shown.createdByName} · {counts(shown.instanceCounts)}
          </p>
        </div>
        <ProcessDiagram document={p.document as unknown as ProcessDocument} label={`Diagram of ${p.name} version ${shown.version}`} />
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer font-medium text-slate-700">Definition document</summary>
          <pre className="mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs text-slate-800">{JSON.stringify(p.document, null, 2)}</pre>
        </details>
      </section>
      {p.versions.length > 1 && <MigrationPanel process={p} />}
    </main>
  );
}

function MigrationPanel({ process }: { process: ProcessDetailDto }) {
  const targets = process.versions.filter((v) => v.status === "ACTIVE" && v.version > Math.min(...process.versions.map((x) => x.version)));
  const [target, setTarget] = useState<number | null>(targets[0]?.version ?? null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<MigrationResult | null>(null);
  const preview = useMutation({
    mutationFn: (t: number) => api<MigrationPreview>(`/api/v1/processes/${encodeURIComponent(process.key)}/migrations/preview`, { method: "POST", body: { targetVersion: t } }),
    onSuccess: (p) => setSelected(new Set(p.data.filter((c) => c.canMove).map((c) => c.instanceId))),
  });
  const data = preview.data?.targetVersion === target ? preview.data : null;
  const movable = data?.data.filter((c) => c.canMove) ?? [];
  const picked = movable.filter((c) => selected.has(c.instanceId));
  return (
    <section aria-labelledby="migrate-heading" className="rounded-xl bg-white p-4 ring-1 ring-slate-200" data-testid="migration-panel">
      <h2 id="migrate-heading" className="font-semibold text-slate-900">
        Move instances to a newer version
      </h2>
      <p className="mb-3 text-sm text-slate-600">
        Running, waiting and failed instances on older versions can move when the steps they are at exist in the target version. Preview first: nothing changes until you confirm, and each move is audited.
      </p>
      {targets.length === 0 ? (
        <p className="text-sm text-slate-600">No active newer version to move instances to.</p>
      ) : (
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            setResult(null);
            if (target) preview.mutate(target);
          }}
        >
          <Select label="Target version" value={target ?? ""} onChange={(e) => setTarget(Number(e.target.value))} className="w-40">
            {targets.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </Select>
          <Button type="submit" loading={preview.isPending}>
            <Search aria-hidden className="size-4" /> Preview
          </Button>
        </form>
      )}
      {preview.isError && (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {preview.error.message}
        </p>
      )}
      <div aria-live="polite">
        {result && (
          <div className="mt-4 rounded-md bg-slate-50 px-3 py-2 text-sm ring-1 ring-slate-200" data-testid="migration-result">
            <p className="font-medium text-slate-900">
              Moved {result.summary.moved} instance{result.summary.moved === 1 ? "" : "s"} to v{result.targetVersion}
              {result.summary.refused > 0 && `; ${result.summary.refused} refused`}.
            </p>
            {result.data.filter((r) => !r.ok).length > 0 && (
              <ul className="mt-1 list-disc pl-5 text-red-800">
                {result.data
                  .filter((r) => !r.ok)
                  .map((r) => (
                    <li key={r.instanceId}>
                      <Link className="underline" href={`/processes/instances/${r.instanceId}`}>
                        {r.instanceId}
                      </Link>
                      : {r.detail}
                    </li>
                  ))}
              </ul>
            )}
          </div>
        )}
      </div>
      {data && (
        <div className="mt-4">
          {data.data.length === 0 ? (
            <p className="text-sm text-slate-600" data-testid="migration-empty">
              No running, waiting or failed instances on versions older than v{data.targetVersion}.
            </p>
          ) : (
            <>
              <p className="mb-2 text-sm text-slate-700" data-testid="migration-summary">
                {data.summary.movable} can move to v{data.targetVersion}; {data.summary.blocked} cannot.
              </p>
              <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200">
                <table className="w-full min-w-[720px] text-left text-sm" data-testid="migration-preview">
                  <caption className="sr-only">Instances that can and cannot move to version {data.targetVersion}</caption>
                  <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
                    <tr>
                      <th scope="col" className="w-10 px-3 py-2">
                        <input
                          type="checkbox"
                          aria-label="Select every instance that can move"
                          className="size-4 rounded border-slate-300"
                          checked={movable.length > 0 && picked.length === movable.length}
                          disabled={movable.length === 0}
                          onChange={(e) => setSelected(new Set(e.target.checked ? movable.map((c) => c.instanceId) : []))}
                        />
                      </th>
                      <th scope="col" className="px-3 py-2">Instance</th>
                      <th scope="col" className="px-3 py-2">From</th>
                      <th scope="col" className="px-3 py-2">Status</th>
                      <th scope="col" className="px-3 py-2">At step</th>
                      <th scope="col" className="px-3 py-2">Can move?</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {data.data.map((c) => (
                      <tr key={c.instanceId} data-testid={`migration-row-${c.instanceId}`} className={c.canMove ? undefined : "bg-slate-50/60"}>
                        <td className="px-3 py-2">
                          <input
                            type="checkbox"
                            className="size-4 rounded border-slate-300"
                            aria-label={`Move ${c.businessKey ?? c.instanceId}`}
                            disabled={!c.canMove}
                            checked={selected.has(c.instanceId)}
                            onChange={(e) =>
                              setSelected((s) => {
                                const n = new Set(s);
                                if (e.target.checked) n.add(c.instanceId);
                                else n.delete(c.instanceId);
                                return n;
                              })
                            }
                          />
                        </td>
                        <td className="px-3 py-2">
                          <Link className="font-medium text-indigo-700 hover:underline" href={`/processes/instances/${c.instanceId}`}>
                            {c.businessKey ?? c.instanceId.slice(0, 10)}
                          </Link>
                        </td>
                        <td className="px-3 py-2">v{c.fromVersion}</td>
                        <td className="px-3 py-2">
                          <StatusBadge status={c.status} />
                        </td>
                        <td className="px-3 py-2 font-mono text-xs">{c.steps.map((s) => `${s.stepId} (${s.status.toLowerCase()})`).join(", ") || "—"}</td>
                        <td className="px-3 py-2">{c.canMove ? <span className="font-medium text-emerald-800">Yes</span> : <span className="text-slate-800">No — {c.reason}</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="mt-3">
                <Button variant="primary" disabled={picked.length === 0} onClick={() => setConfirming(true)}>
                  <ArrowRightLeft aria-hidden className="size-4" /> Move {picked.length} instance{picked.length === 1 ? "" : "s"} to v{data.targetVersion}…
                </Button>
              </div>
            </>
          )}
        </div>
      )}
      <Dialog
        open={confirming && !!data}
        onClose={() => setConfirming(false)}
        title={`Move ${picked.length} instance${picked.length === 1 ? "" : "s"} to v${data?.targetVersion ?? ""}?`}
        description="Each instance is checked again; one that changed since this preview is refused and stays where it is. The move is recorded in the audit log."
      >
        {data && (
          <ConfirmMove
            processKey={process.key}
            targetVersion={data.targetVersion}
            picks={picked.map((c) => ({ id: c.instanceId, version: c.instanceVersion }))}
            onDone={(r) => {
              setResult(r);
              setConfirming(false);
              preview.mutate(data.targetVersion);
            }}
          />
        )}
      </Dialog>
    </section>
  );
}

function ConfirmMove({ processKey, targetVersion, picks, onDone }: { processKey: string; targetVersion: number; picks: { id: string; version: number }[]; onDone: (r: MigrationResult) => void }) {
  const qc = useQueryClient();
  const close = useDialogClose();
  const { announce } = useAnnouncer();
  const [reason, setReason] = useState("");
  const move = useMutation({
    mutationFn: () =>
      api<MigrationResult>(`/api/v1/processes/${encodeURIComponent(processKey)}/migrations`, {
        method: "POST",
        body: { targetVersion, instances: picks, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      }),
    onSuccess: (r) => {
      announce(`Moved ${r.summary.moved} instances to version ${r.targetVersion}${r.summary.refused ? `, ${r.summary.refused} refused` : ""}`);
      void qc.invalidateQueries({ queryKey: ["process", processKey] });
      void qc.invalidateQueries({ queryKey: processKeys.list });
      onDone(r);
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        move.mutate();
      }}
      className="space-y-4"
    >
      <Input label="Reason (optional, kept in the audit log)" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-autofocus />
      {move.isError && (
        <p role="alert" className="text-sm text-red-700">
          {move.error.message}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={move.isPending}>
          Move instances
        </Button>
      </div>
    </form>
  );
}
