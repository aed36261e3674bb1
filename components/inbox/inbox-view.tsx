"use client";

import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { useRouter, useSearchParams } from "next/navigation";
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import clsx from "clsx";
import { ArrowDown, ArrowUp, BookOpen, Check, CircleHelp, Command as CommandIcon, Hand, Inbox, Keyboard, ListChecks, LoaderCircle, MessageCircleQuestion, MousePointerClick, PanelRightOpen, Settings, Undo2, X } from "lucide-react";
import type { BulkResult, TaskDto, TaskPage } from "@/lib/tasks/schemas";
import { FILTER_KEYS, queryKeys, useMe, useTask, useTaskList, type InboxFilters, type InboxView as ViewId } from "@/components/data/queries";
import { api } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { useRowsPresence } from "@/components/data/presence";
import { useNow } from "@/components/use-now";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { TaskDetail } from "@/components/tasks/task-detail";
import { RejectDialog } from "@/components/tasks/reject-dialog";
import { RequestInfoDialog } from "@/components/tasks/request-info-dialog";
import { useTaskActions } from "@/components/tasks/use-task-actions";
import { UndoToast } from "@/components/tasks/undo-toast";
import { TaskRow } from "./task-row";
import { FilterBar } from "./filter-bar";
import { BulkBar } from "./bulk-bar";
import { ShortcutsDialog } from "./shortcuts-dialog";
import { CommandMenu, type MenuCommand } from "./command-menu";
import { VIEWS, parseView } from "./views";

const DESKTOP = "(min-width: 1024px)";
const isDesktop = () => typeof window !== "undefined" && window.matchMedia(DESKTOP).matches;

/** Updates ?view= / ?task= without a server round trip (Next keeps useSearchParams in sync). */
function setUrl(patch: { view?: ViewId; task?: string | null }, mode: "push" | "replace" = "replace") {
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

function withoutTask(data: InfiniteData<TaskPage> | undefined, id: string): InfiniteData<TaskPage> | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((p) => ({ ...p, data: p.data.filter((t) => t.id !== id) })) };
}

function isTyping(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return !!el.closest("input, textarea, select, [contenteditable=''], [contenteditable='true'], dialog");
}

