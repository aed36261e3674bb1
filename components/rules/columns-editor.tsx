"use client";

import { useEffect, useRef, type RefObject } from "react";
import clsx from "clsx";
import { ArrowLeft, ArrowRight, Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { normaliseTypeRef } from "@/lib/rules/feel";
import type { DecisionTableModel, FeelType } from "@/lib/rules/schemas";
import { COLUMN_TYPES, addInput, addOutput, moveColumn, removeColumn, updateInput, updateOutput } from "@/lib/rules/columns";

const smallControl = "rounded border-0 px-2 py-1 text-sm ring-1 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/** One input or output column of the table being edited, with what its row of controls needs. */
interface ColumnRow {
  kind: "input" | "output";
  k: number;
  id: string;
  key: string;
  label: string | null;
  type: FeelType;
  title: string;
  error: string | null;
  focus: RefObject<HTMLInputElement | null> | undefined;
  set: (patch: { key?: string; label?: string; type?: FeelType }) => void;
}

const COLUMNS: DataColumn<ColumnRow>[] = [
  { id: "column", header: "Column", meta: { rowHeader: true, className: "text-xs font-medium whitespace-nowrap text-slate-600" }, cell: ({ row }) => row.original.title },
  {
    id: "key",
    header: "Expression / name",
    cell: ({ row: { original: c } }) => (
      <>
        <input
          ref={c.focus}
          aria-label={`${c.title} ${c.kind === "input" ? "expression" : "name"}`}
          aria-invalid={c.error ? true : undefined}
          aria-describedby={c.error ? `${c.id}-col-error` : undefined}
          className={clsx(smallControl, "w-44 font-mono", c.error ? "ring-red-500" : "ring-slate-300")}
          value={c.key}
          spellCheck={false}
          onChange={(e) => c.set({ key: e.target.value })}
        />
        {c.error && (
          <p id={`${c.id}-col-error`} className="mt-0.5 max-w-72 text-xs text-red-700">
            {c.error}
          </p>
        )}
      </>
    ),
  },
  {
    id: "label",
    header: "Label",
    cell: ({ row: { original: c } }) => <input aria-label={`${c.title} label`} className={clsx(smallControl, "w-44 ring-slate-300")} value={c.label ?? ""} onChange={(e) => c.set({ label: e.target.value })} />,
  },
  {
    id: "type",
    header: "Type",
    cell: ({ row: { original: c } }) => (
      <select aria-label={`${c.title} type`} className={clsx(smallControl, "pr-8 ring-slate-300")} value={c.type} onChange={(e) => c.set({ type: e.target.value as FeelType })}>
        {COLUMN_TYPES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    ),
  },
];

/** The table's columns: expression or name, label and type of each, in order, with add, move and remove. */
export function ColumnsEditor({
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
  const row = (kind: ColumnRow["kind"], k: number, id: string, key: string, label: string | null | undefined, typeRef: string | null | undefined): ColumnRow => {
    const title = `${kind === "input" ? "Input" : "Output"} ${k + 1}`;
    return {
      kind,
      k,
      id,
      key,
      label: label ?? null,
      type: normaliseTypeRef(typeRef),
      title,
      error: errors.get(id) ?? (serverElement === id || serverElement === `${id}_expr` ? serverMessage : null),
      focus: focusColumn === id ? focusRef : undefined,
      set: (patch) =>
        onChange(kind === "input" ? updateInput(model, k, { expression: patch.key, label: patch.label, type: patch.type }) : updateOutput(model, k, { name: patch.key, label: patch.label, type: patch.type })),
    };
  };
  const rows = [...model.inputs.map((c, k) => row("input", k, c.id, c.expression, c.label, c.typeRef)), ...model.outputs.map((c, k) => row("output", k, c.id, c.name, c.label, c.typeRef))];
  const count = { input: model.inputs.length, output: model.outputs.length };
  const nextName = (prefix: string, taken: string[]) => {
    let n = 1;
    while (taken.includes(`${prefix}${n}`)) n++;
    return `${prefix}${n}`;
  };
  /** A new column named input1, input2… (output1…), its name field focused and selected. */
  const add = (kind: "input" | "output") => {
    const next =
      kind === "input"
        ? addInput(model, { expression: nextName("input", model.inputs.map((i) => i.expression)), type: "string" })
        : addOutput(model, { name: nextName("output", model.outputs.map((o) => o.name)), type: "string" });
    onChange(next, (kind === "input" ? next.inputs : next.outputs).at(-1)!.id);
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
      <DataTable
        className="mt-2"
        label="Columns of the decision table"
        columns={COLUMNS}
        data={rows}
        getRowId={(r) => r.id}
        rowProps={(r) => ({ "data-testid": `column-${r.kind}-${r.k + 1}` })}
        rowActions={(r) => (
          <>
            <Button size="sm" variant="ghost" aria-label={`Move ${r.title.toLowerCase()} left`} disabled={r.k === 0} onClick={() => onChange(moveColumn(model, r.kind, r.k, r.k - 1))}>
              <ArrowLeft aria-hidden className="size-4" />
            </Button>
            <Button size="sm" variant="ghost" aria-label={`Move ${r.title.toLowerCase()} right`} disabled={r.k === count[r.kind] - 1} onClick={() => onChange(moveColumn(model, r.kind, r.k, r.k + 1))}>
              <ArrowRight aria-hidden className="size-4" />
            </Button>
            <Button size="sm" variant="ghost" aria-label={`Remove ${r.title.toLowerCase()}`} disabled={r.kind === "output" && count.output === 1} onClick={() => onChange(removeColumn(model, r.kind, r.k))}>
              <Trash2 aria-hidden className="size-4" />
            </Button>
          </>
        )}
        density="compact"
        headerStyle="plain"
      />
      <div className="mt-2 flex gap-2">
        <Button size="sm" onClick={() => add("input")}>
          <Plus aria-hidden className="size-4" /> Add input
        </Button>
        <Button size="sm" onClick={() => add("output")}>
          <Plus aria-hidden className="size-4" /> Add output
        </Button>
      </div>
    </details>
  );
}
