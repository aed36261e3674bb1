"use client";

import { Fragment, useState, type HTMLAttributes, type ReactNode } from "react";
import { useScrollBox } from "./use-scroll-box";
import clsx from "clsx";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import {
  createSortedRowModel,
  rowSelectionFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_datetime,
  sortFn_text,
  tableFeatures,
  useTable,
  type ColumnDef,
  type OnChangeFn,
  type RowData,
  type RowSelectionState,
  type SortingState,
} from "@tanstack/react-table";
import { LoadError } from "./load-error";
import { Skeleton } from "./skeleton";

/** How a column looks; every column may say it (TanStack Table's typed `meta`). */
interface DataColumnMeta {
  /** Numbers: right-aligned, tabular figures. */
  align?: "right" | "center";
  /** The cell that names the row: a <th scope="row">. */
  rowHeader?: boolean;
  /** Classes for this column's cells (width, truncation, colour). */
  className?: string;
  /** The header's text for screen readers when it shows none ("Actions"). */
  srOnlyHeader?: boolean;
}

const features = tableFeatures({
  rowSortingFeature,
  rowSelectionFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, text: sortFn_text, datetime: sortFn_datetime },
  columnMeta: {} as DataColumnMeta,
});

/** A column of a DataTable. Sorting is opt-in per column (`enableSorting: true`). */
export type DataColumn<T extends RowData> = ColumnDef<typeof features, T>;

interface Selection<T extends RowData> {
  selected: RowSelectionState;
  onChange: OnChangeFn<RowSelectionState>;
  /** Rows that cannot be ticked get a disabled checkbox. */
  canSelect?: (row: T) => boolean;
  /** The checkbox's accessible name for a row ("Move INV-12"). */
  rowLabel: (row: T) => string;
  /** The header checkbox's name ("Select every instance that can move"). */
  allLabel: string;
}

interface DataTableProps<T extends RowData> {
  /** Keep stable (module scope or useMemo): a new array rebuilds the table. */
  columns: DataColumn<T>[];
  data: T[] | undefined;
  getRowId: (row: T) => string;
  /** The table's caption, read by screen readers. */
  label: string;
  testId?: string;
  /** Waiting for the first answer: skeleton rows under the real headers. */
  loading?: boolean;
  skeletonRows?: number;
  /** What failed to load, e.g. "tokens": "Couldn't load tokens" with Retry, in place of the rows. */
  error?: { what: string; error: Error | null; onRetry: () => unknown; retrying?: boolean } | null;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  initialSort?: SortingState;
  selection?: Selection<T>;
  /** Buttons at the end of each row. */
  rowActions?: (row: T) => ReactNode;
  actionsLabel?: string;
  /** Attributes for a row's <tr> (data-testid, a highlight). */
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, unknown>;
  /** A full-width row under a row (details, its tasks); null for none. */
  renderExpanded?: (row: T) => ReactNode;
  /** Below this width the table scrolls inside its own box instead of squeezing. */
  minWidth?: `min-w-${string}`;
  density?: "normal" | "compact";
  /** Header row style: the admin lists' uppercase labels, or plain. */
  headerStyle?: "caps" | "plain";
  className?: string;
}

const ALIGN = { right: "text-right tabular-nums", center: "text-center" } as const;

/**
 * The app's table: headers from column definitions (sortable where a column allows, with
 * aria-sort), skeleton rows while loading, the load error in place, an empty state, optional
 * row checkboxes and row actions. On a narrow screen it scrolls inside its own box, never the page.
 */
