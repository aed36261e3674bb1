"use client";

import { CircleCheck, CircleX, Trash2 } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { TestCase, TestCaseResult } from "@/lib/rules/schemas";

const show = (v: unknown) => JSON.stringify(v);

export function TestCasesPanel({
  testCases,
  results,
  version,
  onRemove,
  saving,
}: {
  testCases: TestCase[];
  results: TestCaseResult[];
  version: number;
  onRemove: (name: string) => void;
  saving: boolean;
}) {
  const failing = results.filter((r) => !r.passed).length;
  return (
    <section aria-labelledby="tests-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="tests-heading" className="text-base font-semibold text-slate-900">
          Test cases
        </h2>
        {testCases.length > 0 && (
          <Badge tone={failing ? "danger" : "success"}>
            <span data-testid="tests-summary">{failing ? `${failing} of ${results.length} failing` : `all ${results.length} pass`}</span>
          </Badge>
        )}
      </div>
      <p className="mt-0.5 text-sm text-slate-600">Every case must pass on version {version} before it can be published.</p>
      {testCases.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">No test cases yet. Try inputs in the what-if tester and keep the result as a test case.</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100">
          {results.map((r) => (
            <li key={r.name} className="flex items-start gap-2 py-2" data-testid="test-case" data-passed={r.passed}>
              {r.passed ? (
                <CircleCheck aria-label="passes" className="mt-0.5 size-4 shrink-0 text-emerald-600" />
              ) : (
                <CircleX aria-label="fails" className="mt-0.5 size-4 shrink-0 text-red-600" />
              )}
              <div className="min-w-0 flex-1 text-sm">
                <p className="font-medium text-slate-900">{r.name}</p>
                <p className="truncate font-mono text-xs text-slate-500" title={show(testCases.find((t) => t.name === r.name)?.inputs)}>
                  {show(testCases.find((t) => t.name === r.name)?.inputs)}
                </p>
                {!r.passed && (
                  <div className="mt-1 space-y-0.5 text-xs [overflow-wrap:anywhere]">
                    <p className="text-slate-700">
                      expected <code className="font-mono">{show(r.expected)}</code>
                    </p>
                    <p className="text-red-800">{r.error ? r.error : <>got <code className="font-mono">{show(r.actual)}</code>{r.matchedRules.length > 0 && ` (rules ${r.matchedRules.join(", ")})`}</>}</p>
                  </div>
                )}
              </div>
              <Button size="sm" variant="ghost" aria-label={`Remove test case ${r.name}`} disabled={saving} onClick={() => onRemove(r.name)}>
                <Trash2 aria-hidden className="size-4" />
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
