"use client";

import { useEffect, useId, useState, type FormEvent } from "react";
import { Bookmark, Search, Trash2, X } from "lucide-react";
import { FILTER_KEYS, type InboxFilters } from "@/components/data/keys";
import { useAnnouncer } from "@/components/announcer";
import { useDeleteSavedFilter, useSaveFilter, useSavedFilters } from "./queries";

const SELECT =
  "rounded-md border-0 bg-white py-1 pr-7 pl-2 text-xs text-slate-800 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/**
 * Search, priority, due, sort and saved filters. The state lives in the URL (shareable, survives
 * reload); `onChange` writes it there.
 */
const DRILL_KEYS = ["process", "step", "outcome", "decidedBy", "decidedFrom", "decidedTo", "breached", "escalated"] as const;

/** The drill-down filters in words, one chip each (the dates as one range). */
function drillDownChips(f: InboxFilters): { key: string; label: string }[] {
  const chips: { key: string; label: string }[] = [];
  if (f.process) chips.push({ key: "process", label: f.process === "*" ? "Any process" : `Process: ${f.process}` });
  if (f.step) chips.push({ key: "step", label: `Step: ${f.step}` });
  if (f.outcome) chips.push({ key: "outcome", label: `Outcome: ${f.outcome}` });
  if (f.decidedBy) chips.push({ key: "decidedBy", label: f.decidedBy === "none" ? "Decided by Baton" : `Decided by: ${f.decidedBy}` });
  if (f.decidedFrom || f.decidedTo) chips.push({ key: "decided", label: `Decided ${f.decidedFrom ?? "…"} to ${f.decidedTo ?? "…"}` });
  if (f.breached) chips.push({ key: "breached", label: "SLA breached" });
  if (f.escalated) chips.push({ key: "escalated", label: "Escalated" });
  return chips;
}

