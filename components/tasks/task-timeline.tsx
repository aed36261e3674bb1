"use client";

import { useRef, useState, type FormEvent, type ReactNode } from "react";
import { ArrowRight, Ban, Circle, CircleCheck, CircleX, Hand, History, MessageCircleQuestion, MessageSquare, MessageSquareReply, Plus, Undo2 } from "lucide-react";
import clsx from "clsx";
import type { AuditEntryDto } from "@/lib/audit/schemas";
import type { CommentDto } from "@/lib/comments/schemas";
import { createCommentSchema } from "@/lib/comments/schemas";
import { ApiError } from "@/components/data/api";
import { useKnownNames, usePeople } from "@/components/data/queries";
import { useAnnouncer } from "@/components/announcer";
import { Skeleton } from "@/components/ui/skeleton";
import { Button } from "@/components/ui/button";
import { Select, Textarea } from "@/components/ui/input";
import { actionPhrase, changeSummary } from "@/components/audit/describe";
import { localDateTime, relative } from "./format";
import { usePostComment, useTaskComments, useTaskHistory } from "./queries";
import { SubHeading } from "@/components/ui/heading-level";

const ICONS: Record<string, ReactNode> = {
  "task.created": <Plus aria-hidden className="size-3.5" />,
  "task.claimed": <Hand aria-hidden className="size-3.5" />,
  "task.unclaimed": <Undo2 aria-hidden className="size-3.5" />,
  "task.approved": <CircleCheck aria-hidden className="size-3.5 text-emerald-700" />,
  "task.rejected": <CircleX aria-hidden className="size-3.5 text-red-700" />,
  "task.cancelled": <Ban aria-hidden className="size-3.5" />,
  "task.decision_undone": <Undo2 aria-hidden className="size-3.5" />,
};

// Inbox actions the shared audit phrases don't name yet.
const PHRASES: Record<string, string> = {
  "task.routed": "routed the task",
  "task.approval_recorded": "approved (more approvals needed)",
  "task.reassigned": "reassigned the task",
  "task.forwarded": "forwarded the task",
  "task.reminded": "sent an overdue reminder",
  "task.escalated": "escalated the task",
  "task.decided": "decided",
};

/** Form values, approval counts and the routing choice an entry carries in `after`. */
function entryExtras(entry: AuditEntryDto): { form: [string, unknown][]; approvals: string | null; routedTo: string | null } {
  const after = (entry.after ?? {}) as Record<string, unknown>;
  const form = after.form && typeof after.form === "object" ? Object.entries(after.form as Record<string, unknown>) : [];
  const approvals = typeof after.approvals === "number" && typeof after.approvalsRequired === "number" ? `${after.approvals} of ${after.approvalsRequired} approvals` : null;
  const chosen = after.chosen as { name?: string } | null | undefined;
  // A decision table's choice names the version and the rule that fired (ADR 006).
  // A decision of a model (ADR 038, 054) names the decision instead.
  const table = after.decisionTable as { key?: string; version?: number; decision?: string; matchedRules?: { id: string; index: number }[] } | undefined;
  const rule = table?.matchedRules?.[0];
  const which = table?.decision ? `decision "${table.decision}"` : rule ? `rule ${rule.index} (${rule.id})` : "no rule matched";
  const byTable = table?.key ? ` · by ${table.key} v${table.version}, ${which}` : "";
  const group = after.group as { key?: string } | null | undefined;
  const target = chosen?.name ?? (table ? group?.key : undefined);
  const routedTo = entry.action === "task.routed" ? `${String(after.strategy ?? "").replace("_", " ")}${target ? ` → ${target}` : ""}${byTable}` : null;
  return { form, approvals, routedTo };
}

// Questions, answers and comments are shown as the comments themselves, not their audit lines.
const SHOWN_AS_COMMENT = new Set(["task.commented", "task.info_requested", "task.info_answered"]);

type Item = { at: string; key: string; entry: AuditEntryDto; comment?: never } | { at: string; key: string; comment: CommentDto; entry?: never };

