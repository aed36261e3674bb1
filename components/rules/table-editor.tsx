"use client";

import { useMemo, useState } from "react";
import clsx from "clsx";
import { ArrowDown, ArrowUp, Plus, Save, Trash2, X } from "lucide-react";
import { isApiError } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { checkExpression, checkUnaryTests } from "@/lib/rules/feel";
import { modelToDmnXml } from "@/lib/rules/serialize";
import { AGGREGATIONS, HIT_POLICIES, type DecisionTableModel, type TableRule } from "@/lib/rules/schemas";
import { columnProblems } from "@/lib/rules/columns";
import { ColumnsEditor } from "./columns-editor";
import { ProblemMessage } from "./problem-message";
import { useUploadDmn } from "./queries";

// The browser editor: add, remove and reorder rules and columns (inputs and outputs, with their
// types; lib/rules/columns keeps every rule's cells in step), change the hit policy, edit cells with FEEL
// syntax checked as you type. Saving writes DMN 1.3 and uploads it as a new draft, so the server
// runs the same validation as for a file (types, allowed values) and answers with the element id.

function newRuleId(): string {
  return `rule_${Math.random().toString(36).slice(2, 10)}`;
}

function blankRule(m: DecisionTableModel): TableRule {
  const id = newRuleId();
  return {
    id,
    annotation: null,
    inputEntries: m.inputs.map((_, k) => ({ id: `${id}_in_${k + 1}`, text: "-" })),
    outputEntries: m.outputs.map((_, k) => ({ id: `${id}_out_${k + 1}`, text: "" })),
  };
}