export function FilterBar({ filters, view, onChange }: { filters: InboxFilters; view: string; onChange: (patch: InboxFilters) => void }) {
  const [q, setQ] = useState(filters.q ?? "");
  const id = useId();
  const { announce, alert } = useAnnouncer();
  const saved = useSavedFilters();
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState("");
  // The URL changed under us (saved filter, clear, back button): show its search words.
  const [urlQ, setUrlQ] = useState(filters.q ?? "");
  if (urlQ !== (filters.q ?? "")) {
    setUrlQ(filters.q ?? "");
    setQ(filters.q ?? "");
  }

  // Typing searches after a short pause; Enter searches at once.
  useEffect(() => {
    if ((filters.q ?? "") === q.trim()) return;
    const t = setTimeout(() => onChange({ q: q.trim() || undefined }), 350);
    return () => clearTimeout(t);
  }, [q, filters.q, onChange]);

  const save = useSaveFilter();
  const remove = useDeleteSavedFilter();

  const currentQuery = () => {
    const sp = new URLSearchParams();
    if (view !== "inbox") sp.set("view", view);
    for (const k of FILTER_KEYS) if (filters[k]) sp.set(k, filters[k]!);
    return sp.toString();
  };
  const active = FILTER_KEYS.some((k) => filters[k]);
  const current = saved.data?.data.find((f) => f.query === currentQuery());

  function submitSave(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    save.mutate(
      { name: name.trim(), query: currentQuery() },
      {
        onSuccess: () => {
          announce(`Saved filter “${name}”`);
          setSaving(false);
          setName("");
        },
        onError: (err) => alert(`Couldn't save the filter: ${err.message}`),
      },
    );
  }

  const drill = drillDownChips(filters);
  return (
    <div className="space-y-2 border-b border-slate-100 px-4 py-2" data-testid="filter-bar">
      {drill.length > 0 && (
        // A drill-down (the dashboard, the team console) says which filters it applied.
        <div className="flex flex-wrap items-center gap-1.5 text-xs" data-testid="drill-down-filters">
          <span className="text-slate-600">Filtered to:</span>
          {drill.map((c) => (
            <span key={c.key} className="rounded-full bg-indigo-50 px-2 py-0.5 font-medium text-indigo-900 ring-1 ring-indigo-200 ring-inset">
              {c.label}
            </span>
          ))}
          <button
            type="button"
            onClick={() => onChange(Object.fromEntries(DRILL_KEYS.map((k) => [k, undefined])))}
            className="inline-flex items-center gap-1 rounded px-1.5 py-1 text-slate-600 hover:bg-slate-100"
          >
            <X aria-hidden className="size-3" /> Clear
          </button>
        </div>
      )}
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          onChange({ q: q.trim() || undefined });
        }}
        className="relative"
      >
        <label htmlFor={`${id}-q`} className="sr-only">
          Search title and details
        </label>
        <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2 size-3.5 -translate-y-1/2 text-slate-400" />
        <input
          id={`${id}-q`}
          type="search"
          name="q"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Search title and details"
          className="block w-full rounded-md border-0 py-1.5 pr-2 pl-7 text-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-500 focus:ring-2 focus:ring-indigo-600 focus:outline-none"
        />
      </form>
      <div className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor={`${id}-priority`}>
          Priority
        </label>
        <select id={`${id}-priority`} className={SELECT} value={filters.priority ?? ""} onChange={(e) => onChange({ priority: e.target.value || undefined })}>
          <option value="">Any priority</option>
          <option value="URGENT">Urgent</option>
          <option value="HIGH,URGENT">High or urgent</option>
          <option value="NORMAL">Normal</option>
          <option value="LOW">Low</option>
        </select>
        <label className="sr-only" htmlFor={`${id}-due`}>
          Due
        </label>
        <select id={`${id}-due`} className={SELECT} value={filters.due ?? ""} onChange={(e) => onChange({ due: e.target.value || undefined })}>
          <option value="">Any due date</option>
          <option value="overdue">Overdue</option>
          <option value="today">Due today</option>
          <option value="week">Due this week</option>
        </select>
        <label className="sr-only" htmlFor={`${id}-status`}>
          Status
        </label>
        <select id={`${id}-status`} className={SELECT} value={filters.status ?? ""} onChange={(e) => onChange({ status: e.target.value || undefined })}>
          <option value="">Any status</option>
          <option value="OPEN">Open</option>
          <option value="INFO_REQUESTED">Info requested</option>
          <option value="DECIDED">Decided</option>
          <option value="CANCELLED">Cancelled</option>
        </select>
        <label className="sr-only" htmlFor={`${id}-sort`}>
          Sort by
        </label>
        <select id={`${id}-sort`} className={SELECT} value={filters.sort ?? ""} onChange={(e) => onChange({ sort: e.target.value || undefined })}>
          <option value="">Sort: default</option>
          <option value="due">Sort: due date</option>
          <option value="priority">Sort: priority</option>
          <option value="age">Sort: oldest first</option>
        </select>
        {active && (
          <button
            type="button"
            onClick={() => onChange({ q: undefined, priority: undefined, due: undefined, status: undefined, sort: undefined })}
            className="inline-flex items-center gap-1 rounded px-1.5 py-1 text-xs text-slate-600 hover:bg-slate-100"
          >
            <X aria-hidden className="size-3" /> Clear filters
          </button>
        )}
      </div>
      <div className="flex flex-wrap items-center gap-2 text-xs">
        {(saved.data?.data.length ?? 0) > 0 && (
          <>
            <label className="sr-only" htmlFor={`${id}-saved`}>
              Saved filters
            </label>
            <select
              id={`${id}-saved`}
              className={SELECT}
              value={current?.id ?? ""}
              onChange={(e) => {
                const f = saved.data?.data.find((x) => x.id === e.target.value);
                if (!f) return;
                const sp = new URLSearchParams(f.query);
                const patch: InboxFilters & { view?: string } = { view: sp.get("view") ?? "inbox" };
                for (const k of FILTER_KEYS) patch[k] = sp.get(k) ?? undefined;
                onChange(patch);
              }}
            >
              <option value="">Saved filters…</option>
              {saved.data?.data.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
            {current && (
              <button type="button" onClick={() => remove.mutate(current.id)} className="inline-flex items-center gap-1 rounded px-1.5 py-1 text-slate-600 hover:bg-slate-100">
                <Trash2 aria-hidden className="size-3" /> Delete “{current.name}”
              </button>
            )}
          </>
        )}
        {active && !current && !saving && (
          <button type="button" onClick={() => setSaving(true)} className="inline-flex items-center gap-1 rounded px-1.5 py-1 text-slate-600 hover:bg-slate-100">
            <Bookmark aria-hidden className="size-3" /> Save this filter
          </button>
        )}
        {saving && (
          <form onSubmit={submitSave} className="flex items-center gap-1">
            <label htmlFor={`${id}-name`} className="sr-only">
              Name for this filter
            </label>
            <input
              id={`${id}-name`}
              autoFocus
              value={name}
              maxLength={60}
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => e.key === "Escape" && setSaving(false)}
              placeholder="Name, e.g. Urgent today"
              className="rounded-md border-0 px-2 py-1 text-xs ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
            />
            <button type="submit" className="rounded bg-indigo-600 px-2 py-1 font-medium text-white hover:bg-indigo-700">
              Save
            </button>
            <button type="button" onClick={() => setSaving(false)} className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100">
              Cancel
            </button>
          </form>
        )}
      </div>
    </div>
  );
}