export function InboxView({ allowAllView }: { allowAllView: boolean }) {
  const searchParams = useSearchParams();
  const view = parseView(searchParams.get("view"), allowAllView);
  const selectedId = searchParams.get("task");
  const viewDef = VIEWS.find((v) => v.id === view)!;

  const qc = useQueryClient();
  const me = useMe();
  const filterKey = FILTER_KEYS.map((k) => searchParams.get(k) ?? "").join("|");
  const filters = useMemo<InboxFilters>(() => {
    const f: InboxFilters = {};
    const values = filterKey.split("|");
    FILTER_KEYS.forEach((k, i) => {
      if (values[i]) f[k] = values[i];
    });
    return f;
  }, [filterKey]);
  const list = useTaskList(view, filters);
  const selectedTask = useTask(selectedId).data;
  const actions = useTaskActions();
  const { alert } = useAnnouncer();
  const now = useNow(30_000);

  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const presence = useRowsPresence(useMemo(() => rows.filter((r) => r.status === "OPEN" || r.status === "INFO_REQUESTED").map((r) => r.id), [rows]));
  const [activeId, setActiveId] = useState<string | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  // Ctrl+K / ⌘K: the task the menu acts on is the one in focus when it opened.
  const [menu, setMenu] = useState<MenuCommand[] | null>(null);
  const router = useRouter();
  const rowEls = useRef(new Map<string, HTMLDivElement>());
  const listRef = useRef<HTMLDivElement>(null);
  const emptyRef = useRef<HTMLDivElement>(null);
  const detailRef = useRef<HTMLElement>(null);
  const mainRef = useRef<HTMLElement>(null);
  // Where focus should go once the list has re-rendered: a row id, null for the empty state.
  const pendingFocus = useRef<string | null | undefined>(undefined);
  const [focusTick, setFocusTick] = useState(0);

  const active = rows.find((r) => r.id === activeId) ?? rows.find((r) => r.id === selectedId) ?? rows[0] ?? null;

  const requestFocus = useCallback((id: string | null) => {
    pendingFocus.current = id;
    setFocusTick((n) => n + 1);
  }, []);

  useEffect(() => {
    const target = pendingFocus.current;
    if (target === undefined) return;
    if (target === null) {
      if (emptyRef.current) {
        emptyRef.current.focus();
        pendingFocus.current = undefined;
      } else listRef.current?.focus();
      return;
    }
    const el = rowEls.current.get(target);
    if (el) {
      el.focus();
      el.scrollIntoView({ block: "nearest" });
      pendingFocus.current = undefined;
    }
  }, [focusTick, rows]);

  const select = useCallback((id: string | null, mode: "push" | "replace" = "replace") => setUrl({ task: id }, mode), []);

  const moveBy = useCallback(
    (delta: number) => {
      if (rows.length === 0) return;
      const idx = active ? rows.findIndex((r) => r.id === active.id) : -1;
      // Coming from outside the list, the first j/k lands on the current row rather than skipping it.
      const fromOutside = !listRef.current?.contains(document.activeElement) && idx >= 0 && Math.abs(delta) === 1;
      const next = rows[fromOutside ? idx : Math.max(0, Math.min(rows.length - 1, idx + delta))]!;
      setActiveId(next.id);
      requestFocus(next.id);
      // On a wide screen the detail pane follows the focused row.
      if (isDesktop()) select(next.id);
    },
    [rows, active, requestFocus, select],
  );

  const openTask = useCallback(
    (task: TaskDto) => {
      setActiveId(task.id);
      if (isDesktop()) {
        select(task.id);
      } else {
        select(task.id, "push");
        requestAnimationFrame(() => detailRef.current?.focus());
      }
    },
    [select],
  );

  /** Decide with the row leaving at once; on refusal it comes back, focused, with the reason. */
  const decide = useCallback(
    async (task: TaskDto, outcome: "approve" | "reject", reason?: string) => {
      if (!task.can.decide) {
        alert(`Can't ${outcome} ${task.reference}: ${task.can.readOnlyReason ?? "you can't decide this task."}`);
        return;
      }
      if (outcome === "approve" && task.form?.length) {
        // One key can't fill in a form: open the task on its decision form instead.
        openTask(task);
        alert(`${task.reference} needs its decision form filled in to approve.`);
        return;
      }
      const key = queryKeys.taskList(view, filters);
      const idx = rows.findIndex((r) => r.id === task.id);
      let snapshot: InfiniteData<TaskPage> | undefined;
      if (idx >= 0 && view !== "all") {
        await qc.cancelQueries({ queryKey: key });
        snapshot = qc.getQueryData<InfiniteData<TaskPage>>(key);
        qc.setQueryData(key, withoutTask(snapshot, task.id));
        const neighbour = rows[idx + 1] ?? rows[idx - 1] ?? null;
        setActiveId(neighbour?.id ?? null);
        requestFocus(neighbour?.id ?? null);
        if (selectedId === task.id) select(isDesktop() ? (neighbour?.id ?? null) : null);
      }
      const ok = await actions.run(task, outcome, reason);
      if (!ok) {
        if (snapshot) qc.setQueryData(key, snapshot);
        setActiveId(task.id);
        requestFocus(task.id);
        select(task.id);
      }
    },
    [alert, view, filters, rows, qc, requestFocus, selectedId, select, actions, openTask],
  );

  /** z / the toast's Undo: the task comes back, focused and open, as it was before the decision. */
  const afterUndo = useCallback(
    (id: string) => {
      setActiveId(id);
      requestFocus(id);
      if (isDesktop()) select(id);
    },
    [requestFocus, select],
  );
  const undoLast = useCallback(async () => {
    const t = await actions.undo();
    if (t) afterUndo(t.id);
  }, [actions, afterUndo]);

  // Multi-select for bulk actions: x toggles the focused row, shift-click ticks a range.
  const [checked, setChecked] = useState<Set<string>>(() => new Set());
  const anchor = useRef<string | null>(null);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [bulkResults, setBulkResults] = useState<{ result: BulkResult; tasks: Map<string, TaskDto>; action: string } | null>(null);
  const { announce } = useAnnouncer();
  // A new view or filter starts with nothing ticked (state adjusted during render, not in an effect).
  const scopeKey = `${view}|${filterKey}`;
  const [checkedScope, setCheckedScope] = useState(scopeKey);
  if (checkedScope !== scopeKey) {
    setCheckedScope(scopeKey);
    setChecked(new Set());
  }

  const toggle = useCallback(
    (id: string, range: boolean) => {
      // Read the anchor now: the state updater runs later, after it has moved to `id`.
      const from = anchor.current;
      setChecked((prev) => {
        const next = new Set(prev);
        if (range && from) {
          const a = rows.findIndex((r) => r.id === from);
          const b = rows.findIndex((r) => r.id === id);
          if (a >= 0 && b >= 0) {
            for (const r of rows.slice(Math.min(a, b), Math.max(a, b) + 1)) next.add(r.id);
            return next;
          }
        }
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      });
      anchor.current = id;
    },
    [rows],
  );
  const selectedRows = useMemo(() => rows.filter((r) => checked.has(r.id)), [rows, checked]);

  const runBulk = useCallback(
    async (body: { action: "approve" } | { action: "reassign"; assignee: string; reason: string }) => {
      const tasks = new Map(selectedRows.map((t) => [t.id, t]));
      const label = body.action === "approve" ? `Approve ${tasks.size}` : `Reassign ${tasks.size}`;
      setBulkBusy(true);
      setBulkResults(null);
      try {
        const result = await api<BulkResult>("/api/v1/tasks/bulk", { method: "POST", body: { ...body, taskIds: [...tasks.keys()] } });
        setBulkResults({ result, tasks, action: label });
        // Keep the failed ones ticked so they can be looked at or retried.
        setChecked(new Set(result.data.filter((r) => !r.ok).map((r) => r.taskId)));
        const msg = `${label}: ${result.summary.ok} done, ${result.summary.failed} failed`;
        if (result.summary.failed) alert(msg);
        else announce(msg);
      } catch (e) {
        alert(`${label} failed: ${(e as Error).message}`);
      } finally {
        setBulkBusy(false);
        void qc.invalidateQueries({ queryKey: queryKeys.tasks });
        void qc.invalidateQueries({ queryKey: queryKeys.me });
      }
    },
    [selectedRows, alert, announce, qc],
  );

  /** Ask: the task stays in the list (now waiting); focus goes back to its row. */
  const askAndMoveOn = useCallback(
    async (task: TaskDto, question: string, askTo: string) => {
      await actions.run(task, "requestInfo", question, { askTo });
      setActiveId(task.id);
      requestFocus(task.id);
    },
    [actions, requestFocus],
  );

  const claim = useCallback(
    (task: TaskDto) => {
      if (!task.can.claim) {
        const why = task.assignee && task.assignee.id === me.data?.id ? "it is already yours." : (task.can.readOnlyReason ?? "it can't be claimed.");
        alert(`Can't claim ${task.reference}: ${why}`);
        return;
      }
      void actions.run(task, "claim");
    },
    [actions, alert, me.data?.id],
  );

  const reject = useCallback(
    (task: TaskDto) => {
      if (!task.can.decide) {
        alert(`Can't reject ${task.reference}: ${task.can.readOnlyReason ?? "you can't decide this task."}`);
        return;
      }
      actions.openReject(task);
    },
    [actions, alert],
  );

  const askInfo = useCallback(
    (task: TaskDto) => {
      if (!task.can.requestInfo) {
        alert(`Can't ask about ${task.reference}: ${task.can.readOnlyReason ?? "you can't decide this task."}`);
        return;
      }
      actions.openAsk(task);
    },
    [actions, alert],
  );

  // The task a shortcut acts on: the focused row while the list has focus, else the open task.
  const targetTask = useCallback((): TaskDto | null => {
    const inList = listRef.current?.contains(document.activeElement);
    if (!inList && selectedTask) return selectedTask;
    if (active && selectedTask && active.id === selectedTask.id) return selectedTask;
    return active;
  }, [active, selectedTask]);

  const changeView = (id: ViewId) => {
    setActiveId(null);
    setUrl({ view: id, task: null }, "push");
  };

  /** The command menu's entries for the task in focus now (built when it opens, in the event handler). */
  const buildCommands = (menuTask: TaskDto | null): MenuCommand[] => {
    const cmds: MenuCommand[] = [];
    const icon = (I: typeof Check) => <I className="size-4" />;
    if (menuTask) {
      const g = `Task ${menuTask.reference}`;
      cmds.push(
        { id: "open", group: g, label: "Open the task", shortcut: "Enter", icon: icon(PanelRightOpen), run: () => openTask(menuTask) },
        { id: "approve", group: g, label: "Approve", shortcut: "a", keywords: ["accept", "ok"], icon: icon(Check), run: () => void decide(menuTask, "approve") },
        { id: "reject", group: g, label: "Reject…", shortcut: "r", keywords: ["decline", "deny"], icon: icon(X), run: () => reject(menuTask) },
        { id: "ask", group: g, label: "Ask for more information…", shortcut: "i", keywords: ["question", "info"], icon: icon(MessageCircleQuestion), run: () => askInfo(menuTask) },
        { id: "claim", group: g, label: "Claim", shortcut: "c", keywords: ["take", "assign to me"], icon: icon(Hand), run: () => claim(menuTask) },
        { id: "tick", group: g, label: checked.has(menuTask.id) ? "Untick for bulk action" : "Tick for a bulk action", shortcut: "x", keywords: ["select", "bulk"], icon: icon(ListChecks), run: () => toggle(menuTask.id, false) },
      );
    }
    if (actions.held) {
      cmds.push({ id: "undo", group: "Decision", label: `Undo: ${actions.held.label}`, shortcut: "z", icon: icon(Undo2), run: () => void undoLast() });
    }
    cmds.push(
      { id: "next", group: "Move", label: "Next task", shortcut: "j", icon: icon(ArrowDown), run: () => moveBy(1) },
      { id: "prev", group: "Move", label: "Previous task", shortcut: "k", icon: icon(ArrowUp), run: () => moveBy(-1) },
    );
    for (const v of VIEWS.filter((x) => x.id !== "all" || allowAllView)) {
      cmds.push({ id: `view-${v.id}`, group: "Views", label: `Show ${v.label}`, icon: icon(Inbox), run: () => changeView(v.id) });
    }
    cmds.push(
      { id: "shortcuts", group: "Help", label: "Keyboard shortcuts", shortcut: "?", icon: icon(CircleHelp), run: () => setHelpOpen(true) },
      { id: "settings", group: "Go to", label: "Settings (shortcuts, time zone)", keywords: ["preferences"], icon: icon(Settings), run: () => router.push("/settings") },
      { id: "api-docs", group: "Go to", label: "API documentation", keywords: ["openapi", "rest"], icon: icon(BookOpen), run: () => router.push("/api/docs") },
    );
    return cmds;
  };

  const onGlobalKey = useRef<(e: KeyboardEvent) => void>(() => undefined);
  useEffect(() => {
    onGlobalKey.current = (e: KeyboardEvent) => {
      if (!e.defaultPrevented && (e.metaKey || e.ctrlKey) && !e.altKey && e.key.toLowerCase() === "k" && !document.querySelector("dialog[open]")) {
        e.preventDefault();
        setMenu(buildCommands(targetTask()));
        return;
      }
      if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
      if (isTyping(e.target) || document.querySelector("dialog[open]")) return;
      // WCAG 2.1.4: single-letter keys only while the inbox has focus (not the header, the
      // notifications, a toast), and not at all for people who switched them off (/settings) —
      // nor before their setting has loaded, so a stray key never acts for someone who opted out.
      const singleLetter = e.key.length === 1;
      if (singleLetter && me.data?.settings.shortcutsEnabled !== true) return;
      const focus = document.activeElement;
      if (singleLetter && focus && focus !== document.body && !mainRef.current?.contains(focus)) return;
      const t = targetTask();
      switch (e.key) {
        case "j":
          e.preventDefault();
          moveBy(1);
          break;
        case "k":
          e.preventDefault();
          moveBy(-1);
          break;
        case "Enter": {
          const target = e.target as HTMLElement;
          if (target !== document.body && !target.matches("[role=option]")) return;
          if (active) {
            e.preventDefault();
            openTask(active);
          }
          break;
        }
        case "a":
          if (t) {
            e.preventDefault();
            void decide(t, "approve");
          }
          break;
        case "r":
          if (t) {
            e.preventDefault();
            reject(t);
          }
          break;
        case "i":
          if (t) {
            e.preventDefault();
            askInfo(t);
          }
          break;
        case "c":
          if (t) {
            e.preventDefault();
            claim(t);
          }
          break;
        case "x":
          if (active) {
            e.preventDefault();
            toggle(active.id, e.shiftKey);
          }
          break;
        case "z":
          if (actions.held) {
            e.preventDefault();
            void undoLast();
          }
          break;
        case "?":
          e.preventDefault();
          setHelpOpen(true);
          break;
      }
    };
  });
  useEffect(() => {
    const handler = (e: KeyboardEvent) => onGlobalKey.current(e);
    document.addEventListener("keydown", handler);
    return () => document.removeEventListener("keydown", handler);
  }, []);

  // Arrow keys, Home and End inside the listbox (WAI-ARIA listbox pattern).
  const onListKey = (e: ReactKeyboardEvent) => {
    if (e.key === "ArrowDown") moveBy(1);
    else if (e.key === "ArrowUp") moveBy(-1);
    else if (e.key === "Home") moveBy(-rows.length);
    else if (e.key === "End") moveBy(rows.length);
    else return;
    e.preventDefault();
  };


  const cold = list.isPending;
  const visibleViews = VIEWS.filter((v) => v.id !== "all" || allowAllView);

  return (
    <main ref={mainRef} id="main" className="mx-auto grid w-full max-w-[1600px] flex-1 grid-cols-1 lg:h-[calc(100dvh-3.5rem)] lg:grid-cols-[minmax(24rem,34rem)_1fr]">
      <section
        aria-label="Task list"
        className={clsx("min-h-0 min-w-0 flex-col border-slate-200 bg-white lg:flex lg:border-r", selectedId ? "hidden" : "flex")}
      >
        <nav aria-label="Views" className="border-b border-slate-200 px-2 pt-2">
          <ul className="-mb-px flex gap-1 overflow-x-auto">
            {visibleViews.map((v) => {
              const count = v.count && me.data ? v.count(me.data) : null;
              const current = v.id === view;
              return (
                <li key={v.id}>
                  <a
                    href={v.id === "inbox" ? "/inbox" : `/inbox?view=${v.id}`}
                    aria-current={current ? "page" : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      changeView(v.id);
                    }}
                    className={clsx(
                      "inline-flex items-center gap-1.5 rounded-t-md border-b-2 px-2 py-2 text-sm font-medium whitespace-nowrap",
                      current ? "border-indigo-600 text-indigo-800" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
                    )}
                  >
                    {v.label}
                    {count !== null && (
                      <span
                        className={clsx(
                          "min-w-5 rounded-full px-1.5 text-center text-xs tabular-nums",
                          current ? "bg-indigo-100 text-indigo-800" : "bg-slate-100 text-slate-600",
                        )}
                      >
                        {count}
                        <span className="sr-only"> tasks</span>
                      </span>
                    )}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="flex items-center gap-2 px-4 py-2 text-xs text-slate-500">
          <h1 className="text-sm font-semibold text-slate-900">{viewDef.label}</h1>
          {list.isFetching && !cold && <LoaderCircle aria-hidden className="size-3.5 animate-spin" />}
          <button
            type="button"
            onClick={() => setMenu(buildCommands(targetTask()))}
            className="ml-auto inline-flex items-center gap-1 rounded px-1.5 py-1 hover:bg-slate-100 hover:text-slate-800"
          >
            <CommandIcon aria-hidden className="size-3.5" /> Commands <kbd className="font-mono">Ctrl K</kbd>
          </button>
          <button
            type="button"
            onClick={() => setHelpOpen(true)}
            className="inline-flex items-center gap-1 rounded px-1.5 py-1 hover:bg-slate-100 hover:text-slate-800"
          >
            <Keyboard aria-hidden className="size-3.5" /> Shortcuts <kbd className="font-mono">?</kbd>
          </button>
        </div>
        <FilterBar filters={filters} view={view} onChange={setFilterUrl} />
        {(checked.size > 0 || bulkResults) && (
          <BulkBar
            selected={selectedRows}
            canAssign={!!me.data?.permissions.includes("tasks:assign")}
            busy={bulkBusy}
            results={bulkResults}
            onApprove={() => void runBulk({ action: "approve" })}
            onReassign={(assignee, reason) => void runBulk({ action: "reassign", assignee, reason })}
            onClear={() => setChecked(new Set())}
            onDismissResults={() => setBulkResults(null)}
          />
        )}
        <div className="min-h-0 flex-1 overflow-y-auto border-t border-slate-100">
          {cold && (
            <div aria-busy="true" aria-label="Loading tasks">
              {Array.from({ length: 6 }, (_, i) => (
                <div key={i} className="space-y-2 border-b border-slate-100 px-4 py-3.5">
                  <Skeleton className="h-3 w-24" />
                  <Skeleton className="h-4 w-4/5" />
                  <Skeleton className="h-3 w-1/2" />
                </div>
              ))}
            </div>
          )}
          {list.isError && rows.length === 0 && (
            <LoadError ref={emptyRef} what="your tasks" error={list.error} onRetry={() => list.refetch()} retrying={list.isFetching} />
          )}
          {!cold && !list.isError && rows.length === 0 && Object.keys(filters).length > 0 && (
            <EmptyState
              ref={emptyRef}
              icon={<Inbox aria-hidden className="size-6" />}
              title="No tasks match these filters"
              action={
                <Button onClick={() => setFilterUrl({ q: undefined, priority: undefined, due: undefined, status: undefined, sort: undefined })}>Clear filters</Button>
              }
            >
              Try fewer words or a wider due date.
            </EmptyState>
          )}
          {!cold && !list.isError && rows.length === 0 && Object.keys(filters).length === 0 && (
            <EmptyState ref={emptyRef} icon={<Inbox aria-hidden className="size-6" />} title={viewDef.empty.title}>
              {viewDef.empty.body}
            </EmptyState>
          )}
          {rows.length > 0 && (
            <div
              ref={listRef}
              role="listbox"
              aria-label={`${viewDef.label} tasks`}
              aria-describedby="inbox-multiselect-hint"
              aria-busy={list.isFetching && cold}
              onKeyDown={onListKey}
              data-testid="task-list"
            >
              {rows.map((task) => (
                <TaskRow
                  key={task.id}
                  ref={(el) => {
                    if (el) rowEls.current.set(task.id, el);
                    else rowEls.current.delete(task.id);
                  }}
                  task={task}
                  meId={me.data?.id}
                  selected={task.id === selectedId}
                  active={task.id === active?.id}
                  decidedView={view === "decided"}
                  now={now}
                  onOpen={() => openTask(task)}
                  onFocusRow={() => setActiveId(task.id)}
                  checked={checked.has(task.id)}
                  onToggle={(range) => toggle(task.id, range)}
                  viewers={presence[task.id]}
                />
              ))}
            </div>
          )}
          <p id="inbox-multiselect-hint" className="sr-only">
            Press x to tick a task for a bulk action; shift-click ticks a range.
          </p>
          {list.hasNextPage && (
            <div className="p-3 text-center">
              <Button variant="secondary" size="sm" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                Load more
              </Button>
            </div>
          )}
        </div>
      </section>

      <section
        aria-label="Task details"
        className={clsx("min-h-0 min-w-0 overflow-y-auto bg-white px-4 py-5 sm:px-6 lg:block lg:bg-slate-50/40 lg:px-8", selectedId ? "block" : "hidden")}
      >
        {selectedId ? (
          <div className="mx-auto max-w-3xl">
            <TaskDetail
              ref={detailRef}
              key={selectedId}
              taskId={selectedId}
              actions={actions}
              onApprove={(t) => void decide(t, "approve")}
              showOpenLink
              onBack={() => {
                requestFocus(selectedId);
                select(null);
              }}
            />
          </div>
        ) : (
          <EmptyState icon={<MousePointerClick aria-hidden className="size-6" />} title="Select a task" className="h-full">
            Pick a task from the list, or press <kbd className="rounded border border-slate-300 px-1 font-mono text-xs">j</kbd> and{" "}
            <kbd className="rounded border border-slate-300 px-1 font-mono text-xs">k</kbd> to move through it.
          </EmptyState>
        )}
      </section>

      <RejectDialog
        task={actions.rejecting}
        onCancel={actions.closeReject}
        onSubmit={(task, reason) => {
          actions.closeReject();
          void decide(task, "reject", reason);
        }}
      />
      <RequestInfoDialog
        task={actions.asking}
        meId={me.data?.id}
        onCancel={actions.closeAsk}
        onSubmit={(task, question, askTo) => {
          actions.closeAsk();
          void askAndMoveOn(task, question, askTo);
        }}
      />
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
      <UndoToast actions={actions} onUndone={afterUndo} />
      <CommandMenu open={menu !== null} onClose={() => setMenu(null)} commands={menu ?? []} />
    </main>
  );
}
