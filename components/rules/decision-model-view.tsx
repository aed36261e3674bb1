"use client";

import { useState, type FormEvent } from "react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { format } from "date-fns";
import { Archive, ArchiveRestore, ArrowLeft, CircleCheck, CircleX, Download, FlaskConical, Pencil, Rocket, Save, Trash2, TriangleAlert } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { normaliseTypeRef } from "@/lib/rules/feel";
import type { ModelDecision, ModelDetail, ModelEvaluation, ModelTestCase } from "@/lib/rules/model-schemas";
import { useArchiveModel, useDecisionModel, useEvaluateModel, usePublishModel, useSaveModelTestCases } from "./model-queries";
import { ProblemMessage } from "./problem-message";
import { parseTypedField } from "./what-if-tester";

// dmn-js is browser-only and large: loaded when the editor opens, never rendered on the server.
const DmnEditor = dynamic(() => import("./dmn-editor"), { ssr: false, loading: () => <Skeleton className="h-[32rem] w-full" /> });

// One DMN model (ADR 054): its versions, its decisions and what each needs, a what-if tester per
// decision, test cases over decisions, and the publish gate. Processes call `key + decision`.

const LOGIC_LABEL: Record<string, string> = {
  decisionTable: "decision table",
  literal: "literal expression",
  context: "context",
  relation: "relation",
  list: "list",
  invocation: "invocation",
  function: "function",
  conditional: "conditional",
  filter: "filter",
  iterator: "iterator",
};

const show = (v: unknown) => JSON.stringify(v);

