"use client";

// The confirmation page of a decision link from a task e-mail (ADR 047). Opening the page decides
// nothing (mail scanners and link previews follow links); the person reads what the link proposes
// and confirms. Reject asks for the reason, as the inbox does; an outcome with a decision form or a
// required reason asks for them here, checked by the same schema as the server (ADR 052).
import { useEffect, useRef, useState, type FormEvent } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, CircleX, Clock, Link2Off, MailWarning, UserX } from "lucide-react";
import { api, ApiError } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { ContextView } from "@/components/tasks/context-view";
import { RejectReasonField } from "@/components/tasks/reject-dialog";
import { SlaText, StatusBadge } from "@/components/tasks/task-badges";
import { confirmEmailActionSchema, type EmailActionPreview } from "@/lib/email-actions/schemas";
import type { TaskDto } from "@/lib/tasks/schemas";
import { buildFormSchema, fieldVisible, formErrors, formForOutcome, outcomeStyle } from "@/lib/tasks/forms";
import { emptyValues, FieldInput, type FieldValue } from "@/components/forms/field-input";
import { useTaskFileUpload } from "@/components/tasks/case-queries";
import { Textarea } from "@/components/ui/input";

type ConfirmBody = { reason?: string; form?: Record<string, unknown>; version: number };

const path = (token: string) => `/api/v1/email-actions/${encodeURIComponent(token)}`;

/** What each refusal of a link means to the person, in words (never a stack or a bare status). */
const LINK_PROBLEMS: Record<string, { title: string; body: string; icon: typeof Clock }> = {
  EMAIL_LINK_USED: { title: "This link has already been used", body: "Each e-mail link works once. Open the task to see where it stands.", icon: CircleCheck },
  EMAIL_LINK_EXPIRED: { title: "This link has expired", body: "Open the task to decide it in Baton.", icon: Clock },
  EMAIL_LINK_WRONG_PERSON: { title: "This link was sent to someone else", body: "Sign in as the person who received the e-mail, or open the task from your own inbox.", icon: UserX },
  EMAIL_LINK_INVALID: { title: "This link is not valid", body: "It may have been changed or cut short on its way. Open the task from your inbox instead.", icon: Link2Off },
  TASK_NOT_FOUND: { title: "This task is no longer yours to see", body: "It may have moved to someone else. Your inbox shows what waits for you.", icon: Link2Off },
};