export function DataTable<T extends RowData>(props: DataTableProps<T>) {
  const { columns, data, getRowId, label, testId, loading, skeletonRows = 3, error, empty, initialSort, selection, rowActions, actionsLabel = "Actions", rowProps, renderExpanded } = props;
  const [sorting, setSorting] = useState<SortingState>(initialSort ?? []);
  const table = useTable({
    features,
    columns,
    data: data ?? NO_ROWS,
    getRowId,
    state: { sorting, rowSelection: selection?.selected ?? NO_SELECTION },
    onSortingChange: setSorting,
    onRowSelectionChange: selection?.onChange,
    enableRowSelection: selection?.canSelect ? (row) => selection.canSelect!(row.original) : !!selection,
    enableSortingRemoval: false,
  });
  const { attachScrollBox, overflowing } = useScrollBox();

  if (error && !data) return <LoadError what={error.what} error={error.error} onRetry={error.onRetry} retrying={error.retrying} />;
  if (!loading && data && data.length === 0 && empty) return <>{empty}</>;

  const cell = props.density === "compact" ? "px-3 py-1.5" : "px-4 py-2.5";
  const leafColumns = table.getAllLeafColumns();
  const span = leafColumns.length + (selection ? 1 : 0) + (rowActions ? 1 : 0);
  return (
    <div className={props.className}>
      {error && data && (
        <p role="status" className="mx-4 my-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          Showing what was loaded last: {error.error?.message}
        </p>
      )}
      <div
        ref={attachScrollBox}
        role={overflowing ? "region" : undefined}
        tabIndex={overflowing ? 0 : undefined}
        // Its own name, not the table's: a section titled like the table is a landmark too (axe landmark-unique).
        aria-label={overflowing ? `${label} (scrolls sideways)` : undefined}
        // relative: screen-reader-only text in far-right cells is clipped here too, not by the page.
        className="relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-600">
        <table className={clsx("w-full text-left text-sm", props.minWidth)} data-testid={testId} aria-busy={loading || undefined}>
          <caption className="sr-only">{label}</caption>
          <thead className={clsx(props.headerStyle === "plain" ? "text-xs text-slate-600" : "bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase")}>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {selection && (
                  <th scope="col" className={clsx(cell, "w-10")}>
                    <input
                      type="checkbox"
                      aria-label={selection.allLabel}
                      className="size-4 rounded border-slate-300 accent-indigo-600"
                      checked={table.getIsAllRowsSelected()}
                      ref={(el) => {
                        if (el) el.indeterminate = table.getIsSomeRowsSelected() && !table.getIsAllRowsSelected();
                      }}
                      disabled={!table.getRowModel().rows.some((r) => r.getCanSelect())}
                      onChange={(e) => table.toggleAllRowsSelected(e.target.checked)}
                    />
                  </th>
                )}
                {group.headers.map((header) => {
                  const meta = header.column.columnDef.meta;
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                      className={clsx(cell, "font-medium whitespace-nowrap", meta?.align && ALIGN[meta.align])}
                    >
                      {header.isPlaceholder ? null : canSort ? (
                        <button
                          type="button"
                          onClick={header.column.getToggleSortingHandler()}
                          className={clsx(
                            "inline-flex items-center gap-1 rounded uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600",
                            meta?.align === "right" && "flex-row-reverse",
                            sorted && "text-slate-900",
                          )}
                        >
                          {render(header.column.columnDef.header, header.getContext())}
                          {sorted === "asc" ? <ArrowUp aria-hidden className="size-3.5" /> : sorted === "desc" ? <ArrowDown aria-hidden className="size-3.5" /> : <ArrowUpDown aria-hidden className="size-3.5 text-slate-400" />}
                        </button>
                      ) : meta?.srOnlyHeader ? (
                        <span className="sr-only">{render(header.column.columnDef.header, header.getContext())}</span>
                      ) : (
                        render(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
                {rowActions && (
                  <th scope="col" className={cell}>
                    <span className="sr-only">{actionsLabel}</span>
                  </th>
                )}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-slate-100">
            {loading
              ? Array.from({ length: skeletonRows }, (_, i) => (
                  <tr key={i}>
                    <td colSpan={span} className={cell}>
                      <Skeleton className="h-5" />
                    </td>
                  </tr>
                ))
              : table.getRowModel().rows.map((row) => {
                  const expanded = renderExpanded?.(row.original);
                  return (
                    <Fragment key={row.id}>
                      <tr {...rowProps?.(row.original)}>
                        {selection && (
                          <td className={cell}>
                            <input
                              type="checkbox"
                              aria-label={selection.rowLabel(row.original)}
                              className="size-4 rounded border-slate-300 accent-indigo-600"
                              checked={row.getIsSelected()}
                              disabled={!row.getCanSelect()}
                              // The click, not change: it carries Shift for range selection.
                              onClick={row.getToggleSelectedHandler()}
                              onChange={() => undefined}
                            />
                          </td>
                        )}
                        {row.getAllCells().map((c) => {
                          const meta = c.column.columnDef.meta;
                          const Cell = meta?.rowHeader ? "th" : "td";
                          return (
                            <Cell key={c.id} scope={meta?.rowHeader ? "row" : undefined} className={clsx(cell, "align-top", meta?.rowHeader && "font-normal", meta?.align && ALIGN[meta.align], meta?.className)}>
                              {render(c.column.columnDef.cell, c.getContext())}
                            </Cell>
                          );
                        })}
                        {rowActions && (
                          <td className={clsx(cell, "text-right whitespace-nowrap")}>
                            <div className="inline-flex items-center justify-end gap-1">{rowActions(row.original)}</div>
                          </td>
                        )}
                      </tr>
                      {expanded && (
                        <tr>
                          <td colSpan={span} className="bg-slate-50/60 px-2 pb-2">
                            {expanded}
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/**
 * A header or cell template, called as a plain function rather than mounted as a component (what
 * FlexRender does): columns rebuilt with new state (a row opened) then keep the cells' DOM and
 * focus. So a template must not call hooks itself; it returns a component that does.
 */
function render<P>(template: string | ((props: P) => unknown) | undefined, props: P): ReactNode {
  return (typeof template === "function" ? template(props) : template) as ReactNode;
}

const NO_ROWS: never[] = [];
const NO_SELECTION: RowSelectionState = {};


/** A DataTable's `loading` and `error` from the TanStack query that feeds it ("Couldn't load {what}"). */
export function queryState(q: { isPending: boolean; isError: boolean; isFetching: boolean; error: Error | null; refetch: () => unknown }, what: string) {
  return { loading: q.isPending, error: q.isError ? { what, error: q.error, onRetry: () => q.refetch(), retrying: q.isFetching } : null };
}
export type { RowData } from "@tanstack/react-table";