function DecisionsPanel({ decisions }: { decisions: ModelDecision[] }) {
  return (
    <section aria-labelledby="decisions-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="decisions-heading" className="text-base font-semibold text-slate-900">
        Decisions
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">A process step or routing calls one of these by the model&apos;s key and the decision&apos;s name or id.</p>
      <ul className="mt-3 divide-y divide-slate-100">
        {decisions.map((d) => (
          <li key={d.id} className="py-2.5" data-testid="model-decision">
            <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
              <span className="font-medium text-slate-900">{d.name}</span>
              <code className="rounded bg-slate-100 px-1 text-xs text-slate-700">{d.id}</code>
              <Badge tone="neutral">{d.logic ? LOGIC_LABEL[d.logic] : "no logic"}</Badge>
              {d.typeRef && <span className="text-xs text-slate-600">: {d.typeRef}</span>}
            </div>
            <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs text-slate-700 [overflow-wrap:anywhere]">
              <dt className="text-slate-500">Input data</dt>
              <dd>{d.inputData.length ? d.inputData.map((i) => `${i.name}${i.typeRef ? ` (${i.typeRef})` : ""}`).join(", ") : "none"}</dd>
              {d.requiredDecisions.length > 0 && (
                <>
                  <dt className="text-slate-500">Requires</dt>
                  <dd>{d.requiredDecisions.join(", ")}</dd>
                </>
              )}
              {d.requiredKnowledge.length > 0 && (
                <>
                  <dt className="text-slate-500">Invokes</dt>
                  <dd>{d.requiredKnowledge.join(", ")}</dd>
                </>
              )}
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ModelWhatIf({ model, onKeep, keeping }: { model: ModelDetail; onKeep: (c: Omit<ModelTestCase, "name">) => void; keeping: boolean }) {
  const decisions = model.current.decisions;
  const [decisionId, setDecisionId] = useState(decisions[0]?.id ?? "");
  const [values, setValues] = useState<Record<string, string>>({});
  const [asked, setAsked] = useState<{ decision: string; inputs: Record<string, unknown> } | null>(null);
  const evaluate = useEvaluateModel(model.key);
  const decision = decisions.find((d) => d.id === decisionId) ?? decisions[0];
  const version = model.current.version;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!decision) return;
    const inputs = Object.fromEntries(decision.inputData.map((i) => [i.name, parseTypedField(i.typeRef, values[i.name] ?? "")]));
    setAsked({ decision: decision.name, inputs });
    evaluate.mutate({ decision: decision.id, inputs, version });
  }

  const result: ModelEvaluation | undefined = evaluate.data;
  return (
    <section aria-labelledby="model-what-if-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="model-what-if-heading" className="flex items-center gap-2 text-base font-semibold text-slate-900">
        <FlaskConical aria-hidden className="size-4 text-indigo-600" /> What if…
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">Evaluate a decision of version {version} with its requirements.</p>
      <form onSubmit={onSubmit} className="mt-3 space-y-3" aria-label="What-if inputs">
        <Select
          label="Decision"
          value={decision?.id ?? ""}
          onChange={(e) => {
            setDecisionId(e.target.value);
            evaluate.reset();
          }}
        >
          {decisions.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </Select>
        {decision?.inputData.map((i) => {
          const type = normaliseTypeRef(i.typeRef);
          const set = (v: string) => setValues((s) => ({ ...s, [i.name]: v }));
          if (type === "boolean")
            return (
              <Select key={i.name} label={i.name} value={values[i.name] ?? ""} onChange={(e) => set(e.target.value)} hint={i.typeRef ?? undefined}>
                <option value="">(null)</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </Select>
            );
          return (
            <Input
              key={i.name}
              label={i.name}
              hint={type === "any" ? `${i.typeRef ?? "any type"} — JSON, e.g. {"Monthly Income": 5000}` : `${i.typeRef}${type === "duration" ? " — ISO 8601, e.g. PT8H" : ""}`}
              type={type === "number" ? "number" : type === "date" ? "date" : "text"}
              step={type === "number" ? "any" : undefined}
              value={values[i.name] ?? ""}
              onChange={(e) => set(e.target.value)}
            />
          );
        })}
        {decision && decision.inputData.length === 0 && <p className="text-xs text-slate-500">This decision reads no input data.</p>}
        <Button type="submit" variant="primary" loading={evaluate.isPending} className="w-full" disabled={!decision}>
          Evaluate
        </Button>
      </form>
      <div aria-live="polite" className="mt-4">
        {evaluate.isError && <ProblemMessage error={evaluate.error} title="The decision cannot answer these inputs" />}
        {result && !evaluate.isPending && !evaluate.isError && (
          <div data-testid="model-what-if-result" className="space-y-2">
            <p className="text-sm font-medium text-slate-900">{result.decision} answers</p>
            <pre className="overflow-x-auto rounded-md bg-emerald-50 px-3 py-2 font-mono text-sm font-semibold text-emerald-950 ring-1 ring-emerald-200">{JSON.stringify(result.value, null, 2)}</pre>
            {asked && (
              <Button size="sm" variant="ghost" loading={keeping} onClick={() => onKeep({ decision: asked.decision, inputs: asked.inputs, expected: result.value })}>
                <Save aria-hidden className="size-4" /> Keep as a test case
              </Button>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

function ModelTestCases({ model, onRemove, saving }: { model: ModelDetail; onRemove: (name: string) => void; saving: boolean }) {
  const results = model.testResults;
  const failing = results.filter((r) => !r.passed).length;
  return (
    <section aria-labelledby="model-tests-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="model-tests-heading" className="text-base font-semibold text-slate-900">
          Test cases
        </h2>
        {results.length > 0 && (
          <Badge tone={failing ? "danger" : "success"}>
            <span data-testid="model-tests-summary">{failing ? `${failing} of ${results.length} failing` : `all ${results.length} pass`}</span>
          </Badge>
        )}
      </div>
      <p className="mt-0.5 text-sm text-slate-600">Every case must pass on version {model.current.version} before it can be published.</p>
      {results.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">No test cases yet. Evaluate a decision in the what-if tester and keep the result as a test case.</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100">
          {results.map((r) => {
            const inputs = model.testCases.find((t) => t.name === r.name)?.inputs;
            return (
              <li key={r.name} className="flex items-start gap-2 py-2" data-testid="model-test-case" data-passed={r.passed}>
                {r.passed ? <CircleCheck aria-label="passes" className="mt-0.5 size-4 shrink-0 text-emerald-600" /> : <CircleX aria-label="fails" className="mt-0.5 size-4 shrink-0 text-red-600" />}
                <div className="min-w-0 flex-1 text-sm">
                  <p className="font-medium text-slate-900">{r.name}</p>
                  <p className="truncate font-mono text-xs text-slate-500" title={show(inputs)}>
                    {r.decision} · {show(inputs)}
                  </p>
                  {!r.passed && (
                    <div className="mt-1 space-y-0.5 text-xs [overflow-wrap:anywhere]">
                      <p className="text-slate-700">
                        expected <code className="font-mono">{show(r.expected)}</code>
                      </p>
                      <p className="text-red-800">{r.error ?? <>got <code className="font-mono">{show(r.actual)}</code></>}</p>
                    </div>
                  )}
                </div>
                <Button size="sm" variant="ghost" aria-label={`Remove test case ${r.name}`} disabled={saving} onClick={() => onRemove(r.name)}>
                  <Trash2 aria-hidden className="size-4" />
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function DecisionModelView({ modelKey }: { modelKey: string }) {
  const model = useDecisionModel(modelKey);
  const publish = usePublishModel(modelKey);
  const saveTests = useSaveModelTestCases(modelKey);
  const archive = useArchiveModel(modelKey);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);

  if (model.isPending)
    return (
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 space-y-3 px-4 py-6 sm:px-6">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-48 w-full" />
      </main>
    );
  if (model.isError)
    return (
      <main id="main" className="mx-auto w-full max-w-3xl flex-1 px-4 py-6">
        <EmptyState tone="danger" icon={<TriangleAlert className="size-6" />} title="Couldn't open this decision model" action={<Link className="text-sm font-medium text-indigo-700 underline" href="/rules">All decisions</Link>}>
          {model.error.message}
        </EmptyState>
      </main>
    );

  const m = model.data;
  const isDraft = m.current.status === "DRAFT";
  const archived = m.archivedAt !== null;
  const failing = m.testResults.filter((r) => !r.passed).length;
  const current = m.versions.find((v) => v.version === m.current.version);

  function keep(c: Omit<ModelTestCase, "name">) {
    const base = `${c.decision}: ${Object.entries(c.inputs)
      .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
      .join(", ") || "no inputs"}`;
    let name = base.slice(0, 190);
    for (let n = 2; m.testCases.some((t) => t.name === name); n++) name = `${base.slice(0, 185)} (${n})`;
    saveTests.mutate([...m.testCases, { ...c, name }]);
  }

  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <Link href="/rules" className="mb-2 inline-flex items-center gap-1 text-sm text-slate-600 hover:text-slate-900">
        <ArrowLeft aria-hidden className="size-4" /> Decision tables and models
      </Link>
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold text-slate-900">{m.name || m.key}</h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
            <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{m.key}</code>
            <Badge tone={isDraft ? "warning" : "success"}>
              <span data-testid="model-shown-version">
                v{m.current.version} {isDraft ? "draft" : "published"}
              </span>
            </Badge>
            {archived && <Badge tone="neutral">archived {format(new Date(m.archivedAt!), "d MMM yyyy")}</Badge>}
            {isDraft && <span>{m.latestPublished ? `published: v${m.latestPublished}` : "never published"}</span>}
            {current && (
              <span>
                · DMN {current.dmnVersion} · uploaded {format(new Date(current.createdAt), "d MMM yyyy, HH:mm")} by {current.createdBy}
              </span>
            )}
          </div>
          <p className="mt-1 text-xs break-all text-slate-700">namespace {m.namespace}</p>
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
            href={`/api/v1/decision-models/${encodeURIComponent(m.key)}?format=dmn&version=${m.current.version}`}
            className="inline-flex h-9 items-center gap-2 rounded-md bg-white px-3.5 text-sm font-medium text-slate-800 ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
          >
            <Download aria-hidden className="size-4" /> .dmn
          </a>
          {isDraft && !archived && !editing && (
            <Button
              variant="primary"
              loading={publish.isPending}
              disabled={failing > 0}
              title={failing > 0 ? "Every test case must pass first" : undefined}
              onClick={() => publish.mutate(m.current.version)}
            >
              <Rocket aria-hidden className="size-4" /> Publish v{m.current.version}
            </Button>
          )}
        </div>
      </div>

      {publish.isError && <ProblemMessage error={publish.error} title="Not published" className="mb-4" />}
      {archive.isError && <ProblemMessage error={archive.error} title={archived ? "Not restored" : "Not archived"} className="mb-4" />}
      {saveTests.isError && <ProblemMessage error={saveTests.error} title="Test cases not saved" className="mb-4" />}
      {archived && (
        <p role="status" className="mb-4 rounded-md bg-white px-3 py-2 text-sm text-slate-800 ring-1 ring-slate-300">
          This model is archived: its versions are kept, but it takes no new drafts, publishes or evaluations — process steps calling it fail — until it is restored.
        </p>
      )}
      {publish.isSuccess && (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200" data-testid="model-publish-result">
          Published version {publish.data.version}
          {publish.data.changes.from !== null &&
            ` (changed since v${publish.data.changes.from}: ${[...publish.data.changes.added.map((n) => `+${n}`), ...publish.data.changes.removed.map((n) => `−${n}`), ...publish.data.changes.changed].join(", ") || "nothing"})`}
          . Instances started from now on use it; running ones keep the version they started with.
        </p>
      )}

      {isDraft && m.changes && m.changes.from !== null && (
        <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200" data-testid="model-changes">
          Draft v{m.current.version} against published v{m.changes.from}:{" "}
          {[
            m.changes.added.length ? `added ${m.changes.added.join(", ")}` : null,
            m.changes.removed.length ? `removed ${m.changes.removed.join(", ")}` : null,
            m.changes.changed.length ? `changed ${m.changes.changed.join(", ")}` : null,
          ]
            .filter(Boolean)
            .join("; ") || "no changes to the decisions or what they use"}
          .
        </p>
      )}
      {saved !== null && !editing && (
        <p role="status" className="mb-4 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-sky-200" data-testid="model-saved-draft">
          Saved as draft version {saved}. Try it below, then publish.
        </p>
      )}

      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 space-y-4">
          {editing ? (
            <DmnEditor
              model
              tableKey={m.key}
              version={m.current.version}
              onDone={(version) => {
                setEditing(false);
                setSaved(version);
                if (version !== null) publish.reset();
              }}
            />
          ) : (
            <DecisionsPanel decisions={m.current.decisions} />
          )}
        </div>
        <div className="min-w-0 space-y-4">
          {!archived && <ModelWhatIf key={m.current.version} model={m} onKeep={keep} keeping={saveTests.isPending} />}
          <ModelTestCases model={m} saving={saveTests.isPending} onRemove={(name) => saveTests.mutate(m.testCases.filter((t) => t.name !== name))} />
        </div>
      </div>
    </main>
  );
}
