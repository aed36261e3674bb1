"use client";

import { useMemo, useState, type FormEvent } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { format } from "date-fns";
import { ArrowRight, Download, FileSearch, Scale, Search, X } from "lucide-react";
import { AUDIT_ACTIONS, type AuditEntryDto } from "@/lib/audit/schemas";
import { Button } from "@/components/ui/button";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { Input, Select } from "@/components/ui/input";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { FreshnessNote } from "@/components/ui/freshness-note";
import { actionLabel, changeSummary } from "./describe";
import { useKnownNames } from "@/components/data/queries";
import { useAuditLog } from "./queries";
import { VerifyChainPanel } from "./verify-panel";
import { periodQuery, quarterPresets } from "./periods";

const FILTER_KEYS = ["actor", "action", "from", "to", "q", "amountMin", "amountMax"] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;

const ACTION_OPTIONS = [...new Set(AUDIT_ACTIONS)];
const NO_FILTERS: Filters = { actor: "", action: "", from: "", to: "", q: "", amountMin: "", amountMax: "" };

function exportHref(format: "csv" | "jsonl", filters: Filters): string {
  const sp = new URLSearchParams({ format, ...toApiQuery(filters) });
  return `/api/v1/audit/export?${sp.toString()}`;
}

function actionTone(action: string): BadgeTone {
  if (action === "task.approved") return "success";
  if (action === "task.rejected" || action === "user.login_failed" || action === "token.revoked") return "danger";
  if (action.startsWith("token.")) return "brand";
  if (action.startsWith("user.")) return "neutral";
  return "info";
}

/** URL (dates as yyyy-MM-dd, local) → API query (ISO instants; `to` is inclusive of that day). */
function toApiQuery(f: Filters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.actor) q.actor = f.actor;
  if (f.action) q.action = f.action;
  if (f.q) q.q = f.q;
  if (f.amountMin && Number.isFinite(Number(f.amountMin))) q.amountMin = f.amountMin;
  if (f.amountMax && Number.isFinite(Number(f.amountMax))) q.amountMax = f.amountMax;
  return { ...q, ...periodQuery(f.from, f.to) };
}

export function AuditView({ canVerify = false }: { canVerify?: boolean }) {
  const searchParams = useSearchParams();
  const applied: Filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, searchParams.get(k) ?? ""])) as Filters;
  const appliedKey = FILTER_KEYS.map((k) => applied[k]).join("|");
  return <AuditViewInner key={appliedKey} applied={applied} canVerify={canVerify} />;
}

function AuditViewInner({ applied, canVerify }: { applied: Filters; canVerify: boolean }) {
  const [draft, setDraft] = useState<Filters>(applied);
  const log = useAuditLog(toApiQuery(applied));
  const entries = useMemo(() => log.data?.pages.flatMap((p) => p.data), [log.data]);
  const hasFilters = FILTER_KEYS.some((k) => applied[k]);

  function apply(next: Filters) {
    const sp = new URLSearchParams();
    for (const k of FILTER_KEYS) if (next[k]) sp.set(k, next[k]);
    const qs = sp.toString();
    window.history.pushState(null, "", `/audit${qs ? `?${qs}` : ""}`);
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    apply(draft);
  }

  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  return (
    <main id="main" className="mx-auto w-full max-w-[1600px] flex-1 px-4 py-6 sm:px-6">
      <div className="mb-4 flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Audit log</h1>
          <p className="text-sm text-slate-600">Every claim, decision, token and sign-in, newest first. Entries are append-only and hash-chained.</p>
          <p className="mt-2 flex flex-wrap gap-3 text-sm">
            <a className="inline-flex items-center gap-1 font-medium text-indigo-700 underline underline-offset-2" href={exportHref("csv", applied)} download>
              <Download aria-hidden className="size-4" /> Export CSV
            </a>
            <a className="inline-flex items-center gap-1 font-medium text-indigo-700 underline underline-offset-2" href={exportHref("jsonl", applied)} download>
              <Download aria-hidden className="size-4" /> Export JSON Lines
            </a>
            <span className="text-slate-500">{hasFilters ? "(the filtered entries, oldest first)" : "(all entries, oldest first)"}</span>
            {canVerify && (
              <Link className="inline-flex items-center gap-1 font-medium text-indigo-700 underline underline-offset-2" href={`/audit/separation-of-duties${applied.from && applied.to ? `?from=${applied.from}&to=${applied.to}` : ""}`}>
                <Scale aria-hidden className="size-4" /> Separation of duties
              </Link>
            )}
          </p>
        </div>
        {canVerify && <VerifyChainPanel />}
      </div>

      <div className="mb-2 flex flex-wrap items-center gap-2 text-sm" role="group" aria-label="Period presets">
        <span className="text-slate-600">Period:</span>
        {quarterPresets(new Date()).map((p) => (
          <Button key={p.label} size="sm" variant={applied.from === p.from && applied.to === p.to ? "primary" : "secondary"} onClick={() => apply({ ...applied, from: p.from, to: p.to })} aria-pressed={applied.from === p.from && applied.to === p.to}>
            {p.label}
          </Button>
        ))}
      </div>
      <form onSubmit={onSubmit} role="search" aria-label="Filter the audit log" className="mb-4 grid grid-cols-2 gap-3 rounded-xl bg-white p-4 ring-1 ring-slate-200 md:grid-cols-4 xl:grid-cols-[1fr_1fr_10rem_10rem]">
        <Input label="Actor" name="actor" placeholder="Name or id" value={draft.actor} onChange={set("actor")} />
        <Select label="Action" name="action" value={draft.action} onChange={set("action")}>
          <option value="">Any action</option>
          <option value="task.*">Any task action</option>
          {ACTION_OPTIONS.map((a) => (
            <option key={a} value={a}>
              {actionLabel(a)}
            </option>
          ))}
        </Select>
        <Input label="From" name="from" type="date" value={draft.from} max={draft.to || undefined} onChange={set("from")} />
        <Input label="To" name="to" type="date" value={draft.to} min={draft.from || undefined} onChange={set("to")} />
        <Input label="Search" name="q" placeholder="Reason, actor, subject id…" value={draft.q} onChange={set("q")} className="col-span-2" />
        <Input label="Amount at least" name="amountMin" type="number" inputMode="decimal" placeholder="e.g. 50000" value={draft.amountMin} onChange={set("amountMin")} />
        <Input label="Amount at most" name="amountMax" type="number" inputMode="decimal" value={draft.amountMax} onChange={set("amountMax")} />
        <div className="col-span-2 flex items-end justify-end gap-2 md:col-span-4 xl:col-span-4">
          <Button type="submit" variant="primary">
            <Search aria-hidden className="size-4" /> Apply
          </Button>
          {hasFilters && (
            <Button variant="ghost" onClick={() => apply(NO_FILTERS)}>
              <X aria-hidden className="size-4" /> Clear
            </Button>
          )}
        </div>
      </form>

      {/* The first page says how far behind the replica it came from was (ADR 049). */}
      <FreshnessNote freshness={log.data?.pages[0]?.freshness} what="These entries" className="mb-3" />
      <div className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
        <DataTable
          label="Audit entries, newest first"
          testId="audit-table"
          columns={COLUMNS}
          data={entries}
          getRowId={(e) => String(e.seq)}
          {...queryState(log, "the audit log")}
          skeletonRows={8}
          empty={
            <EmptyState
              icon={<FileSearch aria-hidden className="size-6" />}
              title={hasFilters ? "No entries match these filters" : "No audit entries yet"}
              action={hasFilters ? <Button onClick={() => apply(NO_FILTERS)}>Clear filters</Button> : undefined}
            />
          }
          rowProps={() => ({ className: "hover:bg-slate-50/60" })}
          minWidth="min-w-[900px]"
        />
        {log.hasNextPage && (
          <div className="border-t border-slate-100 p-3 text-center">
            <Button size="sm" loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
              Load more
            </Button>
          </div>
        )}
      </div>
    </main>
  );
}