/** The task's history (audit log) and its comments, questions and answers as one timeline. */
export function TaskTimeline({ taskId, version, canComment }: { taskId: string; version: number; canComment: boolean }) {
  const history = useTaskHistory(taskId, version);
  const comments = useTaskComments(taskId);
  const pending = history.isPending || comments.isPending;
  const failed = history.isError || comments.isError;

  const items: Item[] = [
    ...(history.data?.data ?? []).filter((e) => !SHOWN_AS_COMMENT.has(e.action)).map((entry) => ({ at: entry.at, key: `a${entry.seq}`, entry })),
    ...(comments.data?.data ?? []).map((comment) => ({ at: comment.createdAt, key: `c${comment.id}`, comment })),
  ].sort((a, b) => a.at.localeCompare(b.at));

  return (
    <section aria-labelledby={`history-${taskId}`} className="mt-8">
      <SubHeading id={`history-${taskId}`} className="mb-3 flex items-center gap-1.5 text-sm font-semibold text-slate-900">
        <History aria-hidden className="size-4 text-slate-500" /> History and comments
      </SubHeading>
      {pending && (
        <div className="space-y-3" aria-busy="true" aria-label="Loading the history">
          <Skeleton className="h-4 w-2/3" />
          <Skeleton className="h-4 w-1/2" />
        </div>
      )}
      {failed && (
        <p className="text-sm text-red-700">
          Couldn&apos;t load the history.{" "}
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              void history.refetch();
              void comments.refetch();
            }}
          >
            Retry
          </Button>
        </p>
      )}
      {!pending && !failed && (
        <ol className="relative space-y-4 border-l border-slate-200 pl-5" data-testid="task-history">
          {items.map((item) => (item.comment ? <CommentItem key={item.key} comment={item.comment} /> : <EntryItem key={item.key} entry={item.entry!} />))}
        </ol>
      )}
      {canComment && <CommentComposer taskId={taskId} />}
    </section>
  );
}

function Dot({ children }: { children: ReactNode }) {
  return <span className="absolute top-0.5 -left-[27px] grid size-4 place-items-center rounded-full bg-white text-slate-600 ring-1 ring-slate-300">{children}</span>;
}

function When({ at }: { at: string }) {
  return (
    <p className="text-xs text-slate-500">
      <time dateTime={at} title={at}>
        {localDateTime(at)}
      </time>{" "}
      · {relative(at)}
    </p>
  );
}

