"use client";

import clsx from "clsx";
import { scrollBoxProps, useScrollBox } from "@/components/ui/use-scroll-box";
import type { DecisionTableModel, HitPolicy } from "@/lib/rules/schemas";

// A decision table drawn the way DMN draws it: the hit policy in the corner, input columns, a
// double rule, output columns, then annotations; one row per rule.

const POLICY_LETTER: Record<HitPolicy, string> = {
  UNIQUE: "U",
  FIRST: "F",
  PRIORITY: "P",
  ANY: "A",
  COLLECT: "C",
  "RULE ORDER": "R",
  "OUTPUT ORDER": "O",
};
const AGG_SIGN = { SUM: "+", MIN: "<", MAX: ">", COUNT: "#" } as const;

export function hitPolicyLabel(m: Pick<DecisionTableModel, "hitPolicy" | "aggregation">): string {
  return m.aggregation ? `${m.hitPolicy} (${m.aggregation})` : m.hitPolicy;
}

export function DecisionTableGrid({
  model,
  matched = [],
  conflicting = [],
}: {
  model: DecisionTableModel;
  /** Rule ids the last what-if run matched. */
  matched?: string[];
  /** Rule ids named by an evaluation error (UNIQUE/ANY violation). */
  conflicting?: string[];
}) {
  const letter = POLICY_LETTER[model.hitPolicy] + (model.aggregation ? AGG_SIGN[model.aggregation] : "");
  const hasAllowed = model.inputs.some((i) => i.inputValues) || model.outputs.some((o) => o.outputValues);
  const sep = "border-l-4 border-double border-l-slate-300";
  // Wider than a phone: the table scrolls inside its box, which then takes focus so the keyboard can scroll it.
  const { attachScrollBox, overflowing } = useScrollBox();
  return (
    <div
      ref={attachScrollBox}
      {...scrollBoxProps(overflowing, `Rules of ${model.name} (scrolls sideways)`)}
      className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
      <table className="w-full min-w-[640px] border-collapse text-left text-sm" data-testid="decision-table">
        <caption className="sr-only">
          Rules of {model.name}, hit policy {hitPolicyLabel(model)}
        </caption>
        <thead>
          <tr className="border-b border-slate-300 bg-slate-50 align-bottom">
            <th scope="col" className="w-12 px-2 py-2 text-center" title={`Hit policy: ${hitPolicyLabel(model)}`}>
              <span className="inline-grid min-w-7 place-items-center rounded bg-indigo-600 px-1 py-0.5 font-mono text-xs font-bold text-white" data-testid="hit-policy">
                {letter}
              </span>
              <span className="sr-only">Rule number; hit policy {hitPolicyLabel(model)}</span>
            </th>
            {model.inputs.map((i) => (
              <th key={i.id} scope="col" className="px-3 py-2 font-semibold text-slate-900">
                <div className="text-[11px] font-semibold tracking-wide text-sky-700 uppercase">Input</div>
                {i.label ?? i.expression}
                <div className="font-mono text-xs font-normal text-slate-500">
                  {i.expression}
                  {i.typeRef && <span className="text-slate-500"> : {i.typeRef}</span>}
                </div>
              </th>
            ))}
            {model.outputs.map((o, n) => (
              <th key={o.id} scope="col" className={clsx("px-3 py-2 font-semibold text-slate-900", n === 0 && sep)}>
                <div className="text-[11px] font-semibold tracking-wide text-emerald-700 uppercase">Output</div>
                {o.label ?? o.name}
                <div className="font-mono text-xs font-normal text-slate-500">
                  {o.name}
                  {o.typeRef && <span className="text-slate-500"> : {o.typeRef}</span>}
                </div>
              </th>
            ))}
            <th scope="col" className="border-l border-slate-200 px-3 py-2 font-semibold text-slate-700">
              Annotation
            </th>
          </tr>
          {hasAllowed && (
            <tr className="border-b border-slate-200 bg-slate-50/60 text-xs text-slate-500">
              <th scope="row" className="px-2 py-1 text-center font-normal">
                <span className="sr-only">Allowed values</span>
              </th>
              {model.inputs.map((i) => (
                <td key={i.id} className="px-3 py-1 font-mono">
                  {i.inputValues ?? ""}
                </td>
              ))}
              {model.outputs.map((o, n) => (
                <td key={o.id} className={clsx("px-3 py-1 font-mono", n === 0 && sep)}>
                  {o.outputValues ?? ""}
                  {o.defaultOutput && <div className="font-sans">default: {o.defaultOutput}</div>}
                </td>
              ))}
              <td className="border-l border-slate-200" />
            </tr>
          )}
        </thead>
        <tbody>
          {model.rules.map((r, n) => {
            const isMatch = matched.includes(r.id);
            const isConflict = conflicting.includes(r.id);
            return (
              <tr
                key={r.id}
                data-testid={`rule-row-${n + 1}`}
                data-rule-id={r.id}
                data-matched={isMatch || undefined}
                aria-label={isMatch ? `Rule ${n + 1}, matched` : isConflict ? `Rule ${n + 1}, in conflict` : undefined}
                className={clsx(
                  "border-b border-slate-100 align-top transition-colors last:border-b-0",
                  isMatch && "bg-emerald-50 outline-2 -outline-offset-2 outline-emerald-500",
                  isConflict && "bg-amber-50 outline-2 -outline-offset-2 outline-amber-500",
                )}
              >
                <th scope="row" className="px-2 py-2 text-center font-mono text-xs font-semibold text-slate-500">
                  {n + 1}
                  {isMatch && <span className="sr-only"> (matched)</span>}
                </th>
                {r.inputEntries.map((c) => (
                  <td key={c.id} className="px-3 py-2 font-mono text-[13px] text-slate-800">
                    {c.text === "" || c.text === "-" ? <span className="text-slate-500">-</span> : c.text}
                  </td>
                ))}
                {r.outputEntries.map((c, k) => (
                  <td key={c.id} className={clsx("px-3 py-2 font-mono text-[13px] text-slate-900", k === 0 && sep)}>
                    {c.text}
                  </td>
                ))}
                <td className="border-l border-slate-200 px-3 py-2 text-slate-600">{r.annotation}</td>
              </tr>
            );
          })}
          {model.rules.length === 0 && (
            <tr>
              <td colSpan={model.inputs.length + model.outputs.length + 2} className="px-3 py-6 text-center text-slate-500">
                This table has no rules.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