export function TableEditor({
  model: initial,
  dmnModel,
  onDone,
}: {
  model: DecisionTableModel;
  /** The DMN model the table belongs to: saving keeps it, so the save is a new version of this table. */
  dmnModel: { namespace: string; name: string } | null;
  onDone: (savedVersion: number | null) => void;
}) {
  const [model, setModel] = useState<DecisionTableModel>(() => structuredClone(initial));
  const upload = useUploadDmn();
  const serverElement = isApiError(upload.error) && typeof upload.error.problem.elementId === "string" ? upload.error.problem.elementId : null;

  // Syntax problems per cell id, recomputed as you type.
  const problems = useMemo(() => {
    const out = new Map<string, string>();
    for (const r of model.rules) {
      for (const c of r.inputEntries) {
        const p = checkUnaryTests(c.text);
        if (p) out.set(c.id, p.message);
      }
      for (const c of r.outputEntries) {
        const p = checkExpression(c.text);
        if (p) out.set(c.id, p.message);
      }
    }
    return out;
  }, [model]);

  const columnErrors = useMemo(() => columnProblems(model), [model]);
  const [focusColumn, setFocusColumn] = useState<string | null>(null);

  const update = (f: (m: DecisionTableModel) => void) =>
    setModel((m) => {
      const next = structuredClone(m);
      f(next);
      return next;
    });
  const move = (i: number, by: number) =>
    update((m) => {
      const [r] = m.rules.splice(i, 1);
      m.rules.splice(i + by, 0, r!);
    });

  function save() {
    upload.mutate(modelToDmnXml(model, dmnModel), { onSuccess: (r) => onDone(r.tables.find((t) => t.key === model.key)?.version ?? null) });
  }

  const cellError = (id: string) => problems.get(id) ?? (serverElement === id ? upload.error?.message : undefined);
  const cellClass = (id: string) =>
    clsx(
      "min-w-24 rounded border-0 bg-white px-2 py-1 font-mono text-[13px] ring-1 ring-inset focus:ring-2 focus:outline-none",
      problems.has(id) || serverElement === id ? "ring-red-500 focus:ring-red-600" : "ring-slate-300 focus:ring-indigo-600",
    );

  // Rebuilt as the model changes: the templates are called, not mounted, so typing keeps focus.
  const columns: DataColumn<TableRule>[] = [
    { id: "n", header: "#", meta: { rowHeader: true, className: "w-10 font-mono text-xs text-slate-500" }, cell: ({ row }) => row.index + 1 },
    ...[...model.inputs.map((col, k) => ({ k, kind: "in" as const, title: col.label ?? col.expression, id: col.id })), ...model.outputs.map((col, k) => ({ k, kind: "out" as const, title: col.label ?? col.name, id: col.id }))].map(
      ({ k, kind, title, id }): DataColumn<TableRule> => ({
        id,
        header: title,
        cell: ({ row }) => {
          const n = row.index;
          const c = (kind === "in" ? row.original.inputEntries : row.original.outputEntries)[k]!;
          const error = cellError(c.id);
          return (
            <>
              <input
                aria-label={`Rule ${n + 1}, ${title}`}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${c.id}-error` : undefined}
                className={cellClass(c.id)}
                // Cells grow with their text, so a range or a long string stays readable.
                style={{ width: `${Math.min(40, Math.max(8, c.text.length + 3))}ch` }}
                value={c.text}
                spellCheck={false}
                onChange={(e) => update((m) => void ((kind === "in" ? m.rules[n]!.inputEntries : m.rules[n]!.outputEntries)[k]!.text = e.target.value))}
              />
              {error && (
                <p id={`${c.id}-error`} className="mt-0.5 max-w-56 text-xs text-red-700">
                  {error}
                </p>
              )}
            </>
          );
        },
      }),
    ),
    {
      id: "annotation",
      header: "Annotation",
      cell: ({ row }) => (
        <input
          aria-label={`Rule ${row.index + 1}, annotation`}
          className="w-full min-w-40 rounded border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
          value={row.original.annotation ?? ""}
          onChange={(e) => update((m) => void (m.rules[row.index]!.annotation = e.target.value || null))}
        />
      ),
    },
  ];

  return (
    <section aria-label="Edit decision table" className="space-y-3 rounded-lg bg-white p-3 ring-2 ring-indigo-300">
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
          Hit policy
          <select
            className="rounded-md border-0 py-1 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset"
            value={model.hitPolicy}
            onChange={(e) => update((m) => {
              m.hitPolicy = e.target.value as DecisionTableModel["hitPolicy"];
              if (m.hitPolicy !== "COLLECT") m.aggregation = null;
            })}
          >
            {HIT_POLICIES.map((h) => (
              <option key={h}>{h}</option>
            ))}
          </select>
        </label>
        {model.hitPolicy === "COLLECT" && (
          <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
            Aggregation
            <select
              className="rounded-md border-0 py-1 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset"
              value={model.aggregation ?? ""}
              onChange={(e) => update((m) => void (m.aggregation = (e.target.value || null) as DecisionTableModel["aggregation"]))}
            >
              <option value="">none (list)</option>
              {AGGREGATIONS.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
        )}
        <div className="ml-auto flex gap-2">
          <Button variant="ghost" onClick={() => onDone(null)}>
            <X aria-hidden className="size-4" /> Cancel
          </Button>
          <Button variant="primary" onClick={save} loading={upload.isPending} disabled={problems.size > 0 || columnErrors.size > 0}>
            <Save aria-hidden className="size-4" /> Save as new draft
          </Button>
        </div>
      </div>
      {problems.size > 0 && (
        <p className="text-sm text-red-700" role="status">
          {problems.size} cell{problems.size > 1 ? "s have" : " has"} a FEEL syntax error.
        </p>
      )}
      {upload.isError && <ProblemMessage error={upload.error} title="Not saved" />}

      <ColumnsEditor
        model={model}
        errors={columnErrors}
        serverElement={serverElement}
        serverMessage={upload.error?.message ?? null}
        focusColumn={focusColumn}
        onChange={(next, focus) => {
          setModel(next);
          if (focus) setFocusColumn(focus);
        }}
      />

      <DataTable
        label="Rules of the decision table"
        testId="table-editor"
        columns={columns}
        data={model.rules}
        getRowId={(r) => r.id}
        rowProps={(r) => ({ "data-testid": `edit-row-${model.rules.indexOf(r) + 1}` })}
        rowActions={(r) => {
          const n = model.rules.indexOf(r);
          return (
            <>
              <Button size="sm" variant="ghost" aria-label={`Move rule ${n + 1} up`} disabled={n === 0} onClick={() => move(n, -1)}>
                <ArrowUp aria-hidden className="size-4" />
              </Button>
              <Button size="sm" variant="ghost" aria-label={`Move rule ${n + 1} down`} disabled={n === model.rules.length - 1} onClick={() => move(n, 1)}>
                <ArrowDown aria-hidden className="size-4" />
              </Button>
              <Button size="sm" variant="ghost" aria-label={`Remove rule ${n + 1}`} onClick={() => update((m) => void m.rules.splice(n, 1))}>
                <Trash2 aria-hidden className="size-4" />
              </Button>
            </>
          );
        }}
        density="compact"
        headerStyle="plain"
      />
      <Button size="sm" onClick={() => update((m) => void m.rules.push(blankRule(m)))}>
        <Plus aria-hidden className="size-4" /> Add rule
      </Button>
    </section>
  );
}
