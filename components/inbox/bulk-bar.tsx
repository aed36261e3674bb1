"use client";

import { useState, type FormEvent } from "react";
import { Check, LoaderCircle, UserRoundPen, X } from "lucide-react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { usePeople } from "@/components/data/queries";
import { Button } from "@/components/ui/button";
import type { BulkResults } from "./use-inbox-decisions";

/**
 * What a bulk action will touch, in words ("Approve 7"), and afterwards what happened to each task.
 * Each task is changed (and audited) on its own on the server; failures are listed by reference.
 */
export function BulkBar({
  selected,
  canAssign,
  busy,
  results,
  onApprove,
  onReassign,
  onClear,
  onDismissResults,
}: {
  selected: TaskDto[];
  canAssign: boolean;
  busy: boolean;
  results: BulkResults | null;
  onApprove: () => void;
  onReassign: (assignee: string, reason: string) => void;
  onClear: () => void;
  onDismissResults: () => void;
}) {
  const [reassigning, setReassigning] = useState(false);
  const people = usePeople(reassigning);
  const [assignee, setAssignee] = useState("");
  const [reason, setReason] = useState("");
  const n = selected.length;
  const approvable = selected.filter((t) => t.can.decide && !t.form?.length).length;

  function submitReassign(e: FormEvent) {
    e.preventDefault();
    if (!assignee || !reason.trim()) return;
    onReassign(assignee, reason.trim());
    setReassigning(false);
    setReason("");
  }

  return (
    <div className="border-b border-slate-200 bg-indigo-50/60 px-4 py-2 text-sm" data-testid="bulk-bar">
      {n > 0 && (
        <div role="toolbar" aria-label="Bulk actions" className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-slate-900">{n} selected</span>
          <Button size="sm" variant="success" onClick={onApprove} disabled={busy || approvable === 0} loading={busy}>
            {!busy && <Check aria-hidden className="size-3.5" />} Approve {n}
          </Button>
          {canAssign && (
            <Button size="sm" onClick={() => setReassigning((r) => !r)} disabled={busy} aria-expanded={reassigning}>
              <UserRoundPen aria-hidden className="size-3.5" /> Reassign {n}…
            </Button>
          )}
          <Button size="sm" variant="ghost" onClick={onClear} disabled={busy}>
            Clear selection
          </Button>
          {approvable < n && <span className="text-xs text-slate-600">{n - approvable} of them you can&apos;t approve in bulk; they will be reported.</span>}
        </div>
      )}
      {reassigning && n > 0 && (
        <form onSubmit={submitReassign} className="mt-2 flex flex-wrap items-end gap-2">
          <label className="text-xs text-slate-700">
            New assignee
            <select required value={assignee} onChange={(e) => setAssignee(e.target.value)} className="mt-0.5 block rounded-md border-0 py-1 pr-7 pl-2 text-xs ring-1 ring-slate-300 ring-inset">
              <option value="">Choose…</option>
              {people.data?.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label className="min-w-48 flex-1 text-xs text-slate-700">
            Reason (required)
            <input required value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} className="mt-0.5 block w-full rounded-md border-0 px-2 py-1 text-xs ring-1 ring-slate-300 ring-inset" />
          </label>
          <Button type="submit" size="sm" variant="primary" disabled={!assignee || !reason.trim()}>
            Reassign {n}
          </Button>
        </form>
      )}
      {busy && (
        <p className="mt-1 flex items-center gap-1 text-xs text-slate-600">
          <LoaderCircle aria-hidden className="size-3 animate-spin" /> Working through {n} task(s)…
        </p>
      )}
      {results && (
        <div data-testid="bulk-results" data-focus-fallback tabIndex={-1} className="mt-2 rounded-md bg-white p-2 text-xs ring-1 ring-slate-200">
          <p className="flex items-center gap-2 font-medium text-slate-900">
            {results.action}: {results.result.summary.ok} done, {results.result.summary.failed} failed
            <button type="button" onClick={onDismissResults} className="ml-auto rounded p-0.5 hover:bg-slate-100" aria-label="Dismiss results">
              <X aria-hidden className="size-3.5" />
            </button>
          </p>
          {results.result.summary.failed > 0 && (
            <ul className="mt-1 space-y-0.5">
              {results.result.data
                .filter((r) => !r.ok)
                .map((r) => (
                  <li key={r.taskId} className="text-red-800">
                    <span className="font-mono">{results.tasks.get(r.taskId)?.reference ?? r.taskId}</span>: {r.detail}
                  </li>
                ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
