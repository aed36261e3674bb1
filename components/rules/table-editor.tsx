"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import clsx from "clsx";
import { ArrowDown, ArrowLeft, ArrowRight, ArrowUp, Plus, Save, Trash2, X } from "lucide-react";
import { isApiError } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { checkExpression, checkUnaryTests } from "@/lib/rules/feel";
import { modelToDmnXml } from "@/lib/rules/serialize";
import { AGGREGATIONS, HIT_POLICIES, type DecisionTableModel, type FeelType, type TableRule } from "@/lib/rules/schemas";
import { COLUMN_TYPES, addInput, addOutput, columnProblems, moveColumn, removeColumn, updateInput, updateOutput } from "@/lib/rules/columns";
import { normaliseTypeRef } from "@/lib/rules/feel";
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

export function TableEditor({ model: initial, onDone }: { model: DecisionTableModel; onDone: (savedVersion: number | null) => void }) {
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
    upload.mutate(modelToDmnXml(model), { onSuccess: (r) => onDone(r.tables.find((t) => t.key === model.key)?.version ?? null) });
  }

  const cellClass = (id: string) =>
    clsx(
      "min-w-24 rounded border-0 bg-white px-2 py-1 font-mono text-[13px] ring-1 ring-inset focus:ring-2 focus:outline-none",
      problems.has(id) || serverElement === id ? "ring-red-500 focus:ring-red-600" : "ring-slate-300 focus:ring-indigo-600",
    );

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

      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-left text-sm" data-testid="table-editor">
          <thead>
            <tr className="border-b border-slate-200 text-xs text-slate-600">
              <th scope="col" className="w-10 px-1 py-1.5">#</th>
              {model.inputs.map((i) => (
                <th key={i.id} scope="col" className="px-1 py-1.5 font-semibold">
                  {i.label ?? i.expression}
                </th>
              ))}
              {model.outputs.map((o) => (
                <th key={o.id} scope="col" className="px-1 py-1.5 font-semibold">
                  {o.label ?? o.name}
                </th>
              ))}
              <th scope="col" className="px-1 py-1.5 font-semibold">Annotation</th>
              <th scope="col" className="px-1 py-1.5">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {model.rules.map((r, n) => (
              <tr key={r.id} className="border-b border-slate-100 align-top" data-testid={`edit-row-${n + 1}`}>
                <th scope="row" className="px-1 py-1.5 font-mono text-xs text-slate-500">
                  {n + 1}
                </th>
                {[...r.inputEntries.map((c, k) => ({ c, k, kind: "in" as const })), ...r.outputEntries.map((c, k) => ({ c, k, kind: "out" as const }))].map(({ c, k, kind }) => {
                  const column = kind === "in" ? (model.inputs[k]!.label ?? model.inputs[k]!.expression) : (model.outputs[k]!.label ?? model.outputs[k]!.name);
                  const error = problems.get(c.id) ?? (serverElement === c.id ? upload.error?.message : undefined);
                  return (
                    <td key={c.id} className="px-1 py-1">
                      <input
                        aria-label={`Rule ${n + 1}, ${column}`}
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
                    </td>
                  );
                })}
                <td className="px-1 py-1">
                  <input
                    aria-label={`Rule ${n + 1}, annotation`}
                    className="w-full min-w-40 rounded border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
                    value={r.annotation ?? ""}
                    onChange={(e) => update((m) => void (m.rules[n]!.annotation = e.target.value || null))}
                  />
                </td>
                <td className="px-1 py-1 whitespace-nowrap">
                  <Button size="sm" variant="ghost" aria-label={`Move rule ${n + 1} up`} disabled={n === 0} onClick={() => move(n, -1)}>
                    <ArrowUp aria-hidden className="size-4" />
                  </Button>
                  <Button size="sm" variant="ghost" aria-label={`Move rule ${n + 1} down`} disabled={n === model.rules.length - 1} onClick={() => move(n, 1)}>
                    <ArrowDown aria-hidden className="size-4" />
                  </Button>
                  <Button size="sm" variant="ghost" aria-label={`Remove rule ${n + 1}`} onClick={() => update((m) => void m.rules.splice(n, 1))}>
                    <Trash2 aria-hidden className="size-4" />
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Button size="sm" onClick={() => update((m) => void m.rules.push(blankRule(m)))}>
        <Plus aria-hidden className="size-4" /> Add rule
      </Button>
    </section>
  );
}

const smallControl = "rounded border-0 px-2 py-1 text-sm ring-1 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/** The table's columns: expression or name, label and type of each, in order, with add, move and remove. */
function ColumnsEditor({
  model,
  errors,
  serverElement,
  serverMessage,
  focusColumn,
  onChange,
}: {
  model: DecisionTableModel;
  errors: Map<string, string>;
  serverElement: string | null;
  serverMessage: string | null;
  focusColumn: string | null;
  onChange: (m: DecisionTableModel, focus?: string) => void;
}) {
  const focusRef = useRef<HTMLInputElement | null>(null);
  useEffect(() => {
    focusRef.current?.focus();
    focusRef.current?.select();
  }, [focusColumn]);
  const rows = [
    ...model.inputs.map((c, k) => ({ kind: "input" as const, k, id: c.id, key: c.expression, label: c.label, type: normaliseTypeRef(c.typeRef) })),
    ...model.outputs.map((c, k) => ({ kind: "output" as const, k, id: c.id, key: c.name, label: c.label, type: normaliseTypeRef(c.typeRef) })),
  ];
  const count = { input: model.inputs.length, output: model.outputs.length };
  const nextName = (prefix: string, taken: string[]) => {
    let n = 1;
    while (taken.includes(`${prefix}${n}`)) n++;
    return `${prefix}${n}`;
  };
  return (
    <details className="rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200" open={errors.size > 0 || undefined} data-testid="columns-editor">
      <summary className="cursor-pointer text-sm font-medium text-slate-800">
        Columns: {model.inputs.length} input{model.inputs.length === 1 ? "" : "s"}, {model.outputs.length} output{model.outputs.length === 1 ? "" : "s"}
      </summary>
      <p className="mt-1 text-xs text-slate-600">
        An input&apos;s expression is what the table reads (a variable such as <code>amount</code>); an output&apos;s name is the key in the result. A new input matches
        anything (<code>-</code>) until you fill it; a new output answers nothing (null) until you do.
      </p>
      <table className="mt-2 w-full text-left text-sm">
        <thead className="text-xs text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-2">Column</th>
            <th scope="col" className="py-1 pr-2">Expression / name</th>
            <th scope="col" className="py-1 pr-2">Label</th>
            <th scope="col" className="py-1 pr-2">Type</th>
            <th scope="col" className="py-1">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const title = `${c.kind === "input" ? "Input" : "Output"} ${c.k + 1}`;
            const error = errors.get(c.id) ?? (serverElement === c.id || serverElement === `${c.id}_expr` ? serverMessage : null);
            const set = (patch: { key?: string; label?: string; type?: FeelType }) =>
              onChange(
                c.kind === "input"
                  ? updateInput(model, c.k, { expression: patch.key, label: patch.label, type: patch.type })
                  : updateOutput(model, c.k, { name: patch.key, label: patch.label, type: patch.type }),
              );
            return (
              <tr key={c.id} className="align-top" data-testid={`column-${c.kind}-${c.k + 1}`}>
                <th scope="row" className="py-1 pr-2 text-xs font-medium whitespace-nowrap text-slate-600">
                  {title}
                </th>
                <td className="py-1 pr-2">
                  <input
                    ref={focusColumn === c.id ? focusRef : undefined}
                    aria-label={`${title} ${c.kind === "input" ? "expression" : "name"}`}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${c.id}-col-error` : undefined}
                    className={clsx(smallControl, "w-44 font-mono", error ? "ring-red-500" : "ring-slate-300")}
                    value={c.key}
                    spellCheck={false}
                    onChange={(e) => set({ key: e.target.value })}
                  />
                  {error && (
                    <p id={`${c.id}-col-error`} className="mt-0.5 max-w-72 text-xs text-red-700">
                      {error}
                    </p>
                  )}
                </td>
                <td className="py-1 pr-2">
                  <input aria-label={`${title} label`} className={clsx(smallControl, "w-44 ring-slate-300")} value={c.label ?? ""} onChange={(e) => set({ label: e.target.value })} />
                </td>
                <td className="py-1 pr-2">
                  <select aria-label={`${title} type`} className={clsx(smallControl, "pr-8 ring-slate-300")} value={c.type} onChange={(e) => set({ type: e.target.value as FeelType })}>
                    {COLUMN_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="py-1 whitespace-nowrap">
                  <Button size="sm" variant="ghost" aria-label={`Move ${title.toLowerCase()} left`} disabled={c.k === 0} onClick={() => onChange(moveColumn(model, c.kind, c.k, c.k - 1))}>
                    <ArrowLeft aria-hidden className="size-4" />
                  </Button>
                  <Button size="sm" variant="ghost" aria-label={`Move ${title.toLowerCase()} right`} disabled={c.k === count[c.kind] - 1} onClick={() => onChange(moveColumn(model, c.kind, c.k, c.k + 1))}>
                    <ArrowRight aria-hidden className="size-4" />
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Remove ${title.toLowerCase()}`}
                    disabled={c.kind === "output" && count.output === 1}
                    onClick={() => onChange(removeColumn(model, c.kind, c.k))}
                  >
                    <Trash2 aria-hidden className="size-4" />
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="mt-2 flex gap-2">
        <Button
          size="sm"
          onClick={() => {
            const next = addInput(model, { expression: nextName("input", model.inputs.map((i) => i.expression)), type: "string" });
            onChange(next, next.inputs.at(-1)!.id);
          }}
        >
          <Plus aria-hidden className="size-4" /> Add input
        </Button>
        <Button
          size="sm"
          onClick={() => {
            const next = addOutput(model, { name: nextName("output", model.outputs.map((o) => o.name)), type: "string" });
            onChange(next, next.outputs.at(-1)!.id);
          }}
        >
          <Plus aria-hidden className="size-4" /> Add output
        </Button>
      </div>
    </details>
  );
}
