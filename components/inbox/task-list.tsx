"use client";

import type { KeyboardEvent, Ref } from "react";
import { Inbox } from "lucide-react";
import type { TaskDto } from "@/lib/tasks/schemas";
import type { Viewer } from "@/lib/live/presence-schemas";
import type { InboxFilters } from "@/components/data/keys";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import type { useTaskList } from "./queries";
import { TaskRow } from "./task-row";
import type { ViewDef } from "./views";

const NO_FILTERS: InboxFilters = { q: undefined, priority: undefined, due: undefined, status: undefined, sort: undefined };

/**
 * The list pane's body: skeleton, the load error, the empty states, or the listbox of task rows
 * (one tab stop; the arrows move inside it), then "Load more".
 */
export function TaskList(p: {
  list: ReturnType<typeof useTaskList>;
  rows: TaskDto[];
  viewDef: ViewDef;
  filtered: boolean;
  onClearFilters: (patch: InboxFilters) => void;
  listRef: Ref<HTMLDivElement>;
  emptyRef: Ref<HTMLDivElement>;
  registerRow: (id: string) => Ref<HTMLDivElement>;
  onListKey: (e: KeyboardEvent) => void;
  meId: string | undefined;
  selectedId: string | null;
  activeId: string | undefined;
  now: number;
  presence: Record<string, Viewer[]>;
  isTicked: (id: string) => boolean;
  onOpen: (task: TaskDto) => void;
  onFocusRow: (id: string) => void;
  onToggle: (id: string, range: boolean) => void;
}) {
  const { list, rows, viewDef, listRef, emptyRef, registerRow } = p;
  const cold = list.isPending;
  return (
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
      {list.isError && rows.length === 0 && <LoadError ref={emptyRef} what="your tasks" error={list.error} onRetry={() => list.refetch()} retrying={list.isFetching} />}
      {!cold && !list.isError && rows.length === 0 && p.filtered && (
        <EmptyState ref={emptyRef} icon={<Inbox aria-hidden className="size-6" />} title="No tasks match these filters" action={<Button onClick={() => p.onClearFilters(NO_FILTERS)}>Clear filters</Button>}>
          Try fewer words or a wider due date.
        </EmptyState>
      )}
      {!cold && !list.isError && rows.length === 0 && !p.filtered && (
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
          onKeyDown={p.onListKey}
          data-testid="task-list"
        >
          {rows.map((task) => (
            <TaskRow
              key={task.id}
              ref={registerRow(task.id)}
              task={task}
              meId={p.meId}
              selected={task.id === p.selectedId}
              active={task.id === p.activeId}
              decidedView={viewDef.id === "decided"}
              onOpen={() => p.onOpen(task)}
              onFocusRow={() => p.onFocusRow(task.id)}
              checked={p.isTicked(task.id)}
              onToggle={(range) => p.onToggle(task.id, range)}
              viewers={p.presence[task.id]}
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
  );
}