function EntryItem({ entry }: { entry: AuditEntryDto }) {
  const names = useKnownNames();
  // The channel is said in words below ("from an e-mail link"), not as a changed field.
  const changes = changeSummary(entry, names).filter((c) => !(entry.action === "task.created" && c.to === "—") && c.key !== "channel");
  const fromEmail = (entry.after as Record<string, unknown> | null)?.channel === "email";
  const extras = { ...entryExtras(entry), outcome: entry.action === "task.decided" ? String((entry.after as Record<string, unknown> | null)?.outcome ?? "") : "" };
  return (
    <li className="relative">
      <Dot>{ICONS[entry.action] ?? <Circle aria-hidden className="size-2" />}</Dot>
      <p className="text-sm text-slate-900">
        <span className="font-medium">{entry.actorLabel}</span> {PHRASES[entry.action] ?? actionPhrase(entry.action)}
        {extras.outcome && <span> ({extras.outcome})</span>}
        {extras.routedTo && <span className="text-slate-600" data-testid="routed-to"> — {extras.routedTo}</span>}
        {extras.approvals && <span className="text-slate-600"> — {extras.approvals}</span>}
        {fromEmail && <span className="text-slate-600"> — from an e-mail link</span>}
      </p>
      <When at={entry.at} />
      {entry.reason && <blockquote className="mt-1 border-l-2 border-slate-300 pl-2 text-sm text-slate-700 italic">“{entry.reason}”</blockquote>}
      {extras.form.length > 0 && (
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-xs text-slate-600" data-testid="history-form-values">
          {extras.form.map(([k, v]) => (
            <div key={k} className="contents">
              <dt>{k}</dt>
              <dd className="font-medium text-slate-800">{typeof v === "boolean" ? (v ? "yes" : "no") : Array.isArray(v) ? `${v.length} file${v.length === 1 ? "" : "s"}` : String(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {changes.length > 0 && entry.action !== "task.created" && entry.action !== "task.routed" && (
        <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-500">
          {changes.map((c) => (
            <li key={c.key} className="inline-flex items-center gap-1">
              {c.from === null ? (
                <>
                  {c.label}: {c.to}
                </>
              ) : (
                <>
                  {c.label}: {c.from} <ArrowRight aria-label="to" className="size-3" /> {c.to}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

const COMMENT_STYLE = {
  question: { icon: <MessageCircleQuestion aria-hidden className="size-3.5 text-sky-700" />, box: "bg-sky-50 ring-sky-200", label: "Question" },
  answer: { icon: <MessageSquareReply aria-hidden className="size-3.5 text-emerald-700" />, box: "bg-emerald-50 ring-emerald-200", label: "Answer" },
  comment: { icon: <MessageSquare aria-hidden className="size-3.5" />, box: "bg-white ring-slate-200", label: "Comment" },
} as const;

function CommentItem({ comment }: { comment: CommentDto }) {
  const style = COMMENT_STYLE[comment.kind];
  const to = comment.mentions.map((m) => m.name).join(", ");
  const verb =
    comment.kind === "question" ? `asked ${to || "for more information"}` : comment.kind === "answer" ? `answered${to ? ` ${to}` : ""}` : "commented";
  return (
    <li className="relative" data-testid={`comment-${comment.kind}`}>
      <Dot>{style.icon}</Dot>
      <p className="text-sm text-slate-900">
        <span className="font-medium">{comment.authorName}</span> {verb}
      </p>
      <When at={comment.createdAt} />
      <div className={clsx("mt-1.5 rounded-lg px-3 py-2 text-sm whitespace-pre-line text-slate-800 ring-1 ring-inset", style.box)}>
        <span className="sr-only">{style.label}: </span>
        {comment.body}
      </div>
      {comment.kind === "comment" && to && <p className="mt-1 text-xs text-slate-500">Mentioned: {to}</p>}
    </li>
  );
}

function CommentComposer({ taskId }: { taskId: string }) {
  const { announce } = useAnnouncer();
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [wantPeople, setWantPeople] = useState(false);
  const people = usePeople(wantPeople);
  const ref = useRef<HTMLTextAreaElement>(null);

  const post = usePostComment(taskId);

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = createCommentSchema.safeParse({ body });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Write a comment");
      ref.current?.focus();
      return;
    }
    post.mutate(parsed.data.body, {
      onSuccess: (c) => {
        setBody("");
        announce(c.mentions.length ? `Comment added; notified ${c.mentions.map((m) => m.name).join(", ")}` : "Comment added");
      },
      onError: (err) => {
        setError(err instanceof ApiError ? err.message : "Couldn't add the comment. Try again.");
        ref.current?.focus();
      },
    });
  }

  function mention(email: string) {
    if (!email) return;
    const el = ref.current;
    const at = el?.selectionStart ?? body.length;
    const before = body.slice(0, at);
    const insert = `${before && !/\s$/.test(before) ? " " : ""}@${email} `;
    const next = before + insert + body.slice(at);
    setBody(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + insert.length, at + insert.length);
    });
  }

  return (
    <form onSubmit={submit} noValidate className="mt-6 space-y-2" aria-label="New comment">
      <Textarea
        ref={ref}
        label="Add a comment"
        hint="Mention someone with @e-mail (or pick them below): they are notified. Ctrl+Enter sends."
        name="comment"
        maxLength={4000}
        value={body}
        error={error}
        className="[&_textarea]:min-h-20"
        onChange={(e) => {
          setBody(e.target.value);
          if (error) setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit(e);
        }}
      />
      <div className="flex flex-wrap items-end justify-between gap-2">
        <Select
          label="Mention"
          className="w-56"
          value=""
          onFocus={() => setWantPeople(true)}
          onMouseDown={() => setWantPeople(true)}
          onChange={(e) => mention(e.target.value)}
        >
          <option value="">{people.isPending && wantPeople ? "Loading people…" : "Choose a person…"}</option>
          {(people.data?.data ?? []).map((p) => (
            <option key={p.id} value={p.email}>
              {p.name} ({p.email})
            </option>
          ))}
        </Select>
        <Button type="submit" variant="primary" loading={post.isPending}>
          Comment
        </Button>
      </div>
    </form>
  );
}
