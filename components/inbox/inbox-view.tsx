"use client";

import { useCallback, useMemo, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import clsx from "clsx";
import { Command as CommandIcon, Keyboard, LoaderCircle, MousePointerClick } from "lucide-react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { useMe } from "@/components/data/queries";
import { useRowsPresence } from "@/components/data/presence";
import { useTask } from "@/components/tasks/queries";
import { useNow } from "@/components/use-now";
import { EmptyState } from "@/components/ui/empty-state";
import { TaskDetail } from "@/components/tasks/task-detail";
import { RejectDialog } from "@/components/tasks/reject-dialog";
import { RequestInfoDialog } from "@/components/tasks/request-info-dialog";
import { ReassignDialog } from "@/components/tasks/reassign-dialog";
import { canForward } from "@/components/tasks/can-forward";
import { useAnnouncer } from "@/components/announcer";
import { UndoToast } from "@/components/tasks/undo-toast";
import { FilterBar } from "./filter-bar";
import { BulkBar } from "./bulk-bar";
import { ShortcutsDialog } from "./shortcuts-dialog";
import { CommandMenu, type MenuCommand } from "./command-menu";
import { buildInboxCommands } from "./inbox-commands";
import { useTaskList } from "./queries";
import { TaskList } from "./task-list";
import { useFocusReturn } from "./use-focus-return";
import { useInboxBulk, useInboxDecisions } from "./use-inbox-decisions";
import { useInboxKeyboard } from "./use-inbox-keyboard";
import { useInboxNavigation } from "./use-inbox-navigation";
import { useInboxUrl } from "./use-inbox-url";
import { useSelection } from "./use-selection";
import { ViewTabs } from "./view-tabs";
import { VIEWS } from "./views";
import { useNavItems } from "@/components/shell/global-commands";

/**
 * The inbox: views, filters and the task list on the left, the open task on the right (one or
 * the other on a phone). Its state lives in the URL; the hooks beside it own the keyboard, the
 * ticked rows, where focus returns and what a decision does to the list.
 */
export function InboxView({ allowAllView }: { allowAllView: boolean }) {
  const url = useInboxUrl(allowAllView);
  const { view, viewDef, selectedId, filters, select } = url;
  const me = useMe();
  const list = useTaskList(view, filters);
  const selectedTask = useTask(selectedId).data;
  const now = useNow(30_000);
  const router = useRouter();
  const navItems = useNavItems();
  const mainRef = useRef<HTMLElement>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  // f / the command menu: the task being forwarded to a colleague.
  const [forwarding, setForwarding] = useState<TaskDto | null>(null);
  const { announce } = useAnnouncer();
  // Ctrl+K / ⌘K: the task the menu acts on is the one in focus when it opened.
  const [menu, setMenu] = useState<MenuCommand[] | null>(null);

  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const presence = useRowsPresence(useMemo(() => rows.filter((r) => r.status === "OPEN" || r.status === "INFO_REQUESTED").map((r) => r.id), [rows]));
  const focus = useFocusReturn(rows);
  const nav = useInboxNavigation({ rows, selectedId, select, listRef: focus.listRef, requestFocus: focus.requestFocus });
  const { active, detailRef } = nav;
  const decisions = useInboxDecisions({ view, filters, rows, selectedId, select, nav, requestFocus: focus.requestFocus, meId: me.data?.id });
  const { actions, decide, undoLast, claim, reject, askInfo } = decisions;
  const selection = useSelection(rows, url.scopeKey);
  const bulk = useInboxBulk(selection);
  const visibleViews = VIEWS.filter((v) => v.id !== "all" || allowAllView);

  // The task a shortcut acts on: the focused row while the list has focus, else the open task.
  const targetTask = useCallback((): TaskDto | null => {
    if (!focus.listHasFocus() && selectedTask) return selectedTask;
    if (active && selectedTask && active.id === selectedTask.id) return selectedTask;
    return active;
  }, [focus, active, selectedTask]);

  const showView = (id: typeof view) => {
    nav.setActiveId(null);
    url.showView(id);
  };
  const approve = (t: TaskDto) => void decide(t, "approve");
  const forward = (t: TaskDto) => {
    if (canForward(t, me.data?.id)) setForwarding(t);
    else announce(`Only the person holding ${t.reference} can forward it, while it is open.`);
  };
  // Forwarded: no longer mine, so it leaves the list (but in "All"); focus goes to its neighbour.
  const forwarded = (t: TaskDto) => {
    const idx = rows.findIndex((r) => r.id === t.id);
    if (idx < 0 || view === "all") return;
    const neighbour = rows[idx + 1] ?? rows[idx - 1] ?? null;
    nav.setActiveId(neighbour?.id ?? null);
    focus.requestFocus(neighbour?.id ?? null);
  };
  const openMenu = () =>
    setMenu(
      buildInboxCommands(targetTask(), {
        meId: me.data?.id,
        isTicked: (id) => selection.checked.has(id),
        heldLabel: actions.held?.label ?? null,
        views: visibleViews,
        openTask: nav.openTask,
        approve,
        reject,
        askInfo,
        claim,
        forward,
        toggle: (id) => selection.toggle(id, false),
        undo: () => void undoLast(),
        moveBy: nav.moveBy,
        showView,
        openHelp: () => setHelpOpen(true),
        goTo: (path) => router.push(path),
        nav: navItems,
      }),
    );

  const { onListKey } = useInboxKeyboard({
    shortcutsEnabled: me.data?.settings.shortcutsEnabled,
    mainRef,
    rowCount: rows.length,
    active,
    targetTask,
    moveBy: nav.moveBy,
    openTask: nav.openTask,
    approve,
    reject,
    askInfo,
    claim,
    forward,
    toggle: selection.toggle,
    canUndo: !!actions.held,
    undo: () => void undoLast(),
    openHelp: () => setHelpOpen(true),
    openMenu,
  });

  return (
    // From lg the two panes fill the viewport under the header (56 px and its 1 px border) and scroll
    // on their own. `flex-none` there: as a flex-1 item of the layout's column the main grew to
    // the list's whole height, the page scrolled instead, and the detail pane's content (or its
    // "Select a task") sat out of view.
    <main
      ref={mainRef}
      id="main"
      className="mx-auto grid w-full max-w-[1600px] flex-1 grid-cols-1 lg:h-[calc(100dvh-3.5rem-1px)] lg:flex-none lg:grid-cols-[minmax(24rem,34rem)_1fr]"
    >
      <section aria-label="Task list" className={clsx("min-h-0 min-w-0 flex-col border-slate-200 bg-white lg:flex lg:border-r", selectedId ? "hidden" : "flex")}>
        <ViewTabs views={visibleViews} current={view} me={me.data} onShow={showView} />
        <div className="flex items-center gap-2 px-4 py-2 text-xs text-slate-500">
          <h1 className="text-sm font-semibold text-slate-900">{viewDef.label}</h1>
          {list.isFetching && !list.isPending && <LoaderCircle aria-hidden className="size-3.5 animate-spin" />}
          <button type="button" onClick={openMenu} className="ml-auto inline-flex items-center gap-1 rounded px-1.5 py-1 hover:bg-slate-100 hover:text-slate-800">
            <CommandIcon aria-hidden className="size-3.5" /> Commands <kbd className="font-mono">Ctrl K</kbd>
          </button>
          <button type="button" onClick={() => setHelpOpen(true)} className="inline-flex items-center gap-1 rounded px-1.5 py-1 hover:bg-slate-100 hover:text-slate-800">
            <Keyboard aria-hidden className="size-3.5" /> Shortcuts <kbd className="font-mono">?</kbd>
          </button>
        </div>
        <FilterBar filters={filters} view={view} onChange={url.setFilters} />
        {(selection.checked.size > 0 || bulk.results) && (
          <BulkBar
            selected={selection.selectedRows}
            canAssign={!!me.data?.permissions.includes("tasks:assign")}
            busy={bulk.busy}
            results={bulk.results}
            onApprove={() => void bulk.run({ action: "approve" })}
            onReassign={(assignee, reason) => void bulk.run({ action: "reassign", assignee, reason })}
            onClear={selection.clear}
            onDismissResults={bulk.dismiss}
          />
        )}
        <TaskList
          list={list}
          rows={rows}
          viewDef={viewDef}
          filtered={Object.keys(filters).length > 0}
          onClearFilters={url.setFilters}
          listRef={focus.listRef}
          emptyRef={focus.emptyRef}
          registerRow={focus.registerRow}
          onListKey={onListKey}
          meId={me.data?.id}
          selectedId={selectedId}
          activeId={active?.id}
          now={now}
          presence={presence}
          isTicked={(id) => selection.checked.has(id)}
          onOpen={nav.openTask}
          onFocusRow={nav.setActiveId}
          onToggle={selection.toggle}
        />
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
              onApprove={approve}
              showOpenLink
              onBack={() => {
                focus.requestFocus(selectedId);
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
          void decisions.askAndMoveOn(task, question, askTo);
        }}
      />
      {forwarding && <ReassignDialog forward task={forwarding} open onClose={() => setForwarding(null)} onDone={forwarded} />}
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
      <UndoToast actions={actions} onUndone={nav.returnTo} />
      <CommandMenu open={menu !== null} onClose={() => setMenu(null)} commands={menu ?? []} />
    </main>
  );
}
