"use client";

import { useState, type FormEvent } from "react";
import { FlaskConical, Save } from "lucide-react";
import { isApiError } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { normaliseTypeRef } from "@/lib/rules/feel";
import type { DecisionTableModel, EvaluationDto, TableInput } from "@/lib/rules/schemas";
import { useEvaluate, useLoadInstance, useRecentInstances } from "./queries";
import { ProblemMessage } from "./problem-message";

// Enter inputs, see which rules match and what the table answers, before publishing. Runs the
// shown version through the API (so it is the same evaluation, and it is audited).

/** A column whose expression is a variable or a path (`amount`, `invoice.amount`) gets a field. */
const PATH = /^[A-Za-z_][\w ]*(\.[A-Za-z_][\w ]*)*$/;

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split(".").map((p) => p.trim());
  let obj = target;
  parts.slice(0, -1).forEach((p) => {
    if (typeof obj[p] !== "object" || obj[p] === null) obj[p] = {};
    obj = obj[p] as Record<string, unknown>;
  });
  obj[parts.at(-1)!] = value;
}

function parseField(input: TableInput, raw: string): unknown {
  return parseTypedField(input.typeRef, raw);
}

/** A what-if field's text as the JSON value its typeRef expects (other types are read as JSON when they parse). */
export function parseTypedField(typeRef: string | null, raw: string): unknown {
  if (raw.trim() === "") return null;
  switch (normaliseTypeRef(typeRef)) {
    case "number":
      return Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case "boolean":
      return raw === "true";
    case "string":
    case "date":
    case "time":
    case "dateTime":
    case "duration":
      return raw;
    default:
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
  }
}

function buildInputs(model: DecisionTableModel, values: Record<string, string>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const i of model.inputs) if (PATH.test(i.expression)) setPath(inputs, i.expression, parseField(i, values[i.id] ?? ""));
  return inputs;
}

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const p of path.split(".").map((x) => x.trim())) {
    if (!cur || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, p)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** The field values a past instance's variables give the table's inputs, and the inputs it lacks. */
function valuesFromVariables(model: DecisionTableModel, variables: Record<string, unknown>): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const i of model.inputs) {
    if (!PATH.test(i.expression)) continue;
    const v = getPath(variables, i.expression);
    if (v === undefined || v === null) {
      missing.push(i.label ?? i.expression);
      continue;
    }
    values[i.id] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return { values, missing };
}

/** Pick a past process instance: its variables fill the inputs (same names as the columns' expressions). */
function InstancePicker({ model, onPick }: { model: DecisionTableModel; onPick: (values: Record<string, string>) => void }) {
  const [chosen, setChosen] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const instances = useRecentInstances();
  const load = useLoadInstance();
  const pick = (id: string) =>
    load.mutate(id, {
      onSuccess: (i) => {
        const { values, missing } = valuesFromVariables(model, i.variables);
        onPick(values);
        const name = i.businessKey ?? i.id;
        setNote(`Filled ${Object.keys(values).length} input${Object.keys(values).length === 1 ? "" : "s"} from ${name}${missing.length ? `; it has no ${missing.join(", ")} (left empty)` : ""}.`);
      },
      onError: (err) => setNote(err.message),
    });
  if (instances.isError) return <p className="text-xs text-slate-500">Past instances are not available to you ({instances.error.message}).</p>;
  return (
    <div>
      <Select
        label="Fill from a past process instance"
        value={chosen}
        disabled={instances.isPending || (instances.data?.data.length ?? 0) === 0}
        hint={instances.data && instances.data.data.length === 0 ? "No process instances yet." : "Its variables become the inputs."}
        onChange={(e) => {
          setChosen(e.target.value);
          setNote(null);
          if (e.target.value) pick(e.target.value);
        }}
      >
        <option value="">{instances.isPending ? "Loading instances…" : "Choose an instance…"}</option>
        {instances.data?.data.map((i) => (
          <option key={i.id} value={i.id}>
            {i.businessKey ?? i.id.slice(0, 10)} · {i.process.name} v{i.process.version} · {i.status.toLowerCase()}
          </option>
        ))}
      </Select>
      <p aria-live="polite" className="mt-1 text-xs text-slate-600" data-testid="what-if-instance-note">
        {load.isPending ? "Loading its variables…" : note}
      </p>
    </div>
  );
}

