"use client";

// The parts of the task detail that show or take a decision: the decided panel (with undo while
// the decision is held), the decision form, and the open question with its answer box.
import { useState, type FormEvent } from "react";
import { CircleCheck, CircleX, Hourglass, Undo2 } from "lucide-react";
import { format } from "date-fns";
import type { TaskDto } from "@/lib/tasks/schemas";
import { answerInfoSchema } from "@/lib/tasks/schemas";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/input";
import { useNow } from "@/components/use-now";
import { DecisionForm, FormValues } from "./decision-form";
import { localDateTime, relative } from "./format";
import { useTaskComments } from "./queries";
import type { TaskActions } from "./use-task-actions";

export function DecisionPanel({ task, onUndo }: { task: TaskDto; onUndo?: () => void }) {
  // The undo window closes on its own: re-render each second while it is open.
  const now = useNow(task.hold ? 1000 : 3_600_000);
  const holding = task.hold && new Date(task.hold.until).getTime() > now;
  // A custom outcome not declared rejecting is an approval of a kind ("approve with conditions").
  const custom = task.outcomes.find((o) => o.id === task.outcome);
  const approved = task.outcome === "approve" || (!!custom && !custom.rejecting);
  return (
    <div
      data-testid="decision-panel"
      className={
        "mt-4 rounded-lg px-4 py-3 text-sm ring-1 ring-inset " +
        (approved ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200")
      }
    >
      <p className="flex items-center gap-1.5 font-semibold">
        {approved ? <CircleCheck aria-hidden className="size-4" /> : <CircleX aria-hidden className="size-4" />}
        {task.outcome === "approve" ? "Approved" : task.outcome === "reject" ? "Rejected" : `Decided: ${custom?.label ?? task.outcome}`}
        {task.decidedBy && <span className="font-normal"> by {task.decidedBy.name}</span>}
      </p>
      {task.decidedAt && (
        <p className="mt-0.5 text-xs opacity-80">
          <time dateTime={task.decidedAt}>{localDateTime(task.decidedAt)}</time> · {relative(task.decidedAt)}
        </p>
      )}
      {task.reason && <p className="mt-2 whitespace-pre-line">“{task.reason}”</p>}
      <FormValues task={task} />
      {holding && task.hold && (
        <p className="mt-2 flex flex-wrap items-center gap-2 text-xs">
          <span>
            Takes effect at {format(new Date(task.hold.until), "HH:mm:ss")}
            {onUndo ? "; until then you can undo it." : "."}
          </span>
          {onUndo && (
            <Button size="sm" variant="secondary" shortcut="z" onClick={onUndo}>
              <Undo2 aria-hidden className="size-4" /> Undo
            </Button>
          )}
        </p>
      )}
    </div>
  );
}

export function FormDecision({ task, actions, busy }: { task: TaskDto; actions: TaskActions; busy: boolean }) {
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  return (
    <DecisionForm
      task={task}
      busy={busy}
      serverErrors={serverErrors}
      onSubmit={(d) => void actions.decideWith(task, d).then((r) => setServerErrors(r.fieldErrors))}
    />
  );
}

/** The open question: who was asked and what; the person asked answers right here. */
export function InfoRequestPanel({ task, actions, busy }: { task: TaskDto; actions: TaskActions; busy: boolean }) {
  const comments = useTaskComments(task.id);
  const question = [...(comments.data?.data ?? [])].reverse().find((c) => c.kind === "question");
  const [answer, setAnswer] = useState("");
  const [error, setError] = useState<string | null>(null);
  const info = task.infoRequest;

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = answerInfoSchema.safeParse({ answer });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Write your answer");
      return;
    }
    void actions.run(task, "answer", parsed.data.answer).then((ok) => ok && setAnswer(""));
  }

  return (
    <section data-testid="info-request" aria-label="Question waiting for an answer" className="mt-4 rounded-lg bg-sky-50 px-4 py-3 text-sm text-sky-950 ring-1 ring-sky-200 ring-inset">
      <p className="flex items-center gap-1.5 font-semibold">
        <Hourglass aria-hidden className="size-4" />
        {task.can.answer
          ? `${info?.askedBy?.name ?? question?.authorName ?? "The decider"} asked ${info?.askedOf?.name ?? "for more information"}:`
          : `Waiting for ${info?.askedOf?.name ?? "an answer"}`}
        {info?.askedAt && <span className="font-normal text-sky-800">· since {relative(info.askedAt)}</span>}
      </p>
      {question ? (
        <blockquote className="mt-1.5 border-l-2 border-sky-300 pl-2 whitespace-pre-line">{question.body}</blockquote>
      ) : comments.isPending ? (
        <Skeleton className="mt-2 h-4 w-2/3" />
      ) : null}
      {!task.can.answer && task.can.readOnlyReason && <p className="mt-1.5 text-sky-800">{task.can.readOnlyReason}</p>}
      {task.can.answer && (
        <form onSubmit={submit} noValidate className="mt-3 space-y-2">
          <Textarea
            label="Your answer"
            hint="The task goes back to the decider with your answer attached."
            name="answer"
            maxLength={4000}
            value={answer}
            error={error}
            onChange={(e) => {
              setAnswer(e.target.value);
              if (error) setError(null);
            }}
          />
          <div className="flex justify-end">
            <Button type="submit" variant="primary" loading={busy} disabled={busy}>
              Send answer
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
