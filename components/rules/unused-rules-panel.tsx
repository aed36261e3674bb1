"use client";

import { useUnusedRules } from "./queries";

/** Governance: rules of the published version that decided nothing lately, so they can be pruned. */
export function UnusedRulesPanel({ tableKey, days = 90 }: { tableKey: string; days?: number }) {
  const unused = useUnusedRules(tableKey, days, true);
  if (!unused.data) return null;
  const { rules, version } = unused.data;
  return (
    <section aria-labelledby="unused-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="unused-heading" className="text-base font-semibold text-slate-900">
        Never fired in {days} days
      </h2>
      {rules.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">Every rule of v{version} decided at least one evaluation.</p>
      ) : (
        <>
          <p className="mt-1 text-sm text-slate-600">Rules of v{version} that matched no evaluation: candidates for pruning.</p>
          <ul className="mt-2 space-y-1 text-sm" data-testid="unused-rules">
            {rules.map((r) => (
              <li key={r.id} className="text-slate-800">
                <span className="font-mono text-xs font-semibold">Rule {r.index}</span> {r.annotation ?? <span className="font-mono text-xs text-slate-500">{r.id}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
