"use client";

import { useRef, useState, type FormEvent } from "react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { requestInfoSchema } from "@/lib/tasks/schemas";
import { usePeople } from "@/components/data/queries";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Select, Textarea } from "@/components/ui/input";

interface RequestInfoDialogProps {
  task: TaskDto | null;
  meId: string | undefined;
  onCancel: () => void;
  onSubmit: (task: TaskDto, question: string, askTo: string) => void;
}

/** "Request more information": who to ask (the requester by default) and the question. */
export function RequestInfoDialog({ task, meId, onCancel, onSubmit }: RequestInfoDialogProps) {
  return (
    <Dialog
      open={!!task}
      onClose={onCancel}
      title={task ? `Ask for more information on ${task.reference}` : "Ask for more information"}
      description={task ? <span className="line-clamp-2">{task.title}</span> : null}
    >
      {task && <RequestInfoForm key={task.id} task={task} meId={meId} onSubmit={onSubmit} />}
    </Dialog>
  );
}

function RequestInfoForm({ task, meId, onSubmit }: { task: TaskDto; meId: string | undefined; onSubmit: RequestInfoDialogProps["onSubmit"] }) {
  const people = usePeople();
  const [askTo, setAskTo] = useState(task.requestedBy?.id ?? "");
  const [question, setQuestion] = useState("");
  const [errors, setErrors] = useState<{ question?: string; askTo?: string }>({});
  const questionRef = useRef<HTMLTextAreaElement>(null);
  const askRef = useRef<HTMLSelectElement>(null);

  const choices = (people.data?.data ?? []).filter((p) => p.id !== meId);
  // The requester may not be in the first page of people; keep them selectable.
  if (task.requestedBy && !choices.some((p) => p.id === task.requestedBy!.id) && task.requestedBy.id !== meId) {
    choices.unshift({ id: task.requestedBy.id, name: task.requestedBy.name, email: "" });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const next: typeof errors = {};
    if (!askTo) next.askTo = "Choose who should answer";
    const parsed = requestInfoSchema.safeParse({ question, askTo: askTo || undefined, version: task.version });
    if (!parsed.success) next.question = parsed.error.issues.find((i) => i.path[0] === "question")?.message ?? parsed.error.issues[0]?.message;
    if (next.askTo || next.question) {
      setErrors(next);
      (next.question ? questionRef : askRef).current?.focus();
      return;
    }
    onSubmit(task, parsed.data!.question, askTo);
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <Select
        ref={askRef}
        label="Ask"
        name="askTo"
        value={askTo}
        error={errors.askTo}
        hint={task.requestedBy ? "The requester, unless you choose someone else." : "This task has no requester: choose who should answer."}
        disabled={people.isPending && !task.requestedBy}
        onChange={(e) => {
          setAskTo(e.target.value);
          setErrors((x) => ({ ...x, askTo: undefined }));
        }}
      >
        {!task.requestedBy && <option value="">{people.isPending ? "Loading people…" : "Choose a person"}</option>}
        {choices.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
            {p.id === task.requestedBy?.id ? " (requester)" : ""}
          </option>
        ))}
      </Select>
      {people.isError && <p className="text-xs text-red-700">Couldn&apos;t load the people list; you can still ask the requester.</p>}
      <Textarea
        ref={questionRef}
        data-autofocus
        label="Question"
        hint="The task waits until they answer, then comes back to you with the answer attached."
        name="question"
        required
        maxLength={4000}
        value={question}
        error={errors.question}
        onChange={(e) => {
          setQuestion(e.target.value);
          if (errors.question) setErrors((x) => ({ ...x, question: undefined }));
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit(e);
        }}
      />
      <DialogActions submitLabel="Send question" />
    </form>
  );
}