function Subject({ entry }: { entry: AuditEntryDto }) {
  const title = entry.action === "task.created" && entry.after && typeof entry.after === "object" ? (entry.after as { title?: unknown }).title : null;
  if (!entry.taskId)
    return (
      <span className="text-slate-600">
        {entry.subjectType} <span className="font-mono text-xs">{entry.subjectId.length > 24 ? `…${entry.subjectId.slice(-8)}` : entry.subjectId}</span>
      </span>
    );
  return (
    <Link href={`/tasks/${entry.taskId}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
      {entry.task ? (
        <>
          <span className="font-mono text-xs">{entry.task.reference}</span> {entry.task.title}
        </>
      ) : typeof title === "string" ? (
        title
      ) : (
        `Task ${entry.taskId.slice(-6)}`
      )}
    </Link>
  );
}

function Changes({ entry }: { entry: AuditEntryDto }) {
  const names = useKnownNames();
  const changes = changeSummary(entry, names);
  if (changes.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <ul className="space-y-0.5">
      {changes.slice(0, 4).map((c) => (
        <li key={c.key} className="flex flex-wrap items-center gap-1">
          <span className="text-slate-500">{c.label}:</span>
          {c.from !== null && (
            <>
              <span>{c.from}</span>
              <ArrowRight aria-label="to" className="size-3" />
            </>
          )}
          <span className="font-medium text-slate-800">{c.to}</span>
        </li>
      ))}
    </ul>
  );
}

const COLUMNS: DataColumn<AuditEntryDto>[] = [
  {
    id: "time",
    header: "Time",
    meta: { className: "whitespace-nowrap text-slate-700" },
    cell: ({ row: { original: e } }) => (
      <time dateTime={e.at} title={e.at}>
        {format(new Date(e.at), "d MMM yyyy HH:mm:ss")}
      </time>
    ),
  },
  {
    id: "actor",
    header: "Actor",
    cell: ({ row: { original: e } }) => (
      <>
        <span className="font-medium text-slate-900" title={e.actorName}>
          {e.actorLabel}
        </span>
      </>
    ),
  },
  { id: "action", header: "Action", cell: ({ row: { original: e } }) => <Badge tone={actionTone(e.action)}>{actionLabel(e.action)}</Badge> },
  { id: "subject", header: "Subject", meta: { className: "max-w-64" }, cell: ({ row: { original: e } }) => <Subject entry={e} /> },
  { id: "reason", header: "Reason", meta: { className: "max-w-72 text-slate-700" }, cell: ({ row: { original: e } }) => e.reason ?? <span className="text-slate-500">—</span> },
  { id: "change", header: "Change", meta: { className: "text-xs text-slate-600" }, cell: ({ row: { original: e } }) => <Changes entry={e} /> },
];
