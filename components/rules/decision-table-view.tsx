"use client";

import { useState } from "react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { format } from "date-fns";
import { Archive, ArchiveRestore, ArrowLeft, Download, Pencil, Rocket, TriangleAlert } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import type { EvaluationDto } from "@/lib/rules/schemas";
import { DecisionTableGrid, hitPolicyLabel } from "./decision-table-grid";
import { DiffPanel } from "./diff-panel";
import { ProblemMessage } from "./problem-message";
import { useArchive, useDecisionTable, usePublish, useSaveTestCases } from "./queries";
import { TestCasesPanel } from "./test-cases-panel";
import { UnusedRulesPanel } from "./unused-rules-panel";
import { WhatIfTester } from "./what-if-tester";

// dmn-js is browser-only and large: loaded when the editor opens, never rendered on the server.
const DmnEditor = dynamic(() => import("./dmn-editor"), { ssr: false, loading: () => <Skeleton className="h-[32rem] w-full" /> });

export function DecisionTableView({ tableKey }: { tableKey: string }) {
  const table = useDecisionTable(tableKey);
  const publish = usePublish(tableKey);
  const saveTests = useSaveTestCases(tableKey);
  const archive = useArchive(tableKey);
  const [highlight, setHighlight] = useState<{ matched: string[]; conflicting: string[] }>({ matched: [], conflicting: [] });
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);

  if (table.isPending)
    return (
      <main id="main" className="mx-auto w-full max-w-[1600px] flex-1 space-y-3 px-4 py-6 sm:px-6">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-48 w-full" />
      </main>
    );
  if (table.isError)
    return (
      <main id="main" className="mx-auto w-full max-w-3xl flex-1 px-4 py-6">
        <EmptyState pageHeading tone="danger" icon={<TriangleAlert className="size-6" />} title="Couldn't open this decision table" action={<Link className="text-sm font-medium text-indigo-700 underline" href="/rules">All decision tables</Link>}>
          {table.error.message}
        </EmptyState>
      </main>
    );

  const t = table.data;
  const { model } = t.current;
  const isDraft = t.current.status === "DRAFT";
  const failing = t.testResults.filter((r) => !r.passed).length;
  const current = t.versions.find((v) => v.version === t.current.version);
  const archived = t.archivedAt !== null;

  function keepAsTestCase(inputs: Record<string, unknown>, result: EvaluationDto) {
    const base = Object.entries(inputs)
      .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
      .join(", ");
    let name = base || "no inputs";
    for (let n = 2; t.testCases.some((c) => c.name === name); n++) name = `${base} (${n})`;
    saveTests.mutate([...t.testCases, { name: name.slice(0, 200), inputs, expected: result.outputs }]);
  }

  return (
    <main id="main" className="mx-auto w-full max-w-[1600px] flex-1 px-4 py-6 sm:px-6">
      <Link href="/rules" className="mb-2 inline-flex items-center gap-1 text-sm text-slate-600 hover:text-slate-900">
        <ArrowLeft aria-hidden className="size-4" /> Decision tables
      </Link>
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{t.name}</h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
            <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{t.key}</code>
            <Badge tone={isDraft ? "warning" : "success"}>
              <span data-testid="shown-version">
                v{t.current.version} {isDraft ? "draft" : "published"}
              </span>
            </Badge>
            {archived && <Badge tone="neutral">archived {format(new Date(t.archivedAt!), "d MMM yyyy")}</Badge>}
            {isDraft && <span>{t.latestPublished ? `published: v${t.latestPublished}` : "never published"}</span>}
            <span>hit policy {hitPolicyLabel(model)}</span>
            {current && <span>· uploaded {format(new Date(current.createdAt), "d MMM yyyy, HH:mm")} by {current.createdBy}</span>}
          </div>
          {t.model && (
            <p className="mt-1 text-xs text-slate-700">
              DMN model {t.model.name} · <span className="break-all">{t.model.namespace}</span>
            </p>
          )}
          {model.graph && (
            <p className="mt-1 max-w-2xl text-xs text-slate-600" data-testid="graph-note">
              This table&apos;s decision requires other decisions of its model ({model.graph.elements.filter((e) => e.kind === "decision").length} decisions in all); they are evaluated
              with it from the model&apos;s input data. The editor opens the whole model.
            </p>
          )}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {!editing && (
            <Button loading={archive.isPending} onClick={() => archive.mutate(!archived)}>
              {archived ? <ArchiveRestore aria-hidden className="size-4" /> : <Archive aria-hidden className="size-4" />} {archived ? "Restore" : "Archive"}
            </Button>
          )}
          {!editing && !archived && (
            <Button onClick={() => setEditing(true)}>
              <Pencil aria-hidden className="size-4" /> Edit in DMN editor
            </Button>
          )}
          <a
            href={`/api/v1/decision-tables/${encodeURIComponent(t.key)}?format=dmn&version=${t.current.version}`}
            className="inline-flex h-9 items-center gap-2 rounded-md bg-white px-3.5 text-sm font-medium text-slate-800 ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
          >
            <Download aria-hidden className="size-4" /> .dmn
          </a>
          {isDraft && !editing && !archived && (
            <Button
              variant="primary"
              loading={publish.isPending}
              disabled={failing > 0}
              title={failing > 0 ? "Every test case must pass first" : undefined}
              onClick={() => publish.mutate(t.current.version, { onSuccess: () => setHighlight({ matched: [], conflicting: [] }) })}
            >
              <Rocket aria-hidden className="size-4" /> Publish v{t.current.version}
            </Button>
          )}
        </div>
      </div>

      {publish.isError && <ProblemMessage error={publish.error} title="Not published" className="mb-4" />}
      {archive.isError && <ProblemMessage error={archive.error} title={archived ? "Not restored" : "Not archived"} className="mb-4" />}
      {archived && (
        <p role="status" className="mb-4 rounded-md bg-white px-3 py-2 text-sm text-slate-800 ring-1 ring-slate-300" data-testid="archived-note">
          This table is archived: its versions are kept, but it takes no new drafts, publishes or evaluations until it is restored.
        </p>
      )}
      {publish.isSuccess && (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200" data-testid="publish-result">
          Published version {publish.data.version}. New evaluations use it from now on.
        </p>
      )}
      {saved !== null && !editing && (
        <p role="status" className="mb-4 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-sky-200" data-testid="saved-draft">
          Saved as draft version {saved}. Try it below, then publish.
        </p>
      )}
      {saveTests.isError && <ProblemMessage error={saveTests.error} title="Test cases not saved" className="mb-4" />}

      <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 space-y-4">
          {editing ? (
            <DmnEditor
              tableKey={t.key}
              version={t.current.version}
              onDone={(version) => {
                setEditing(false);
                setSaved(version);
                setHighlight({ matched: [], conflicting: [] });
                if (version !== null) publish.reset();
              }}
            />
          ) : (
            <DecisionTableGrid model={model} matched={highlight.matched} conflicting={highlight.conflicting} />
          )}
          {isDraft && !editing && <DiffPanel tableKey={t.key} enabled={isDraft} />}
        </div>
        <div className="space-y-4">
          <WhatIfTester key={t.current.version} tableKey={t.key} model={model} version={t.current.version} onResult={setHighlight} onSaveAsTestCase={keepAsTestCase} />
          <TestCasesPanel
            testCases={t.testCases}
            results={t.testResults}
            version={t.current.version}
            saving={saveTests.isPending}
            onRemove={(name) => saveTests.mutate(t.testCases.filter((c) => c.name !== name))}
          />
          {t.latestPublished && <UnusedRulesPanel tableKey={t.key} />}
        </div>
      </div>
    </main>
  );
}