export function EmailActionView({ token }: { token: string }) {
  const qc = useQueryClient();
  const preview = useQuery({
    queryKey: queryKeys.emailAction(token),
    queryFn: ({ signal }) => api<EmailActionPreview>(path(token), { signal }),
    retry: (n, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && n < 2,
  });
  const confirm = useMutation({
    mutationFn: (body: ConfirmBody) => api<TaskDto>(path(token), { method: "POST", body }),
    onSuccess: (task) => {
      void qc.invalidateQueries({ queryKey: queryKeys.tasks });
      void qc.invalidateQueries({ queryKey: queryKeys.task(task.id) });
    },
  });

  return (
    <main id="main" className="mx-auto w-full max-w-2xl flex-1 px-4 py-8 sm:px-6">
      <div className="rounded-xl bg-white p-5 shadow-xs ring-1 ring-slate-200 sm:p-7">
        {confirm.isSuccess ? (
          <Done task={confirm.data} />
        ) : preview.isPending ? (
          <div aria-busy="true" aria-label="Loading the link" className="space-y-3">
            <Skeleton className="h-6 w-2/3" />
            <Skeleton className="h-4 w-1/2" />
            <Skeleton className="h-24 w-full" />
          </div>
        ) : preview.isError ? (
          <LinkProblem error={preview.error} onRetry={() => void preview.refetch()} retrying={preview.isFetching} />
        ) : (
          <Proposal preview={preview.data} pending={confirm.isPending} error={confirm.error} onConfirm={(body) => confirm.mutate(body)} />
        )}
      </div>
    </main>
  );
}

function TaskLink({ taskId, label = "Open the task" }: { taskId: string; label?: string }) {
  return (
    <Link href={`/tasks/${encodeURIComponent(taskId)}`} className="rounded font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
      {label}
    </Link>
  );
}

function LinkProblem({ error, onRetry, retrying }: { error: Error; onRetry: () => void; retrying: boolean }) {
  const code = error instanceof ApiError ? error.code : "UNKNOWN";
  const known = LINK_PROBLEMS[code];
  const taskId = error instanceof ApiError && typeof error.problem.taskId === "string" ? error.problem.taskId : null;
  const Icon = known?.icon ?? MailWarning;
  return (
    <EmptyState
      pageHeading
      tone={known ? "neutral" : "danger"}
      icon={<Icon aria-hidden className="size-6" />}
      title={known?.title ?? "Couldn't open this link"}
      action={
        known ? (
          <div className="flex flex-wrap items-center justify-center gap-4 text-sm">
            {taskId && <TaskLink taskId={taskId} />}
            <Link href="/inbox" className="rounded font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
              Go to your inbox
            </Link>
          </div>
        ) : (
          <Button onClick={onRetry} loading={retrying}>
            Retry
          </Button>
        )
      }
    >
      {known?.body ?? error.message}
    </EmptyState>
  );
}

function Proposal({
  preview,
  pending,
  error,
  onConfirm,
}: {
  preview: EmailActionPreview;
  pending: boolean;
  error: Error | null;
  onConfirm: (body: ConfirmBody) => void;
}) {
  const { task, action } = preview;
  const rejecting = action === "reject";
  // A custom outcome (ADR 052): its label and style, the reason and form fields it needs.
  const custom = task.outcomes.find((o) => o.id === action);
  const verb = rejecting ? "Reject" : action === "approve" ? "Approve" : (custom?.label ?? action);
  const needsReason = rejecting || !!custom?.requiresReason;
  const danger = rejecting || (!!custom && outcomeStyle(custom) === "danger");
  // The decision form as this outcome asks for it; a plain rejection needs none.
  const fields = rejecting || !task.form ? [] : formForOutcome(task.form, custom);
  const [values, setValues] = useState<Record<string, FieldValue>>(() => emptyValues(fields));
  const upload = useTaskFileUpload(task.id);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const server = error instanceof ApiError ? error.fieldErrors() : {};
  const fieldError = (id: string) => errors[id] ?? server[`form.${id}`] ?? null;
  const reasonError = errors.reason ?? server.reason ?? null;
  const hasFieldErrors = Object.keys(server).length > 0;
  const until = new Date(preview.expiresAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

  function submit(e: FormEvent) {
    e.preventDefault();
    // The same rules as the inbox: the form's schema for this outcome, and the reason it needs.
    const next: Record<string, string> = {};
    let form: Record<string, unknown> | undefined;
    if (fields.length) {
      const r = buildFormSchema(fields).safeParse(values);
      if (r.success) form = r.data as Record<string, unknown>;
      else Object.assign(next, formErrors(r.error));
    }
    const parsed = confirmEmailActionSchema.safeParse({ ...(reason.trim() ? { reason } : {}), version: task.version });
    if (needsReason && !parsed.data?.reason) next.reason = `A reason is required to ${verb.toLowerCase()}`;
    else if (!parsed.success) next.reason = parsed.error.issues[0]?.message ?? "Check the reason";
    setErrors(next);
    if (Object.keys(next).length) {
      const first = Object.keys(next)[0]!;
      if (first === "reason") reasonRef.current?.focus();
      else formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    onConfirm({ ...(parsed.data?.reason ? { reason: parsed.data.reason } : {}), ...(form ? { form } : {}), version: task.version });
  }

  return (
    <div className="space-y-5">
      <header className="space-y-1">
        <p className="text-sm text-slate-600">From your e-mail · {task.reference}</p>
        <h1 ref={headingRef} tabIndex={-1} className="text-xl font-semibold text-slate-900 focus:outline-none">
          {verb} “{task.title}”?
        </h1>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-600">
          <StatusBadge task={task} />
          {task.requestedBy && <span>Requested by {task.requestedBy.name}</span>}
          <SlaText dueAt={task.dueAt} />
        </div>
      </header>
      {task.description && <p className="text-sm whitespace-pre-wrap text-slate-700">{task.description}</p>}
      <section aria-labelledby="email-action-details">
        <h2 id="email-action-details" className="mb-2 text-sm font-semibold text-slate-900">
          Details
        </h2>
        <ContextView context={task.context} />
      </section>
      {task.can.decide ? (
        <form ref={formRef} onSubmit={submit} noValidate data-testid="email-action-form" className="space-y-4 border-t border-slate-200 pt-5">
          {fields.filter((f) => fieldVisible(f, values)).map((f) => (
            <FieldInput key={f.id} field={f} value={values[f.id]} error={fieldError(f.id)} onChange={(v) => setValues((s) => ({ ...s, [f.id]: v }))} upload={upload} />
          ))}
          {rejecting ? (
            <RejectReasonField
              ref={reasonRef}
              value={reason}
              error={reasonError}
              onChange={(e) => {
                setReason(e.target.value);
                if (errors.reason) setErrors((x) => Object.fromEntries(Object.entries(x).filter(([k]) => k !== "reason")));
              }}
            />
          ) : (
            needsReason && (
              <Textarea ref={reasonRef} label="Reason" hint="The requester sees this, and it is kept in the audit log." name="reason" required maxLength={2000} rows={3} value={reason} error={reasonError} onChange={(e) => setReason(e.target.value)} />
            )
          )}
          {error && !hasFieldErrors && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
              {error.message}
            </p>
          )}
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant={danger ? "destructive" : action === "approve" ? "success" : "primary"} loading={pending}>
              {danger ? <CircleX aria-hidden className="size-4" /> : <CircleCheck aria-hidden className="size-4" />}
              {rejecting ? "Reject task" : action === "approve" ? "Approve task" : verb}
            </Button>
            <TaskLink taskId={task.id} label="Open the task instead" />
          </div>
          <p className="text-xs text-slate-500">This link works once, for you only, until {until}. Nothing is decided until you confirm.</p>
        </form>
      ) : (
        <div className="space-y-2 border-t border-slate-200 pt-5 text-sm">
          <p role="status" className="text-slate-800">
            {task.can.readOnlyReason ?? "You cannot decide this task now."}
          </p>
          <TaskLink taskId={task.id} />
        </div>
      )}
    </div>
  );
}

function Done({ task }: { task: TaskDto }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const decided = task.status === "DECIDED";
  const custom = task.outcomes.find((o) => o.id === task.outcome);
  const verb = task.outcome === "reject" ? "Rejected" : !decided ? "Approval recorded" : custom ? `Decided (${custom.label})` : "Approved";
  return (
    <div role="status" className="space-y-3 text-center">
      <div className="mx-auto w-fit rounded-full bg-emerald-50 p-3 text-emerald-700">
        <CircleCheck aria-hidden className="size-6" />
      </div>
      <h1 ref={ref} tabIndex={-1} className="text-xl font-semibold text-slate-900 focus:outline-none">
        {verb}: {task.reference}
      </h1>
      <p className="text-sm text-slate-600">
        {decided ? `“${task.title}” is decided; the requester is told.` : `“${task.title}” still needs ${task.approvalsRequired - task.approvals.length} more approval(s) from someone else.`}
      </p>
      <div className="flex flex-wrap items-center justify-center gap-4 text-sm">
        <TaskLink taskId={task.id} />
        <Link href="/inbox" className="rounded font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
          Go to your inbox
        </Link>
      </div>
    </div>
  );
}
