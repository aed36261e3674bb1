import { Clock } from "lucide-react";
import { behindText, type Freshness } from "@/lib/db/freshness";

/**
 * Said where figures were read from a read replica that is behind the primary (ADR 049): "may be
 * up to N s behind". Nothing when they are current (or came from the primary). Plain text in the
 * flow of the page, not a live region: it changes with each refetch.
 */
export function FreshnessNote({ freshness, what = "These figures", className }: { freshness: Freshness | undefined; what?: string; className?: string }) {
  if (!freshness?.behind || freshness.lagSeconds === null) return null;
  return (
    <p data-testid="freshness-note" className={`flex items-start gap-1.5 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 ${className ?? ""}`}>
      <Clock aria-hidden className="mt-0.5 size-4 shrink-0" />
      <span>
        {what} may be up to {behindText(freshness.lagSeconds)} behind: they are read from a copy of the database that is catching up. Your own
        recent changes may not show yet.
      </span>
    </p>
  );
}
