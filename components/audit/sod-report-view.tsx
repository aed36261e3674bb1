"use client";

import type { ReactNode } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { format } from "date-fns";
import { ArrowLeft, CircleCheck, TriangleAlert } from "lucide-react";
import type { SodReport } from "@/lib/audit/schemas";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { LoadError } from "@/components/ui/load-error";
import { periodQuery, quarterPresets } from "./periods";
import { useSeparationOfDuties } from "./queries";
import { FreshnessNote } from "@/components/ui/freshness-note";

const when = (iso: string) => format(new Date(iso), "d MMM yyyy HH:mm");
const day = (ymd: string) => format(new Date(`${ymd}T00:00:00`), "d MMM yyyy");

/** Ana's separation-of-duties report for a period (quarter presets), empty and provably so. */
export function SodReportView() {
  const searchParams = useSearchParams();
  const presets = quarterPresets(new Date());
  const from = searchParams.get("from") ?? presets[0]!.from;
  const to = searchParams.get("to") ?? presets[0]!.to;
  const report = useSeparationOfDuties(periodQuery(from, to));

  const choose = (p: { from: string; to: string }) => window.history.pushState(null, "", `/audit/separation-of-duties?from=${p.from}&to=${p.to}`);

  return (
    <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:px-6">
      <Link href={`/audit?from=${from}&to=${to}`} className="mb-3 inline-flex items-center gap-1 rounded text-sm text-slate-600 hover:text-slate-900">
        <ArrowLeft aria-hidden className="size-4" /> Audit log
      </Link>
      <h1 className="text-xl font-semibold text-slate-900">Separation of duties</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Anyone who approved their own request (a task they requested, or a task of a request they started), and anyone who decided two or more tasks of one case. Read from
        the decisions themselves — every approval, rejection and four-eyes vote — not from the rule that prevents them.
      </p>

      <div className="mt-4 mb-4 flex flex-wrap items-center gap-2 text-sm" role="group" aria-label="Period presets">
        <span className="text-slate-600">Period:</span>
        {presets.map((p) => (
          <Button key={p.label} size="sm" variant={from === p.from && to === p.to ? "primary" : "secondary"} aria-pressed={from === p.from && to === p.to} onClick={() => choose(p)}>
            {p.label}
          </Button>
        ))}
      </div>

      <div aria-live="polite">
        {report.isPending ? (
          <div aria-busy="true" aria-label="Checking the decisions" className="space-y-3 rounded-xl bg-white p-5 ring-1 ring-slate-200">
            <Skeleton className="h-5 w-2/3" />
            <Skeleton className="h-16 w-full" />
            <Skeleton className="h-16 w-full" />
          </div>
        ) : report.isError ? (
          <div className="rounded-xl bg-white ring-1 ring-slate-200">
            <LoadError what="the report" error={report.error} onRetry={() => report.refetch()} retrying={report.isFetching} />
          </div>
        ) : (
          <Report report={report.data} from={from} to={to} />
        )}
      </div>
    </main>
  );
}

function Report({ report, from, to }: { report: SodReport; from: string; to: string }) {
  const { scanned } = report;
  return (
    <div className="space-y-5" data-testid="sod-report">
      <FreshnessNote freshness={report.freshness} what="This report" />
      <p className="rounded-xl bg-white p-4 text-sm text-slate-700 ring-1 ring-slate-200" data-testid="sod-scanned">
        Checked <strong>{scanned.decisions}</strong> {scanned.decisions === 1 ? "decision" : "decisions"} on <strong>{scanned.tasks}</strong>{" "}
        {scanned.tasks === 1 ? "task" : "tasks"} in <strong>{scanned.cases}</strong> {scanned.cases === 1 ? "case" : "cases"} made {day(from)} – {day(to)}
        {" "}({scanned.withRequester} of the decisions on a task or case that names its requester). Checked at {when(report.checkedAt)}.
      </p>

      <section aria-labelledby="sod-self" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 sm:p-5">
        <Heading id="sod-self" count={report.selfApprovals.length}>
          Approved their own request
        </Heading>
        {report.selfApprovals.length === 0 ? (
          <Clean>Nobody approved a task they requested or a task of a request they started, in {scanned.decisions} decisions.</Clean>
        ) : (
          <ul className="mt-3 divide-y divide-slate-100 text-sm">
            {report.selfApprovals.map((f) => (
              <li key={`${f.task.id}-${f.person.id}`} className="flex flex-wrap items-baseline gap-x-2 gap-y-1 py-2">
                <span className="font-medium text-slate-900">{f.person.name}</span>
                <Badge tone="danger">{f.outcome}</Badge>
                <Link href={`/tasks/${f.task.id}`} className="text-indigo-700 underline underline-offset-2">
                  <span className="font-mono text-xs">{f.task.reference}</span> {f.task.title}
                </Link>
                <span className="text-slate-600">
                  {f.requesterOf === "task" ? "which they requested" : "of a request they started"} · {when(f.decidedAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="sod-repeat" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 sm:p-5">
        <Heading id="sod-repeat" count={report.repeatDeciders.length}>
          Decided two steps of one case
        </Heading>
        {report.repeatDeciders.length === 0 ? (
          <Clean>
            Nobody decided more than one task of the same case, across {scanned.cases} {scanned.cases === 1 ? "case" : "cases"}.
          </Clean>
        ) : (
          <ul className="mt-3 divide-y divide-slate-100 text-sm">
            {report.repeatDeciders.map((f) => (
              <li key={`${f.case.id}-${f.person.id}`} className="py-2">
                <p>
                  <span className="font-medium text-slate-900">{f.person.name}</span> decided {f.decisions.length} tasks of{" "}
                  <Link href={`/processes/instances/${f.case.id}`} className="text-indigo-700 underline underline-offset-2">
                    {f.case.process}
                    {f.case.businessKey ? ` · ${f.case.businessKey}` : ""}
                  </Link>
                </p>
                <ul className="mt-1 space-y-0.5 pl-4 text-slate-700">
                  {f.decisions.map((d) => (
                    <li key={d.task.id + d.decidedAt}>
                      <Link href={`/tasks/${d.task.id}`} className="text-indigo-700 underline underline-offset-2">
                        <span className="font-mono text-xs">{d.task.reference}</span> {d.task.title}
                      </Link>{" "}
                      — {d.outcome}, {when(d.decidedAt)}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function Heading({ id, count, children }: { id: string; count: number; children: string }) {
  return (
    <h2 id={id} className="flex flex-wrap items-center gap-2 text-base font-semibold text-slate-900">
      {count === 0 ? <CircleCheck aria-hidden className="size-5 text-emerald-600" /> : <TriangleAlert aria-hidden className="size-5 text-red-600" />}
      {children}
      <Badge tone={count === 0 ? "success" : "danger"}>{count === 0 ? "none found" : `${count} found`}</Badge>
    </h2>
  );
}

function Clean({ children }: { children: ReactNode }) {
  return <p className="mt-2 text-sm text-slate-600">{children}</p>;
}
