"use client";

import { useDeferredValue, useState } from "react";
import { ChevronDown, ChevronRight, Network } from "lucide-react";
import { ROLE_LABELS } from "@/lib/identity/permissions";
import type { OrgChartNode } from "@/lib/people/schemas";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { useOrgChart } from "./queries";

// The org chart: reporting lines as a tree (WAI-ARIA tree pattern, one level fetched when it is
// opened, 50 at a time), each person with their open load. At 10,000 people only the branches
// someone opens are ever loaded or rendered.

/** /org-chart */
export function OrgChartView() {
  const [q, setQ] = useState("");
  const deferred = useDeferredValue(q.trim());
  return (
    <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:px-6">
      <h1 className="text-xl font-semibold text-slate-900">Org chart</h1>
      <p className="mb-5 text-sm text-slate-600">
        Who reports to whom, and how many open tasks each person holds. Escalations to &ldquo;the assignee&apos;s manager&rdquo; follow these lines.
      </p>
      <form role="search" aria-label="Find a person in the org chart" className="mb-4 max-w-md" onSubmit={(e) => e.preventDefault()}>
        <Input label="Find a person" name="q" type="search" placeholder="Name or e-mail" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} />
      </form>
      <section aria-label="Reporting lines" className="rounded-xl bg-white p-2 ring-1 ring-slate-200 sm:p-4">
        {deferred ? <SearchResults q={deferred} /> : (
          <ul role="tree" aria-label="Reporting lines" data-testid="org-chart">
            <Level manager={undefined} depth={1} />
          </ul>
        )}
      </section>
    </main>
  );
}

/** One manager's direct reports (none: the top of the chart), page by page. */
function Level({ manager, depth }: { manager: string | undefined; depth: number }) {
  const level = useOrgChart({ manager });
  if (level.isPending) {
    return (
      <li role="none" className="space-y-2 py-2" style={{ paddingInlineStart: `${(depth - 1) * 1.25}rem` }}>
        <Skeleton className="h-5 w-1/2" />
        <Skeleton className="h-5 w-1/3" />
      </li>
    );
  }
  if (level.isError) {
    return (
      <li role="none">
        <LoadError what="this part of the chart" error={level.error} onRetry={() => void level.refetch()} retrying={level.isFetching} />
      </li>
    );
  }
  const nodes = level.data.pages.flatMap((p) => p.data);
  if (!nodes.length && depth === 1) {
    return (
      <li role="none">
        <EmptyState icon={<Network aria-hidden className="size-6" />} title="Nobody here yet">
          People appear once they are in Baton.
        </EmptyState>
      </li>
    );
  }
  return (
    <>
      {nodes.map((n, i) => (
        <Node key={n.id} node={n} depth={depth} position={i + 1} size={nodes.length} />
      ))}
      {level.hasNextPage && (
        <li role="none" style={{ paddingInlineStart: `${(depth - 1) * 1.25 + 1.75}rem` }} className="py-1">
          <Button size="sm" variant="ghost" loading={level.isFetchingNextPage} onClick={() => void level.fetchNextPage()}>
            Show more
          </Button>
        </li>
      )}
    </>
  );
}

function Node({ node, depth, position, size }: { node: OrgChartNode; depth: number; position: number; size: number }) {
  const [open, setOpen] = useState(false);
  const hasReports = node.reports > 0;
  const toggle = () => hasReports && setOpen((o) => !o);
  return (
    <li
      role="treeitem"
      aria-level={depth}
      aria-posinset={position}
      aria-setsize={size}
      aria-expanded={hasReports ? open : undefined}
      aria-selected={false}
      tabIndex={depth === 1 && position === 1 ? 0 : -1}
      data-person={node.email}
      className="rounded-md outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key === "ArrowRight" && hasReports && !open) setOpen(true);
        else if (e.key === "ArrowLeft" && open) setOpen(false);
        else if (e.key === "Enter" || e.key === " ") toggle();
        else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          const items = [...(e.currentTarget.closest("[role=tree]")?.querySelectorAll<HTMLElement>("[role=treeitem]") ?? [])];
          const next = items[items.indexOf(e.currentTarget) + (e.key === "ArrowDown" ? 1 : -1)];
          next?.focus();
        } else return;
        e.preventDefault();
      }}
    >
      <div className="flex items-center gap-2 rounded-md py-1.5 pe-2 hover:bg-slate-50" style={{ paddingInlineStart: `${(depth - 1) * 1.25}rem` }} onClick={toggle}>
        <span aria-hidden className="grid size-5 shrink-0 place-items-center text-slate-500">
          {hasReports ? open ? <ChevronDown className="size-4" /> : <ChevronRight className="size-4" /> : null}
        </span>
        <PersonLine node={node} />
      </div>
      {open && (
        <ul role="group">
          <Level manager={node.id} depth={depth + 1} />
        </ul>
      )}
    </li>
  );
}

function PersonLine({ node }: { node: OrgChartNode }) {
  return (
    <span className="flex min-w-0 flex-1 flex-wrap items-baseline gap-x-3 gap-y-0.5 text-sm">
      <span className="font-medium text-slate-900">{node.name}</span>
      <span className="text-xs text-slate-500">
        {ROLE_LABELS[node.role]} · {node.email}
      </span>
      <span className="ms-auto flex gap-3 text-xs text-slate-600">
        <span data-testid="open-load">
          {node.openLoad} open {node.openLoad === 1 ? "task" : "tasks"}
        </span>
        {node.reports > 0 && (
          <span>
            {node.reports} {node.reports === 1 ? "report" : "reports"}
          </span>
        )}
      </span>
    </span>
  );
}

/** A search anywhere in the chart: each match with the line of managers above them. */
function SearchResults({ q }: { q: string }) {
  const found = useOrgChart({ q });
  if (found.isPending) return <Skeleton className="h-16 w-full" />;
  if (found.isError) return <LoadError what="the search" error={found.error} onRetry={() => void found.refetch()} retrying={found.isFetching} />;
  const nodes = found.data.pages.flatMap((p) => p.data);
  if (!nodes.length) {
    return (
      <EmptyState icon={<Network aria-hidden className="size-6" />} title="Nobody matches">
        Try another name or e-mail.
      </EmptyState>
    );
  }
  return (
    <>
      <ul aria-label={`People matching ${q}`} className="divide-y divide-slate-100" data-testid="org-chart-results">
        {nodes.map((n) => (
          <li key={n.id} className="py-2" data-person={n.email}>
            <p className="mb-0.5 text-xs text-slate-500">{n.path.length ? n.path.map((p) => p.name).join(" › ") : "Top of the chart"}</p>
            <PersonLine node={n} />
          </li>
        ))}
      </ul>
      {found.hasNextPage && (
        <Button size="sm" variant="ghost" loading={found.isFetchingNextPage} onClick={() => void found.fetchNextPage()}>
          Show more
        </Button>
      )}
    </>
  );
}
