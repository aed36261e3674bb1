import { ExternalLink } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { contextCurrency, formatMoney, humanizeKey, isMoneyKey } from "./format";

const URL_RE = /^https?:\/\/\S+$/i;
const GOOD = /^(matched|passed|low|ok|yes|verified|clean)$/i;
const STATUSY = /(match|result|risk|check|status)$/i;

/** A task's context as a definition list a person can decide from: labels, money, links, lists. */
export function ContextView({ context }: { context: Record<string, unknown> }) {
  const currency = contextCurrency(context);
  const entries = Object.entries(context).filter(([k]) => !(k === "currency" && currency));
  if (entries.length === 0) return <p className="text-sm text-slate-500">No details were attached to this task.</p>;
  return <FieldList entries={entries} currency={currency} />;
}

function FieldList({ entries, currency, nested = false }: { entries: [string, unknown][]; currency?: string; nested?: boolean }) {
  return (
    <dl
      className={
        nested
          ? "mt-1 space-y-1 border-l-2 border-slate-200 pl-3"
          : "grid grid-cols-[minmax(6.5rem,35%)_1fr] gap-x-4 gap-y-2.5 sm:grid-cols-[minmax(9rem,max-content)_1fr] sm:gap-x-6"
      }
    >
      {entries.map(([key, value]) => (
        <div key={key} className={nested ? "flex flex-wrap gap-x-2 text-sm" : "contents"}>
          <dt className={nested ? "text-slate-500" : "text-sm text-slate-500 sm:pt-px"}>{humanizeKey(key)}</dt>
          <dd className="min-w-0 text-sm break-words text-slate-900">
            <Value k={key} value={value} currency={currency} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Value({ k, value, currency }: { k: string; value: unknown; currency?: string }) {
  if (value === null || value === undefined || value === "") return <span className="text-slate-400">—</span>;
  if (typeof value === "number") {
    if (isMoneyKey(k)) return <span className="font-semibold tabular-nums">{formatMoney(value, currency)}</span>;
    return <span className="tabular-nums">{new Intl.NumberFormat().format(value)}</span>;
  }
  if (typeof value === "boolean") return <span>{value ? "Yes" : "No"}</span>;
  if (typeof value === "string") {
    if (URL_RE.test(value)) {
      return (
        <a
          href={value}
          target="_blank"
          rel="noopener noreferrer"
          className="inline-flex items-center gap-1 text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
        >
          <span className="break-all">{value.replace(/^https?:\/\//, "")}</span>
          <ExternalLink aria-hidden className="size-3.5 shrink-0" />
          <span className="sr-only">(opens in a new tab)</span>
        </a>
      );
    }
    if (STATUSY.test(k) && value.length < 60) return <Badge tone={GOOD.test(value) ? "success" : "warning"}>{value}</Badge>;
    return <span className="whitespace-pre-line">{value}</span>;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="text-slate-400">None</span>;
    return (
      <ul className="list-disc space-y-0.5 pl-5">
        {value.map((item, i) => (
          <li key={i}>
            <Value k={k} value={item} currency={currency} />
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return <FieldList nested entries={Object.entries(obj)} currency={contextCurrency(obj) ?? currency} />;
  }
  return <span>{String(value)}</span>;
}
