"use client";

import { useRef, type ChangeEvent } from "react";
import Link from "next/link";
import { format } from "date-fns";
import { FileUp, Table2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { TableSummary } from "@/lib/rules/schemas";
import { useDecisionTables, useUploadDmn } from "./queries";
import { ModelsList } from "./models-list";
import { ProblemMessage } from "./problem-message";

const COLUMNS: DataColumn<TableSummary>[] = [
  {
    id: "table",
    header: "Table",
    accessorFn: (t) => t.name.toLowerCase(),
    enableSorting: true,
    cell: ({ row: { original: t } }) => (
      <>
        <Link href={`/rules/${encodeURIComponent(t.key)}`} className="font-medium text-indigo-700 hover:underline">
          {t.name}
        </Link>
        <div className="font-mono text-xs text-slate-500">{t.key}</div>
        {t.archivedAt && <Badge tone="neutral">archived</Badge>}
      </>
    ),
  },
  { id: "hitPolicy", header: "Hit policy", meta: { className: "text-slate-700" }, cell: ({ row: { original: t } }) => t.versions[0]?.hitPolicy },
  {
    id: "published",
    header: "Published",
    cell: ({ row: { original: t } }) => (t.latestPublished ? <Badge tone="success">v{t.latestPublished}</Badge> : <span className="text-slate-500">never</span>),
  },
  { id: "draft", header: "Draft", cell: ({ row: { original: t } }) => (t.draft ? <Badge tone="warning">v{t.draft} draft</Badge> : <span className="text-slate-500">—</span>) },
  {
    id: "changed",
    header: "Last change",
    accessorFn: (t) => t.versions[0]?.createdAt ?? "",
    enableSorting: true,
    sortDescFirst: true,
    meta: { className: "text-slate-600" },
    cell: ({ row: { original: t } }) => {
      const newest = t.versions[0];
      return newest ? `${format(new Date(newest.createdAt), "d MMM yyyy, HH:mm")} by ${newest.createdBy}` : "—";
    },
  },
];

export function RulesList() {
  const tables = useDecisionTables();
  const upload = useUploadDmn();
  const fileRef = useRef<HTMLInputElement>(null);

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (file) upload.mutate({ xml: await file.text() });
  }

  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Decision tables</h1>
          <p className="mt-1 text-sm text-slate-600">Business rules in DMN 1.3. Upload a .dmn file from any DMN modeler, try it, then publish.</p>
        </div>
        <div>
          <input ref={fileRef} type="file" accept=".dmn,.xml,application/xml,text/xml" className="sr-only" aria-label="DMN file" onChange={onFile} data-testid="dmn-file" />
          <Button variant="primary" loading={upload.isPending} onClick={() => fileRef.current?.click()}>
            <FileUp aria-hidden className="size-4" /> Upload .dmn
          </Button>
        </div>
      </div>

      {upload.error && <ProblemMessage error={upload.error} title="The file was not accepted" className="mb-4" />}
      {upload.data && (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200">
          Uploaded as drafts:{" "}
          {upload.data.tables.map((t, i) => (
            <span key={t.key}>
              {i > 0 && ", "}
              <Link className="font-medium underline" href={`/rules/${encodeURIComponent(t.key)}`}>
                {t.name} v{t.version}
              </Link>
            </span>
          ))}
        </p>
      )}

      <div className="overflow-hidden rounded-lg bg-white ring-1 ring-slate-200">
        <DataTable
          label="Decision tables"
          columns={COLUMNS}
          data={tables.data?.data}
          getRowId={(t) => t.key}
          {...queryState(tables, "the decision tables")}
          empty={
            <EmptyState icon={<Table2 aria-hidden className="size-6" />} title="No decision tables yet">
              Upload a .dmn file to add the first one.
            </EmptyState>
          }
          rowProps={() => ({ className: "hover:bg-slate-50" })}
          minWidth="min-w-[640px]"
        />
      </div>

      <ModelsList />
    </main>
  );
}