export function WhatIfTester({
  tableKey,
  model,
  version,
  onResult,
  onSaveAsTestCase,
}: {
  tableKey: string;
  model: DecisionTableModel;
  version: number;
  onResult: (r: { matched: string[]; conflicting: string[] }) => void;
  onSaveAsTestCase?: (inputs: Record<string, unknown>, result: EvaluationDto) => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const evaluate = useEvaluate(tableKey);
  const [lastInputs, setLastInputs] = useState<Record<string, unknown> | null>(null);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const inputs = buildInputs(model, values);
    setLastInputs(inputs);
    evaluate.mutate(
      { inputs, version },
      {
        onSuccess: (r) => onResult({ matched: r.matchedRules.map((m) => m.id), conflicting: [] }),
        onError: (err) => onResult({ matched: [], conflicting: isApiError(err) && Array.isArray(err.problem.rules) ? (err.problem.rules as string[]) : [] }),
      },
    );
  }

  const result = evaluate.data;
  const unsupported = model.inputs.filter((i) => !PATH.test(i.expression));
  return (
    <section aria-labelledby="what-if-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="what-if-heading" className="flex items-center gap-2 text-base font-semibold text-slate-900">
        <FlaskConical aria-hidden className="size-4 text-indigo-600" /> What if…
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">Enter inputs to see which rules match version {version}.</p>
      <form onSubmit={onSubmit} className="mt-3 space-y-3" aria-label="What-if inputs">
        <InstancePicker model={model} onPick={(v) => setValues(v)} />
        {model.inputs
          .filter((i) => PATH.test(i.expression))
          .map((i) => {
            const type = normaliseTypeRef(i.typeRef);
            const label = i.label ?? i.expression;
            const set = (v: string) => setValues((s) => ({ ...s, [i.id]: v }));
            if (type === "boolean")
              return (
                <Select key={i.id} label={label} value={values[i.id] ?? ""} onChange={(e) => set(e.target.value)} hint={i.expression}>
                  <option value="">(null)</option>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </Select>
              );
            return (
              <Input
                key={i.id}
                label={label}
                hint={`${i.expression}${i.typeRef ? ` : ${i.typeRef}` : ""}${type === "duration" ? " — ISO 8601, e.g. PT8H" : ""}`}
                type={type === "number" ? "number" : type === "date" ? "date" : "text"}
                step={type === "number" ? "any" : undefined}
                value={values[i.id] ?? ""}
                onChange={(e) => set(e.target.value)}
              />
            );
          })}
        {unsupported.length > 0 && (
          <p className="text-xs text-slate-500">Inputs computed by an expression ({unsupported.map((i) => i.expression).join(", ")}) are evaluated from the fields above.</p>
        )}
        <Button type="submit" variant="primary" loading={evaluate.isPending} className="w-full">
          Evaluate
        </Button>
      </form>

      <div aria-live="polite" className="mt-4">
        {evaluate.isError && <ProblemMessage error={evaluate.error} title="The table cannot answer these inputs" />}
        {result && !evaluate.isPending && !evaluate.isError && (
          <div data-testid="what-if-result" className="space-y-2">
            <p className="text-sm font-medium text-slate-900">
              {result.matchedRules.length === 0
                ? result.outputs.length > 0
                  ? "No rule matched: the default output applies."
                  : "No rule matched: the table gives no result."
                : `Matched rule${result.matchedRules.length > 1 ? "s" : ""} ${result.matchedRules.map((m) => m.index).join(", ")}`}
            </p>
            {result.matchedRules.map((m) => m.annotation && (
              <p key={m.id} className="text-sm text-slate-600">
                Rule {m.index}: {m.annotation}
              </p>
            ))}
            {result.outputs.map((o, n) => (
              <dl key={n} className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 rounded-md bg-emerald-50 px-3 py-2 text-sm ring-1 ring-emerald-200">
                {Object.entries(o).map(([k, v]) => (
                  <div key={k} className="contents">
                    <dt className="font-mono text-xs leading-5 text-emerald-900">{k}</dt>
                    <dd className="font-mono font-semibold text-emerald-950">{JSON.stringify(v)}</dd>
                  </div>
                ))}
              </dl>
            ))}
            {onSaveAsTestCase && lastInputs && (
              <Button size="sm" variant="ghost" onClick={() => onSaveAsTestCase(lastInputs, result)}>
                <Save aria-hidden className="size-4" /> Keep as a test case
              </Button>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
