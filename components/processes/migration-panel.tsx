"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { ArrowRightLeft, Search } from "lucide-react";
import type { RowSelectionState } from "@tanstack/react-table";
import type { MigrationCandidate, MigrationResult } from "@/lib/engine/migration-schemas";
import type { ProcessDetailDto } from "@/lib/processes/schemas";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useMigrateInstances, useMigrationPreview } from "./queries";
import { StatusBadge } from "./status-badge";

const plural = (n: number) => `${n} instance${n === 1 ? "" : "s"}`;

const COLUMNS: DataColumn<MigrationCandidate>[] = [
  {
    id: "instance",
    header: "Instance",
    cell: ({ row: { original: c } }) => (
      <Link className="font-medium text-indigo-700 hover:underline" href={`/processes/instances/${c.instanceId}`}>
        {c.businessKey ?? c.instanceId.slice(0, 10)}
      </Link>
    ),
  },
  { id: "from", header: "From", cell: ({ row: { original: c } }) => `v${c.fromVersion}` },
  { id: "status", header: "Status", cell: ({ row: { original: c } }) => <StatusBadge status={c.status} /> },
  {
    id: "step",
    header: "At step",
    meta: { className: "font-mono text-xs" },
    cell: ({ row: { original: c } }) => c.steps.map((s) => `${s.stepId} (${s.status.toLowerCase()})`).join(", ") || "—",
  },
  {
    id: "canMove",
    header: "Can move?",
    cell: ({ row: { original: c } }) => (c.canMove ? <span className="font-medium text-emerald-800">Yes</span> : <span className="text-slate-800">No — {c.reason}</span>),
  },
];

/** Preview which running instances can move to a newer version, tick them, confirm with a reason. */
export function MigrationPanel({ process }: { process: ProcessDetailDto }) {
  const targets = process.versions.filter((v) => v.status === "ACTIVE" && v.version > Math.min(...process.versions.map((x) => x.version)));
  const [target, setTarget] = useState<number | null>(targets[0]?.version ?? null);
  const [selected, setSelected] = useState<RowSelectionState>({});
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<MigrationResult | null>(null);
  const preview = useMigrationPreview(process.key);
  const move = useMigrateInstances(process.key);
  const { announce } = useAnnouncer();
  const runPreview = (t: number) => preview.mutate(t, { onSuccess: (p) => setSelected(Object.fromEntries(p.data.filter((c) => c.canMove).map((c) => [c.instanceId, true]))) });
  const data = preview.data?.targetVersion === target ? preview.data : null;
  const picked = useMemo(() => data?.data.filter((c) => c.canMove && selected[c.instanceId]) ?? [], [data, selected]);

  async function confirmMove() {
    if (!data) return;
    const r = await move.mutateAsync({ targetVersion: data.targetVersion, instances: picked.map((c) => ({ id: c.instanceId, version: c.instanceVersion })), ...(reason.trim() ? { reason: reason.trim() } : {}) });
    announce(`Moved ${r.summary.moved} instances to version ${r.targetVersion}${r.summary.refused ? `, ${r.summary.refused} refused` : ""}`);
    setResult(r);
    runPreview(data.targetVersion);
  }

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
            if (target) runPreview(target);
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
      <FormError error={preview.isError ? preview.error.message : null} className="mt-3" />
      <div aria-live="polite">{result && <MigrationOutcome result={result} />}</div>
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
              <div className="overflow-hidden rounded-lg ring-1 ring-slate-200">
                <DataTable
                  label={`Instances that can and cannot move to version ${data.targetVersion}`}
                  testId="migration-preview"
                  columns={COLUMNS}
                  data={data.data}
                  getRowId={(c) => c.instanceId}
                  selection={{
                    selected,
                    onChange: setSelected,
                    canSelect: (c) => c.canMove,
                    rowLabel: (c) => `Move ${c.businessKey ?? c.instanceId}`,
                    allLabel: "Select every instance that can move",
                  }}
                  rowProps={(c) => ({ "data-testid": `migration-row-${c.instanceId}`, className: c.canMove ? undefined : "bg-slate-50/60" })}
                  density="compact"
                  minWidth="min-w-[720px]"
                />
              </div>
              <div className="mt-3">
                <Button
                  variant="primary"
                  disabled={picked.length === 0}
                  onClick={() => {
                    setReason("");
                    setConfirming(true);
                  }}
                >
                  <ArrowRightLeft aria-hidden className="size-4" /> Move {plural(picked.length)} to v{data.targetVersion}…
                </Button>
              </div>
            </>
          )}
        </div>
      )}
      <ConfirmDialog
        open={confirming && !!data}
        onClose={() => setConfirming(false)}
        title={`Move ${plural(picked.length)} to v${data?.targetVersion ?? ""}?`}
        consequence="Each instance is checked again; one that changed since this preview is refused and stays where it is. The move is recorded in the audit log."
        confirmLabel="Move instances"
        variant="primary"
        onConfirm={confirmMove}
      >
        <Input label="Reason (optional, kept in the audit log)" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-autofocus />
      </ConfirmDialog>
    </section>
  );
}

function MigrationOutcome({ result }: { result: MigrationResult }) {
  const refused = result.data.filter((r) => !r.ok);
  return (
    <div className="mt-4 rounded-md bg-slate-50 px-3 py-2 text-sm ring-1 ring-slate-200" data-testid="migration-result">
      <p className="font-medium text-slate-900">
        Moved {plural(result.summary.moved)} to v{result.targetVersion}
        {result.summary.refused > 0 && `; ${result.summary.refused} refused`}.
      </p>
      {refused.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-red-800">
          {refused.map((r) => (
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
  );
}
