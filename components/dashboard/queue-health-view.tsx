"use client";

import { useState } from "react";
import clsx from "clsx";
import { formatDistanceToNow } from "date-fns";
import { CircleCheck, RotateCcw, Trash2 } from "lucide-react";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import type { QueueHealth } from "@/lib/metrics/queue-health";
import { useJobAction, useQueueHealth } from "./queries";
import { DashboardTabs } from "./tabs";

type FailedJob = QueueHealth["queues"][number]["failedJobs"][number] & { queue: string };
const STATES = [
  { key: "waiting", label: "Waiting" },
  { key: "active", label: "Active" },
  { key: "delayed", label: "Delayed" },
  { key: "failed", label: "Failed" },
] as const;

export function QueueHealthView({ canOperate }: { canOperate: boolean }) {
  const health = useQueueHealth();
  const data = health.data;
  return (
    <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6">
      <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Queue health</h1>
          <p className="text-sm text-slate-600">
            Live jobs per BullMQ queue (refreshed every 3 seconds).{data && <> Checked {formatDistanceToNow(new Date(data.checkedAt), { addSuffix: true })}.</>}
          </p>
        </div>
        <DashboardTabs current="queues" />
      </div>
      {health.isPending && (
        <div className="grid gap-4 md:grid-cols-3" aria-busy="true" aria-label="Loading queue health">
          <Skeleton className="h-40" />
          <Skeleton className="h-40" />
          <Skeleton className="h-40" />
        </div>
      )}
      {health.isError && !data && <LoadError what="queue health" error={health.error} onRetry={() => health.refetch()} retrying={health.isFetching} />}
      {health.isError && data && (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          Showing the last reading: {health.error.message}
        </p>
      )}
      {data && (
        <div className="space-y-6">
          <section aria-label="Queues" className="grid gap-4 md:grid-cols-3">
            {data.queues.map((q) => (
              <article key={q.name} className="rounded-xl bg-white p-4 ring-1 ring-slate-200" data-testid={`queue-${q.name}`}>
                <h2 className="flex items-center justify-between text-sm font-semibold text-slate-900">
                  <code>{q.name}</code>
                  {q.paused && <span className="rounded-full bg-amber-50 px-2 text-xs text-amber-900 ring-1 ring-amber-200">paused</span>}
                </h2>
                <dl className="mt-3 grid grid-cols-4 gap-2 text-center">
                  {STATES.map((s) => (
                    <div key={s.key} className={clsx("rounded-lg py-2", s.key === "failed" && q.counts.failed > 0 ? "bg-red-50 text-red-800" : "bg-slate-50 text-slate-900")}>
                      <dt className="text-xs text-slate-600">{s.label}</dt>
                      <dd className="text-lg font-semibold tabular-nums">{q.counts[s.key]}</dd>
                    </div>
                  ))}
                </dl>
                <p className="mt-2 text-xs text-slate-600">{q.counts.completed} completed jobs kept</p>
              </article>
            ))}
          </section>
          <FailedJobs data={data} canOperate={canOperate} />
        </div>
      )}
    </main>
  );
}

const JOB_COLUMNS: DataColumn<FailedJob>[] = [
  {
    id: "job",
    header: "Queue / job",
    cell: ({ row: { original: j } }) => (
      <>
        <code className="text-slate-900">{j.queue}</code> · {j.name}
        <p className="max-w-[16rem] truncate text-xs text-slate-600" title={j.id}>
          {j.id}
        </p>
      </>
    ),
  },
  {
    id: "reason",
    header: "Why it failed",
    meta: { className: "max-w-md text-red-800" },
    cell: ({ row: { original: j } }) => (
      <p className="line-clamp-2" title={j.failedReason ?? ""}>
        {j.failedReason ?? "—"}
      </p>
    ),
  },
  { id: "attempts", header: "Attempts", accessorFn: (j) => j.attemptsMade, meta: { className: "tabular-nums" } },
  { id: "failed", header: "Failed", meta: { className: "text-slate-700" }, cell: ({ row: { original: j } }) => (j.failedAt ? formatDistanceToNow(new Date(j.failedAt), { addSuffix: true }) : "—") },
  { id: "request", header: "Request id", cell: ({ row: { original: j } }) => <code className="text-xs text-slate-700">{j.requestId ?? "—"}</code> },
];

function FailedJobs({ data, canOperate }: { data: QueueHealth; canOperate: boolean }) {
  const jobs = data.queues.flatMap((q) => q.failedJobs.map((j) => ({ ...j, queue: q.name })));
  const action = useJobAction();
  const { announce, alert } = useAnnouncer();
  const [confirm, setConfirm] = useState<FailedJob | null>(null);
  const retry = (job: FailedJob) =>
    action.mutate({ queue: job.queue, id: job.id, action: "retry" }, { onSuccess: () => announce(`Job ${job.name} is queued again.`), onError: (err) => alert(err.message) });
  return (
    <section aria-labelledby="failed-jobs" className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
      <h2 id="failed-jobs" tabIndex={-1} className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900 outline-none">
        Failed jobs (newest first)
      </h2>
      <DataTable
        label="Failed jobs, newest first"
        testId="failed-jobs"
        columns={JOB_COLUMNS}
        data={jobs}
        getRowId={(j) => `${j.queue}/${j.id}`}
        empty={
          <EmptyState icon={<CircleCheck aria-hidden className="size-6" />} title="No failed jobs">
            Every queue is processing normally.
          </EmptyState>
        }
        rowActions={
          canOperate
            ? (j) => (
                <>
                  <Button size="sm" onClick={() => retry(j)} disabled={action.isPending} aria-label={`Retry ${j.queue} job ${j.name} ${j.id}`}>
                    <RotateCcw aria-hidden className="size-4" /> Retry
                  </Button>
                  <Button size="sm" variant="danger" onClick={() => setConfirm(j)} disabled={action.isPending} aria-label={`Remove ${j.queue} job ${j.name} ${j.id}`}>
                    <Trash2 aria-hidden className="size-4" /> Remove
                  </Button>
                </>
              )
            : undefined
        }
        density="compact"
        minWidth="min-w-[900px]"
      />
      <ConfirmDialog
        open={!!confirm}
        onClose={() => setConfirm(null)}
        title="Remove this failed job?"
        consequence={
          confirm && (
            <>
              The <code>{confirm.queue}</code> job <strong>{confirm.name}</strong> will be deleted from Redis and will not run again. The removal is recorded in the audit log.
            </>
          )
        }
        confirmLabel="Remove job"
        onConfirm={() => action.mutateAsync({ queue: confirm!.queue, id: confirm!.id, action: "remove" })}
        onDone={() => announce(`Job ${confirm!.name} was removed.`)}
        fallbackFocus={() => document.getElementById("failed-jobs")}
      />
    </section>
  );
}
