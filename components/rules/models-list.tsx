"use client";

import { useRef, type ChangeEvent } from "react";
import Link from "next/link";
import { format } from "date-fns";
import { FileUp, Network } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { ModelSummary } from "@/lib/rules/model-schemas";
import { useDecisionModels, useUploadModel } from "./model-queries";
import { ProblemMessage } from "./problem-message";

// DMN models as versioned objects (ADR 054): models of any decisions — literal expressions,
// contexts, BKM invocations, tables — each decision called as `model key + decision`.

export const modelHref = (key: string) => `/rules/models/${encodeURIComponent(key)}`;

const COLUMNS: DataColumn<ModelSummary>[] = [
  {
    id: "model",
    header: "Model",
    accessorFn: (m) => m.name.toLowerCase(),
    enableSorting: true,
    cell: ({ row: { original: m } }) => (
      <>
        <Link href={modelHref(m.key)} className="font-medium text-indigo-700 hover:underline">
          {m.name || m.key}
        </Link>
        <div className="font-mono text-xs text-slate-500">{m.key}</div>
        {m.archivedAt && <Badge tone="neutral">archived</Badge>}
      </>
    ),
  },
  { id: "decisions", header: "Decisions", meta: { className: "text-slate-700" }, cell: ({ row: { original: m } }) => m.versions[0]?.decisions ?? 0 },
  {
    id: "published",
    header: "Published",
    cell: ({ row: { original: m } }) => (m.latestPublished ? <Badge tone="success">v{m.latestPublished}</Badge> : <span className="text-slate-500">never</span>),
  },
  { id: "draft", header: "Draft", cell: ({ row: { original: m } }) => (m.draft ? <Badge tone="warning">v{m.draft} draft</Badge> : <span className="text-slate-500">—</span>) },
  {
    id: "changed",
    header: "Last change",
    accessorFn: (m) => m.versions[0]?.createdAt ?? "",
    enableSorting: true,
    sortDescFirst: true,
    meta: { className: "text-slate-600" },
    cell: ({ row: { original: m } }) => {
      const newest = m.versions[0];
      return newest ? `${format(new Date(newest.createdAt), "d MMM yyyy, HH:mm")} by ${newest.createdBy} · DMN ${newest.dmnVersion}` : "—";
    },
  },
];

export function ModelsList() {
  const models = useDecisionModels();
  const upload = useUploadModel();
  const fileRef = useRef<HTMLInputElement>(null);

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (file) upload.mutate({ xml: await file.text() });
  }

  return (
    <section aria-labelledby="models-heading" className="mt-8">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="models-heading" className="text-lg font-semibold text-slate-900">
            Decision models
          </h2>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">
            Whole DMN models (1.1–1.5) with any decisions — literal expressions, contexts, business knowledge models, tables. Each decision is tested, published
            and called by the model&apos;s key and the decision.
          </p>
        </div>
        <div>
          <input ref={fileRef} type="file" accept=".dmn,.xml,application/xml,text/xml" className="sr-only" aria-label="DMN model file" onChange={onFile} data-testid="model-file" />
          <Button loading={upload.isPending} onClick={() => fileRef.current?.click()}>
            <FileUp aria-hidden className="size-4" /> Upload model
          </Button>
        </div>
      </div>

      {upload.error && <ProblemMessage error={upload.error} title="The model was not accepted" className="mb-4" />}
      {upload.data && (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200">
          Uploaded as a draft:{" "}
          <Link className="font-medium underline" href={modelHref(upload.data.key)}>
            {upload.data.name || upload.data.key} v{upload.data.version}
          </Link>{" "}
          ({upload.data.decisions.length} decision{upload.data.decisions.length === 1 ? "" : "s"})
        </p>
      )}

      <div className="overflow-hidden rounded-lg bg-white ring-1 ring-slate-200">
        <DataTable
          label="Decision models"
          columns={COLUMNS}
          data={models.data?.data}
          getRowId={(m) => m.key}
          {...queryState(models, "the decision models")}
          empty={
            <EmptyState icon={<Network aria-hidden className="size-6" />} title="No decision models yet">
              Upload a .dmn model to publish and call any of its decisions.
            </EmptyState>
          }
          rowProps={() => ({ className: "hover:bg-slate-50" })}
          minWidth="min-w-[640px]"
        />
      </div>
    </section>
  );
}
