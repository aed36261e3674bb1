"use client";

import clsx from "clsx";
import { ExternalLink } from "lucide-react";
import { fillHref, valueAt, type ContextFormat, type ContextLayout } from "@/lib/processes/context-layout";
import type { CaseDto } from "@/lib/tasks/context-schemas";
import { useMe } from "@/components/data/queries";
import { Badge } from "@/components/ui/badge";
import { formatMoney, localDateTime } from "./format";
import { useTaskCase } from "./case-queries";
import { SubHeading } from "@/components/ui/heading-level";
import { useScrollBox } from "@/components/ui/use-scroll-box";

// The case around a task, as its process declares it (context layout): labelled fields formatted
// in the viewer's locale and time zone, links to the source system, figures side by side with the
// differences marked, the request's steps, the case's other tasks and comments, and the party's
// earlier requests. Without a layout the caller shows the generic field list instead.

const GOOD = /^(matched|passed|low|ok|yes|verified|clean|approve|approved)$/i;

function useViewerZone(): string | undefined {
  return useMe().data?.settings?.timeZone || undefined;
}

function currencyOf(values: Record<string, unknown>, spec: { currency?: string; currencyPath?: string }): string | undefined {
  const c = spec.currencyPath ? valueAt(values, spec.currencyPath) : spec.currency;
  return typeof c === "string" ? c : spec.currency;
}

export function formatValue(value: unknown, format: ContextFormat, opts: { currency?: string; timeZone?: string }): string {
  if (value === null || value === undefined || value === "") return "—";
  if (format === "money" && typeof value === "number") return formatMoney(value, opts.currency);
  if (format === "number" && typeof value === "number") return new Intl.NumberFormat().format(value);
  if ((format === "date" || format === "datetime") && typeof value === "string" && !Number.isNaN(Date.parse(value))) {
    const d = new Date(value);
    // A date without a time is a calendar day: shown as that day wherever the viewer is.
    if (format === "date" || /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: /^\d{4}-\d{2}-\d{2}$/.test(value) ? "UTC" : opts.timeZone }).format(d);
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: opts.timeZone }).format(d);
  }
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function LinkOut({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="inline-flex items-center gap-1 text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
      {children}
      <ExternalLink aria-hidden className="size-3.5 shrink-0" />
      <span className="sr-only">(opens in a new tab)</span>
    </a>
  );
}

