"use client";

import { useCallback, useState } from "react";
import type { BulkResult, TaskDto } from "@/lib/tasks/schemas";
import type { InboxFilters, InboxView } from "@/components/data/keys";
import { useAnnouncer } from "@/components/announcer";
import { useTaskActions } from "@/components/tasks/use-task-actions";
import { useBulkTaskAction, type BulkRequest } from "@/components/tasks/queries";
import { useOptimisticRemoval } from "./queries";
import { isDesktop, type useInboxNavigation } from "./use-inbox-navigation";
import type { useSelection } from "./use-selection";

type Navigation = ReturnType<typeof useInboxNavigation>;

/**
 * Deciding from the list: the row leaves at once and focus moves to its neighbour; on a refusal
 * it comes back, focused, with the reason. Claim, reject and ask say why when they can't apply.
 */
export function useInboxDecisions({
  view,
  filters,
  rows,
  selectedId,
  select,
  nav,
  requestFocus,
  meId,
}: {
  view: InboxView;
  filters: InboxFilters;
  rows: TaskDto[];
  selectedId: string | null;
  select: (id: string | null) => void;
  nav: Navigation;
  requestFocus: (id: string | null) => void;
  meId: string | undefined;
}) {
  const actions = useTaskActions();
  const { alert } = useAnnouncer();
  const removeFromList = useOptimisticRemoval(view, filters);
  const { setActiveId, openTask, returnTo } = nav;

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
      const idx = rows.findIndex((r) => r.id === task.id);
      let removal: { restore: () => unknown } | null = null;
      if (idx >= 0 && view !== "all") {
        removal = await removeFromList(task.id);
        const neighbour = rows[idx + 1] ?? rows[idx - 1] ?? null;
        setActiveId(neighbour?.id ?? null);
        requestFocus(neighbour?.id ?? null);
        if (selectedId === task.id) select(isDesktop() ? (neighbour?.id ?? null) : null);
      }
      const ok = await actions.run(task, outcome, reason);
      if (!ok) {
        removal?.restore();
        setActiveId(task.id);
        requestFocus(task.id);
        select(task.id);
      }
    },
    [alert, view, rows, removeFromList, setActiveId, requestFocus, selectedId, select, actions, openTask],
  );

  /** z / the toast's Undo: the task comes back, focused and open, as it was before the decision. */
  const undoLast = useCallback(async () => {
    const t = await actions.undo();
    if (t) returnTo(t.id);
  }, [actions, returnTo]);

  /** Ask: the task stays in the list (now waiting); focus goes back to its row. */
  const askAndMoveOn = useCallback(
    async (task: TaskDto, question: string, askTo: string) => {
      await actions.run(task, "requestInfo", question, { askTo });
      setActiveId(task.id);
      requestFocus(task.id);
    },
    [actions, setActiveId, requestFocus],
  );

  const claim = useCallback(
    (task: TaskDto) => {
      if (!task.can.claim) {
        const why = task.assignee && task.assignee.id === meId ? "it is already yours." : (task.can.readOnlyReason ?? "it can't be claimed.");
        alert(`Can't claim ${task.reference}: ${why}`);
        return;
      }
      void actions.run(task, "claim");
    },
    [actions, alert, meId],
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

  return { actions, decide, undoLast, askAndMoveOn, claim, reject, askInfo };
}

export interface BulkResults {
  result: BulkResult;
  tasks: Map<string, TaskDto>;
  action: string;
}

/** Approve or reassign the ticked tasks; the failed ones stay ticked, each with its reason. */
export function useInboxBulk(selection: ReturnType<typeof useSelection<TaskDto>>) {
  const bulk = useBulkTaskAction();
  const { announce, alert } = useAnnouncer();
  const [results, setResults] = useState<BulkResults | null>(null);
  const { selectedRows, setChecked } = selection;

  const run = useCallback(
    async (body: BulkRequest) => {
      const tasks = new Map(selectedRows.map((t) => [t.id, t]));
      const label = body.action === "approve" ? `Approve ${tasks.size}` : `Reassign ${tasks.size}`;
      setResults(null);
      try {
        const result = await bulk.mutateAsync({ ...body, taskIds: [...tasks.keys()] });
        setResults({ result, tasks, action: label });
        // Keep the failed ones ticked so they can be looked at or retried.
        setChecked(result.data.filter((r) => !r.ok).map((r) => r.taskId));
        const msg = `${label}: ${result.summary.ok} done, ${result.summary.failed} failed`;
        if (result.summary.failed) alert(msg);
        else announce(msg);
      } catch (e) {
        alert(`${label} failed: ${(e as Error).message}`);
      }
    },
    [selectedRows, bulk, setChecked, alert, announce],
  );

  return { busy: bulk.isPending, results, run, dismiss: useCallback(() => setResults(null), []) };
}
