"use client";

import clsx from "clsx";
import { GitCompareArrows } from "lucide-react";
import { Skeleton } from "@/components/ui/skeleton";
import type { RuleChange } from "@/lib/rules/schemas";
import { useTableDiff } from "./queries";

const TONE: Record<RuleChange["change"], string> = {
  added: "bg-emerald-50 text-emerald-900 ring-emerald-200",
  removed: "bg-red-50 text-red-900 ring-red-200",
  changed: "bg-amber-50 text-amber-950 ring-amber-200",
  moved: "bg-sky-50 text-sky-900 ring-sky-200",
};

/** What publishing the draft changes, against the latest published version. */
export function DiffPanel({ tableKey, enabled }: { tableKey: string; enabled: boolean }) {
  const diff = useTableDiff(tableKey);
  if (!enabled) return null;
  const d = diff.data;
  return (
    <section aria-labelledby="diff-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="diff-heading" className="flex items-center gap-2 text-base font-semibold text-slate-900">
        <GitCompareArrows aria-hidden className="size-4 text-indigo-600" />
        {d ? (d.from ? `Changes from v${d.from} to draft v${d.to}` : `First version: v${d.to}`) : "Changes"}
      </h2>
      {diff.isPending ? (
        <Skeleton className="mt-3 h-12 w-full" />
      ) : diff.isError ? (
        <p className="mt-2 text-sm text-red-700">{diff.error.message}</p>
      ) : d && d.rules.length === 0 && d.table.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">The draft has the same rules as the published version.</p>
      ) : (
        d && (
          <div className="mt-2 space-y-2 text-sm" data-testid="diff">
            <p className="text-slate-700">
              {d.summary.added} added · {d.summary.removed} removed · {d.summary.changed} changed · {d.summary.moved} moved
            </p>
            {d.table.map((t) => (
              <p key={t} className="rounded bg-slate-50 px-2 py-1 text-slate-800 ring-1 ring-slate-200">
                {t}
              </p>
            ))}
            <ul className="space-y-1.5">
              {d.rules.map((r) => (
                <li key={`${r.change}-${r.ruleId}`} className={clsx("rounded px-2 py-1.5 ring-1", TONE[r.change])}>
                  <span className="font-semibold capitalize">{r.change}</span>{" "}
                  {r.change === "added" ? `rule ${r.after}` : r.change === "removed" ? `rule ${r.before}` : r.before === r.after ? `rule ${r.after}` : `rule ${r.before} → ${r.after}`}{" "}
                  <span className="font-mono text-xs">{r.ruleId}</span>
                  {r.change === "changed" && (
                    <ul className="mt-1 space-y-0.5 font-mono text-xs">
                      {r.cells.map((c) => (
                        <li key={c.column}>
                          <span className="font-sans font-medium">{c.column}:</span> <del className="text-red-800">{c.before || "—"}</del> →{" "}
                          <ins className="text-emerald-800 no-underline">{c.after || "—"}</ins>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )
      )}
    </section>
  );
}
