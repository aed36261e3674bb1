"use client";

import { useState, type FormEvent } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Inbox, MessageCircleQuestion, Plus } from "lucide-react";
import type { RequestDto } from "@/lib/requests/schemas";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { FileLinks } from "@/components/forms/file-links";
import { useAnswerQuestion, useMyRequests, useRequestFiles, useWithdrawRequest } from "./queries";

/** A start form's file answer: the files by name, each opening in place (ADR 052). */
function AnswerFiles({ instanceId, ids }: { instanceId: string; ids: string[] }) {
  const files = useRequestFiles(instanceId, ids.length > 0).data?.data;
  return <FileLinks ids={ids} files={files} className="text-indigo-700 underline underline-offset-2" />;
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

const TONES: Record<RequestDto["status"], BadgeTone> = {
  RUNNING: "info",
  WAITING: "info",
  COMPLETED: "success",
  FAILED: "danger",
  CANCELLED: "neutral",
  COMPENSATING: "warning",
  COMPENSATED: "neutral",
};

/** My requests, live: where each is, who has it, questions to answer, and everything so far. */
export function MyRequestsView() {
  const requests = useMyRequests();
  const filed = useSearchParams().get("filed");
  const list = requests.data?.data ?? [];
  return (
    <main id="main" className="mx-auto w-full max-w-4xl flex-1 px-4 py-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold text-slate-900">My requests</h1>
        <Link href="/requests/new" className="ml-auto inline-flex items-center gap-1.5 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
          <Plus aria-hidden className="size-4" /> New request
        </Link>
      </div>
      {filed && <p role="status" className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">Your request was filed. It shows below and updates as people work on it.</p>}
      <div className="mt-5 space-y-4">
        {requests.isPending ? (
          <>
            <Skeleton className="h-32" />
            <Skeleton className="h-32" />
          </>
        ) : requests.isError ? (
          <LoadError what="your requests" error={requests.error} onRetry={() => requests.refetch()} retrying={requests.isFetching} />
        ) : list.length === 0 ? (
          <EmptyState icon={<Inbox aria-hidden className="size-5" />} title="No requests yet" action={<Link href="/requests/new" className="text-sm font-medium text-indigo-700 underline">File your first request</Link>}>
            Requests you file show up here, with who has them and every decision.
          </EmptyState>
        ) : (
          list.map((r) => <RequestCard key={r.id} request={r} />)
        )}
      </div>
    </main>
  );
}

function RequestCard({ request: r }: { request: RequestDto }) {
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState("");
  const withdraw = useWithdrawRequest();
  const headingId = `request-${r.id}`;
  return (
    <article aria-labelledby={headingId} className="rounded-lg bg-white p-4 ring-1 ring-slate-200" data-testid="request-card">
      <header className="flex flex-wrap items-center gap-2">
        <h2 id={headingId} className="font-semibold text-slate-900">
          {r.process.name}
        </h2>
        <Badge tone={TONES[r.status]}>{r.statusLabel}</Badge>
        <span className="text-xs text-slate-500">filed {when(r.startedAt)}</span>
        {r.can.withdraw && (
          <Button size="sm" className="ml-auto" onClick={() => setWithdrawing(true)}>
            Withdraw
          </Button>
        )}
      </header>
      {r.answers.length > 0 && (
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
          {r.answers.map((a) => (
            <div key={a.id} className="contents">
              <dt className="text-slate-500">{a.label}</dt>
              <dd className="text-slate-900">{Array.isArray(a.value) ? <AnswerFiles instanceId={r.id} ids={a.value as string[]} /> : typeof a.value === "boolean" ? (a.value ? "Yes" : "No") : String(a.value)}</dd>
            </div>
          ))}
        </dl>
      )}
      {r.waitingOn.map((w) => (
        <section key={w.taskId} className="mt-3 rounded-md bg-slate-50 p-3 text-sm" aria-label={`Now: ${w.title}`}>
          <p>
            <span className="font-medium text-slate-900">Now: {w.title}</span> — with {w.assignee?.name ?? (w.group ? `the ${w.group.name} queue` : "nobody yet")} since {when(w.since)}
            {w.dueAt && <> · due {when(w.dueAt)}</>}
          </p>
          {w.question && <AnswerForm taskId={w.taskId} question={w.question} />}
        </section>
      ))}
      <h3 className="mt-3 text-xs font-semibold tracking-wide text-slate-500 uppercase">Timeline</h3>
      <ol className="mt-1 space-y-1 border-l border-slate-200 pl-3 text-sm" data-testid="request-timeline">
        {r.timeline.map((t, i) => (
          <li key={i}>
            <time dateTime={t.at} className="text-xs text-slate-500">
              {when(t.at)}
            </time>{" "}
            {t.by && <span className="font-medium text-slate-800">{t.by}: </span>}
            <span className="text-slate-800">{t.text}</span>
          </li>
        ))}
      </ol>
      <ConfirmDialog
        open={withdrawing}
        onClose={() => setWithdrawing(false)}
        title={`Withdraw "${r.process.name}"?`}
        consequence="Its open steps are cancelled and what was already done is undone where the process says how. This cannot be reversed."
        confirmLabel="Withdraw request"
        onConfirm={() => withdraw.mutateAsync({ id: r.id, reason: reason.trim() || "No longer needed" })}
        onDone={() => setReason("")}
      >
        <Textarea label="Why (optional)" name="withdraw-reason" rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
      </ConfirmDialog>
    </article>
  );
}

function AnswerForm({ taskId, question }: { taskId: string; question: NonNullable<RequestDto["waitingOn"][number]["question"]> }) {
  const [answer, setAnswer] = useState("");
  const [error, setError] = useState<string | null>(null);
  const send = useAnswerQuestion();
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!answer.trim()) return setError("Write your answer");
    setError(null);
    send.mutate({ taskId, answer: answer.trim() }, { onError: (err) => setError(err.message) });
  }
  return (
    <form onSubmit={onSubmit} noValidate className="mt-2 space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200" aria-label={`Answer ${question.askedBy}`}>
      <p className="flex items-start gap-1.5 text-amber-900">
        <MessageCircleQuestion aria-hidden className="mt-0.5 size-4 shrink-0" />
        <span>
          <span className="font-medium">{question.askedBy} asks:</span> {question.text}
        </span>
      </p>
      <Textarea label="Your answer" name="answer" rows={2} maxLength={4000} value={answer} error={error} onChange={(e) => setAnswer(e.target.value)} />
      <FormError error={null} />
      <Button type="submit" size="sm" variant="primary" loading={send.isPending} disabled={send.isPending}>
        Send answer
      </Button>
    </form>
  );
}