export function LayoutSections({ layout, values }: { layout: ContextLayout; values: Record<string, unknown> }) {
  const timeZone = useViewerZone();
  const lookup = (p: string) => valueAt(values, p);
  return (
    <div className="grid gap-5 md:grid-cols-2" data-testid="context-layout">
      {layout.sections.map((section) => (
        <section key={section.title} aria-label={section.title} className="rounded-lg border border-slate-200 p-4">
          <SubHeading depth={2} className="mb-3 text-xs font-semibold tracking-wide text-slate-500 uppercase">{section.title}</SubHeading>
          <dl className="grid grid-cols-[minmax(6.5rem,40%)_1fr] gap-x-4 gap-y-2">
            {section.fields.map((f) => {
              const v = lookup(f.path);
              const text = formatValue(v, f.format, { currency: currencyOf(values, f), timeZone });
              const href = f.href ? fillHref(f.href, lookup) : f.format === "link" && typeof v === "string" && /^https?:\/\//.test(v) ? v : null;
              return (
                <div key={f.path + f.label} className="contents">
                  <dt className="text-sm text-slate-500">{f.label}</dt>
                  <dd className={clsx("min-w-0 text-sm break-words text-slate-900", f.format === "money" && "font-semibold tabular-nums")}>
                    {href ? (
                      <LinkOut href={href}>{f.format === "link" ? text.replace(/^https?:\/\//, "") : text}</LinkOut>
                    ) : f.format === "status" && text !== "—" ? (
                      <Badge tone={GOOD.test(text) ? "success" : "warning"}>{text}</Badge>
                    ) : (
                      text
                    )}
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
    </div>
  );
}

export function ComparisonTable({ comparison, values }: { comparison: NonNullable<ContextLayout["comparison"]>; values: Record<string, unknown> }) {
  const timeZone = useViewerZone();
  // Wider than a phone: the box scrolls sideways and takes focus so the keyboard can scroll it.
  const { attachScrollBox, overflowing } = useScrollBox<HTMLElement>();
  return (
    <section
      ref={attachScrollBox}
      aria-label={comparison.title}
      tabIndex={overflowing ? 0 : undefined}
      className="mt-5 overflow-x-auto focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      data-testid="comparison">
      <table className="w-full min-w-[28rem] text-sm">
        <caption className="mb-2 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">{comparison.title}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left">
            <th scope="col" className="py-1.5 pr-3 font-medium text-slate-500">
              <span className="sr-only">Figure</span>
            </th>
            {comparison.columns.map((c) => (
              <th key={c} scope="col" className="py-1.5 pr-3 text-right font-medium text-slate-700">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {comparison.rows.map((row) => {
            const cells = row.paths.map((p) => (p ? valueAt(values, p) : undefined));
            const base = cells[0];
            const currency = currencyOf(values, row);
            return (
              <tr key={row.label} className="border-b border-slate-100">
                <th scope="row" className="py-1.5 pr-3 text-left font-normal text-slate-600">
                  {row.label}
                </th>
                {cells.map((v, i) => {
                  const differs = i > 0 && v !== undefined && v !== null && base !== undefined && JSON.stringify(v) !== JSON.stringify(base);
                  const diff = differs && typeof v === "number" && typeof base === "number" ? v - base : null;
                  return (
                    <td key={i} className={clsx("py-1.5 pr-3 text-right tabular-nums", differs ? "bg-amber-50 font-semibold text-amber-900" : "text-slate-900")} data-differs={differs || undefined}>
                      {formatValue(v, row.format, { currency, timeZone })}
                      {differs && (
                        <span className="block text-xs font-normal">
                          {diff !== null ? `${diff > 0 ? "+" : "−"}${formatValue(Math.abs(diff), row.format, { currency, timeZone })} vs ${comparison.columns[0]}` : `differs from ${comparison.columns[0]}`}
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

const OUTCOME_TONE = (o: string | null) => (o === "approve" ? "success" : o === "reject" ? "danger" : "neutral");

/** The request's steps, the case's other tasks and comments, and the party's history. */
export function CasePanels({ data }: { data: CaseDto }) {
  if (!data.request) return null;
  return (
    <div className="mt-6 grid gap-5 lg:grid-cols-2" data-testid="case-panels">
      <section aria-labelledby="case-steps" className="rounded-lg border border-slate-200 p-4">
        <SubHeading depth={2} id="case-steps" className="mb-2 text-sm font-semibold text-slate-900">
          {data.request.processName}
          {data.request.businessKey && <span className="font-normal text-slate-500"> · {data.request.businessKey}</span>}
        </SubHeading>
        <p className="mb-2 text-xs text-slate-500">
          Started {localDateTime(data.request.startedAt)}
          {data.request.startedBy ? ` by ${data.request.startedBy}` : ""} · {data.request.status.toLowerCase()}
        </p>
        <ol className="space-y-1 text-sm">
          {data.timeline.map((s, i) => (
            <li key={`${s.stepId}-${i}`} className="flex justify-between gap-3">
              <span>{s.stepId}</span>
              <span className="text-slate-500">{s.status.toLowerCase()}</span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="case-related" className="rounded-lg border border-slate-200 p-4">
        <SubHeading depth={2} id="case-related" className="mb-2 text-sm font-semibold text-slate-900">
          Other tasks of this case
        </SubHeading>
        {data.relatedTasks.length === 0 ? (
          <p className="text-sm text-slate-500">None: this is the case&apos;s only task so far.</p>
        ) : (
          <ul className="space-y-1.5 text-sm">
            {data.relatedTasks.map((t) => (
              <li key={t.id}>
                <a href={`/tasks/${t.id}`} className="text-indigo-700 underline underline-offset-2">
                  {t.reference}
                </a>{" "}
                {t.title} {t.outcome ? <Badge tone={OUTCOME_TONE(t.outcome)}>{`${t.outcome}${t.decidedBy ? ` by ${t.decidedBy}` : ""}`}</Badge> : <Badge>{t.status.toLowerCase()}</Badge>}
              </li>
            ))}
          </ul>
        )}
        {data.comments.length > 0 && (
          <ul className="mt-3 space-y-1 border-t border-slate-100 pt-2 text-sm">
            {data.comments.map((c, i) => (
              <li key={i}>
                <span className="font-medium">{c.author}</span> <span className="text-slate-500">on {c.reference}:</span> {c.body}
              </li>
            ))}
          </ul>
        )}
      </section>
      {data.history && (
        <section aria-labelledby="case-history" className="rounded-lg border border-slate-200 p-4 lg:col-span-2" data-testid="party-history">
          <SubHeading depth={2} id="case-history" className="mb-2 text-sm font-semibold text-slate-900">
            Earlier requests from {data.history.label.toLowerCase()} {data.history.value}
          </SubHeading>
          {data.history.requests.length === 0 ? (
            <p className="text-sm text-slate-500">None: this is the first.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {data.history.requests.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center gap-2">
                  <span>{r.businessKey ?? r.id}</span>
                  <span className="text-slate-500">{localDateTime(r.startedAt)}</span>
                  {r.decisions.length === 0 ? (
                    <Badge>{r.status.toLowerCase()}</Badge>
                  ) : (
                    r.decisions.map((d) => <Badge key={d.id} tone={OUTCOME_TONE(d.outcome)}>{d.outcome ? `${d.outcome}${d.decidedBy ? ` by ${d.decidedBy}` : ""}` : d.status.toLowerCase()}</Badge>)
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

/** The task's details: the process's layout when it declares one, else `fallback` (the generic list). */
export function CaseDetails({ taskId, fallback }: { taskId: string; fallback: React.ReactNode }) {
  const { data } = useTaskCase(taskId);
  if (!data?.layout) return <>{fallback}</>;
  return (
    <>
      <LayoutSections layout={data.layout} values={data.values} />
      {data.layout.comparison && <ComparisonTable comparison={data.layout.comparison} values={data.values} />}
    </>
  );
}

export function CaseAround({ taskId }: { taskId: string }) {
  const { data } = useTaskCase(taskId);
  return data ? <CasePanels data={data} /> : null;
}
