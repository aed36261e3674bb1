"use client";

import { forwardRef, useState } from "react";
import Link from "next/link";
import { ArrowLeft, Check, Eye, CircleCheck, Hand, Lock, TriangleAlert, Undo2, X, Maximize2, RefreshCw, SearchX, MessageCircleQuestion, UserRoundPen, Forward } from "lucide-react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { useMe } from "@/components/data/queries";
import { useTask } from "./queries";
import { useTaskPresence, viewingText } from "@/components/data/presence";
import { isApiError } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/ui/empty-state";
import { ContextView } from "./context-view";
import { CaseAround, CaseDetails } from "./case-view";
import { AttachmentsPanel } from "./attachments-panel";
import { TaskTimeline } from "./task-timeline";
import { EscalationPanel } from "./escalation-panel";
import { EscalationBadge, PriorityBadge, SlaText, StatusBadge } from "./task-badges";
import { localDateTime, relative } from "./format";
import type { TaskActions } from "./use-task-actions";
import { approvalSummary } from "./decision-form";
import { DecisionPanel, FormDecision, InfoRequestPanel } from "./decision-panels";
import { canForward } from "./can-forward";
import { ReassignDialog } from "./reassign-dialog";
import { TaskSignalsBanner } from "./task-signals";
import { HeadingBase, SubHeading } from "@/components/ui/heading-level";
import { JsonBlock } from "@/components/ui/json-block";

interface TaskDetailProps {
  taskId: string;
  actions: TaskActions;
  /** Approve: the inbox removes the row optimistically, the full page just decides. */
  onApprove: (task: TaskDto) => void;
  /** Phone layout: back to the list. */
  onBack?: () => void;
  /** Show a link to the task's own page (in the inbox pane). */
  showOpenLink?: boolean;
  /** On the task's own page its title is the page's heading (h1); in the inbox pane an h2. */
  pageHeading?: boolean;
}

