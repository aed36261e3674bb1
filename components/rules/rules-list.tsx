"use client";

import { useRef, type ChangeEvent } from "react";
import Link from "next/link";
import { format } from "date-fns";
import { FileUp, Table2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { useDecisionTables, useUploadDmn } from "./queries";
import { ProblemMessage } from "./problem-message";

export function RulesList() {
  const tables = useDecisionTables();
  const upload = useUploadDmn();
  const fileRef = useRef<HTMLInputElement>(null);

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (file) upload.mutate(await file.text());
  }

  const rows = tables.data?.data ?? [];
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
        {tables.isPending ? (
          <div className="space-y-2 p-4">
            <Skeleton className="h-6 w-full" />
            <Skeleton className="h-6 w-2/3" />
          </div>
        ) : tables.isError ? (
          <LoadError what="the decision tables" error={tables.error} onRetry={() => tables.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState icon={<Table2 className="size-6" />} title="No decision tables yet">
            Upload a .dmn file to add the first one.
          </EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-4 py-2.5">Table</th>
                <th scope="col" className="px-4 py-2.5">Hit policy</th>
                <th scope="col" className="px-4 py-2.5">Published</th>
                <th scope="col" className="px-4 py-2.5">Draft</th>
                <th scope="col" className="px-4 py-2.5">Last change</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((t) => {
                const newest = t.versions[0];
                return (
                  <tr key={t.key} className="hover:bg-slate-50">
                    <td className="px-4 py-3">
                      <Link href={`/rules/${encodeURIComponent(t.key)}`} className="font-medium text-indigo-700 hover:underline">
                        {t.name}
                      </Link>
                      <div className="font-mono text-xs text-slate-500">{t.key}</div>
                    </td>
                    <td className="px-4 py-3 text-slate-700">{newest?.hitPolicy}</td>
                    <td className="px-4 py-3">{t.latestPublished ? <Badge tone="success">v{t.latestPublished}</Badge> : <span className="text-slate-400">never</span>}</td>
                    <td className="px-4 py-3">{t.draft ? <Badge tone="warning">v{t.draft} draft</Badge> : <span className="text-slate-400">—</span>}</td>
                    <td className="px-4 py-3 text-slate-600">
                      {newest ? `${format(new Date(newest.createdAt), "d MMM yyyy, HH:mm")} by ${newest.createdBy}` : "—"}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </main>
  );
}
