"use client";

import { useCallback, useMemo } from "react";
import { useSearchParams } from "next/navigation";
import { FILTER_KEYS, type InboxFilters, type InboxView } from "@/components/data/keys";
import { VIEWS, parseView } from "./views";

/** Updates ?view= / ?task= without a server round trip (Next keeps useSearchParams in sync). */
function setUrl(patch: { view?: InboxView; task?: string | null }, mode: "push" | "replace" = "replace") {
  const sp = new URLSearchParams(window.location.search);
  if (patch.view !== undefined) {
    if (patch.view === "inbox") sp.delete("view");
    else sp.set("view", patch.view);
  }
  if (patch.task !== undefined) {
    if (patch.task) sp.set("task", patch.task);
    else sp.delete("task");
  }
  const qs = sp.toString();
  const url = `${window.location.pathname}${qs ? `?${qs}` : ""}`;
  if (mode === "push") window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

/** Writes filter changes (and a view, from a saved filter) into the URL. */
function setFilterUrl(patch: InboxFilters & { view?: string }) {
  const sp = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v && !(k === "view" && v === "inbox")) sp.set(k, v);
    else sp.delete(k);
  }
  sp.delete("task");
  const qs = sp.toString();
  window.history.replaceState(null, "", `${window.location.pathname}${qs ? `?${qs}` : ""}`);
}

/**
 * The inbox's state as it lives in the URL (shareable, survives a reload, back works): the view,
 * the open task and the filters, with the functions that change them.
 */
export function useInboxUrl(allowAllView: boolean) {
  const searchParams = useSearchParams();
  const view = parseView(searchParams.get("view"), allowAllView);
  const selectedId = searchParams.get("task");
  // One string for all filters: the filters object stays the same until one of them changes.
  const filterKey = FILTER_KEYS.map((k) => searchParams.get(k) ?? "").join("|");
  const filters = useMemo<InboxFilters>(() => {
    const f: InboxFilters = {};
    const values = filterKey.split("|");
    FILTER_KEYS.forEach((k, i) => {
      if (values[i]) f[k] = values[i];
    });
    return f;
  }, [filterKey]);
  const select = useCallback((id: string | null, mode: "push" | "replace" = "replace") => setUrl({ task: id }, mode), []);
  return {
    view,
    viewDef: VIEWS.find((v) => v.id === view)!,
    selectedId,
    filters,
    /** Changes whenever the view or a filter does (a new list: nothing stays ticked). */
    scopeKey: `${view}|${filterKey}`,
    select,
    showView: (id: InboxView) => setUrl({ view: id, task: null }, "push"),
    setFilters: setFilterUrl,
  };
}