export const TaskDetail = forwardRef<HTMLElement, TaskDetailProps>(function TaskDetail({ taskId, actions, onApprove, onBack, showOpenLink, pageHeading }, ref) {
  const { data: task, isPending, isError, error, refetch } = useTask(taskId);
  const me = useMe();
  const [reassigning, setReassigning] = useState(false);
  const [forwarding, setForwarding] = useState(false);
  // Who else has this task open (a warning, not a lock; plain text, never announced).
  const viewers = useTaskPresence(isPending || isError ? null : taskId);

  if (isPending) return <DetailSkeleton />;
  if (isError || !task) {
    const notFound = isApiError(error) && error.status === 404;
    return (
      <EmptyState
        tone={notFound ? "neutral" : "danger"}
        icon={notFound ? <SearchX aria-hidden className="size-6" /> : <TriangleAlert aria-hidden className="size-6" />}
        title={notFound ? "Task not found" : "Couldn't load this task"}
        action={
          notFound ? undefined : (
            <Button onClick={() => void refetch()}>
              <RefreshCw aria-hidden className="size-4" /> Retry
            </Button>
          )
        }
      >
        {notFound ? "It doesn't exist, or it isn't in a queue you can see." : (error as Error | null)?.message}
      </EmptyState>
    );
  }

  const notice = actions.notice?.taskId === task.id ? actions.notice.message : null;
  const hasForm = !!task.form?.length || task.outcomes.length > 0;
  const busy = actions.pending?.taskId === task.id ? actions.pending.action : null;
  const open = task.status === "OPEN";
  // Supervisors (their teams) and admins; the server checks the team.
  const canReassign = open && !!me.data?.permissions.includes("tasks:assign");
  const forwardable = canForward(task, me.data?.id);
  const Heading = pageHeading ? "h1" : "h2";
  const canAct = task.can.claim || task.can.unclaim || task.can.decide || task.can.requestInfo || canReassign;

  return (
    <HeadingBase level={pageHeading ? 1 : 2}>
    <article ref={ref} tabIndex={-1} aria-labelledby={`task-title-${task.id}`} className="outline-none" data-testid="task-detail">
      {onBack && (
        <Button variant="ghost" size="sm" onClick={onBack} className="mb-3 -ml-2 lg:hidden">
          <ArrowLeft aria-hidden className="size-4" /> Back to list
        </Button>
      )}
      <header className="border-b border-slate-200 pb-4">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-mono text-xs font-medium text-slate-500" data-testid="task-reference">
            {task.reference}
          </span>
          <StatusBadge task={task} />
          <PriorityBadge priority={task.priority} />
          <EscalationBadge sla={task.sla} />
          {viewingText(viewers) && (
            <span data-testid="presence" title={viewers.map((v) => v.name).join(", ")} className="inline-flex items-center gap-1 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-200 ring-inset">
              <Eye aria-hidden className="size-3.5" />
              {viewingText(viewers)}
            </span>
          )}
          {showOpenLink && (
            <Link
              href={`/tasks/${task.id}`}
              className="ml-auto inline-flex items-center gap-1 rounded px-1.5 py-1 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-800"
            >
              <Maximize2 aria-hidden className="size-3.5" /> Open page
            </Link>
          )}
        </div>
        <Heading id={`task-title-${task.id}`} className="mt-2 text-lg leading-snug font-semibold text-slate-900 sm:text-xl">
          {task.title}
        </Heading>
        <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
          <Meta label="Due">
            {task.dueAt ? (
              <>
                <span className="block text-slate-900">{localDateTime(task.dueAt)}</span>
                {open ? <SlaText dueAt={task.dueAt} /> : <span className="text-xs text-slate-500">{relative(task.dueAt)}</span>}
              </>
            ) : (
              <span className="text-slate-500">No due date</span>
            )}
          </Meta>
          <Meta label="Assignee">
            {task.assignee ? task.assignee.name : <span className="text-slate-500">Unclaimed</span>}
            {task.delegatedFrom && <span className="block text-xs text-slate-500">for {task.delegatedFrom.name} (out of office)</span>}
            {task.candidateGroup && <span className="block text-xs text-slate-500">Queue: {task.candidateGroup.name}</span>}
          </Meta>
          <Meta label="Requested by">{task.requestedBy?.name ?? <span className="text-slate-500">A system</span>}</Meta>
          <Meta label="Created">
            <span className="block">{localDateTime(task.createdAt)}</span>
            <span className="text-xs text-slate-500">{relative(task.createdAt)}</span>
          </Meta>
        </dl>
      </header>

      <TaskSignalsBanner task={task} meId={me.data?.id} />
      {notice && (
        <div data-testid="task-notice" data-focus-fallback tabIndex={-1} className="mt-4 flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-300 ring-inset">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <div className="flex-1">
            <p className="font-medium">{notice}</p>
            <p className="text-amber-800">The task below shows its current state.</p>
          </div>
          <button type="button" onClick={actions.clearNotice} className="rounded p-0.5 hover:bg-amber-100" aria-label="Dismiss">
            <X aria-hidden className="size-4" />
          </button>
        </div>
      )}

      {task.approvalsRequired > 1 && (
        <p data-testid="approvals" className="mt-4 flex items-center gap-2 rounded-lg bg-indigo-50 px-3 py-2 text-sm text-indigo-950 ring-1 ring-indigo-200 ring-inset">
          <CircleCheck aria-hidden className="size-4 shrink-0" />
          <span>
            <span className="font-medium">Four-eyes:</span> {approvalSummary(task)}
          </span>
          {open && task.can.undo && (
            <Button size="sm" variant="secondary" shortcut="z" className="ml-auto" onClick={() => void actions.undo(task)}>
              <Undo2 aria-hidden className="size-4" /> Undo my approval
            </Button>
          )}
        </p>
      )}

      {task.status === "DECIDED" && <DecisionPanel task={task} onUndo={task.can.undo ? () => void actions.undo(task) : undefined} />}

      {open && canAct && (
        <div role="toolbar" aria-label="Task actions" className="mt-4 flex flex-wrap items-center gap-2">
          {task.can.decide && (
            <>
              {!hasForm && (
                <Button variant="success" shortcut="a" loading={busy === "approve"} disabled={!!busy} onClick={() => onApprove(task)}>
                  {busy !== "approve" && <Check aria-hidden className="size-4" />} Approve
                </Button>
              )}
              <Button variant="danger" shortcut="r" loading={busy === "reject"} disabled={!!busy} onClick={() => actions.openReject(task)}>
                {busy !== "reject" && <X aria-hidden className="size-4" />} Reject
              </Button>
            </>
          )}
          {task.can.requestInfo && (
            <Button shortcut="i" disabled={!!busy} loading={busy === "requestInfo"} onClick={() => actions.openAsk(task)}>
              {busy !== "requestInfo" && <MessageCircleQuestion aria-hidden className="size-4" />} Ask for info
            </Button>
          )}
          {task.can.claim && (
            <Button shortcut="c" loading={busy === "claim"} disabled={!!busy} onClick={() => void actions.run(task, "claim")}>
              {busy !== "claim" && <Hand aria-hidden className="size-4" />} Claim
            </Button>
          )}
          {forwardable && (
            <Button variant="ghost" onClick={() => setForwarding(true)}>
              <Forward aria-hidden className="size-4" /> Forward…
            </Button>
          )}
          {canReassign && (
            <Button variant="ghost" onClick={() => setReassigning(true)}>
              <UserRoundPen aria-hidden className="size-4" /> Reassign…
            </Button>
          )}
          {task.can.unclaim && (
            <Button variant="ghost" loading={busy === "unclaim"} disabled={!!busy} onClick={() => void actions.run(task, "unclaim")}>
              {busy !== "unclaim" && <Undo2 aria-hidden className="size-4" />} Release to queue
            </Button>
          )}
        </div>
      )}

      {open && task.can.decide && hasForm && <FormDecision key={task.version} task={task} actions={actions} busy={busy === "approve"} />}

      {task.status === "INFO_REQUESTED" && <InfoRequestPanel task={task} actions={actions} busy={busy === "answer"} />}

      {task.status !== "DECIDED" && task.status !== "INFO_REQUESTED" && task.can.readOnlyReason && (
        <p data-testid="read-only-reason" className="mt-4 flex items-start gap-2 rounded-lg bg-slate-100 px-3 py-2.5 text-sm text-slate-700">
          <Lock aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span>
            <span className="font-medium">Read only.</span> {task.can.readOnlyReason}
          </span>
        </p>
      )}

      {task.description && <p className="mt-5 text-sm whitespace-pre-line text-slate-700">{task.description}</p>}

      <section aria-labelledby={`details-${task.id}`} className="mt-6">
        <SubHeading id={`details-${task.id}`} className="mb-3 text-sm font-semibold text-slate-900">
          Details
        </SubHeading>
        <CaseDetails taskId={task.id} fallback={<ContextView context={task.context} />} />
        <details className="mt-4 text-sm">
          <summary className="cursor-pointer text-xs font-medium text-slate-500 hover:text-slate-800">Raw data (JSON)</summary>
          <JsonBlock value={task.context} label="Raw data (JSON)" className="mt-2 max-h-80 rounded-lg bg-slate-900 p-3 text-slate-100" />
        </details>
      </section>

      <AttachmentsPanel taskId={task.id} canUpload={!!me.data?.permissions.includes("tasks:comment")} />
      <CaseAround taskId={task.id} />

      <EscalationPanel task={task} />

      <TaskTimeline taskId={task.id} version={task.version} canComment />
      {canReassign && <ReassignDialog task={task} open={reassigning} onClose={() => setReassigning(false)} />}
      {forwardable && <ReassignDialog forward task={task} open={forwarding} onClose={() => setForwarding(false)} />}
    </article>
    </HeadingBase>
  );
});

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}

function DetailSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading task" className="space-y-4">
      <Skeleton className="h-4 w-32" />
      <Skeleton className="h-7 w-3/4" />
      <div className="grid grid-cols-4 gap-4">
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
      </div>
      <Skeleton className="h-9 w-56" />
      <Skeleton className="h-40" />
    </div>
  );
}
