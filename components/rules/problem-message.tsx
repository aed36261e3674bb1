"use client";

import clsx from "clsx";
import { TriangleAlert } from "lucide-react";
import { isApiError } from "@/components/data/api";

/** A refused request in words: the problem's detail, and the DMN element it points at. */
export function ProblemMessage({ error, title, className }: { error: unknown; title: string; className?: string }) {
  const elementId = isApiError(error) && typeof error.problem.elementId === "string" ? error.problem.elementId : null;
  return (
    <div role="alert" className={clsx("flex gap-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 ring-1 ring-red-200", className)}>
      <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-red-600" />
      <div>
        <p className="font-medium">{title}</p>
        <p>{error instanceof Error ? error.message : String(error)}</p>
        {elementId && (
          <p className="mt-0.5 text-xs text-red-800">
            DMN element: <code className="rounded bg-white/70 px-1">{elementId}</code>
          </p>
        )}
      </div>
    </div>
  );
}
