"use client";

import { useRef, useState, type FormEvent } from "react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { forwardTaskSchema, reassignTaskSchema } from "@/lib/tasks/schemas";
import { formErrorsOf } from "@/components/data/api";
import { usePeople } from "@/components/data/queries";
import { useAnnouncer } from "@/components/announcer";
import { Dialog, DialogActions, useDialogClose } from "@/components/ui/dialog";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import { useForwardTask, useReassignTask } from "./queries";

/**
 * Reassign one task to a person (supervisors and admins), or forward my own task to a colleague
 * (`forward`), with the reason the audit log keeps. `onDone` runs once it went through, before the dialog closes.
 */
export function ReassignDialog({
  task,
  open,
  onClose,
  onDone,
  forward = false,
}: {
  task: TaskDto;
  open: boolean;
  onClose: () => void;
  onDone?: (updated: TaskDto) => void;
  forward?: boolean;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={`${forward ? "Forward" : "Reassign"} ${task.reference}`} description={<span className="line-clamp-2">{task.title}</span>}>
      {open && <ReassignForm key={task.version} task={task} forward={forward} onDone={onDone} />}
    </Dialog>
  );
}

function ReassignForm({ task, forward, onDone: done }: { task: TaskDto; forward: boolean; onDone?: (updated: TaskDto) => void }) {
  const close = useDialogClose();
  const reassignTask = useReassignTask(task.id);
  const forwardTask = useForwardTask(task.id);
  const reassign = forward ? forwardTask : reassignTask;
  const { announce } = useAnnouncer();
  const people = usePeople();
  const [assignee, setAssignee] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const choices = (people.data?.data ?? []).filter((p) => p.id !== task.assignee?.id && p.id !== task.requestedBy?.id);

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = forward
      ? forwardTaskSchema.safeParse({ to: assignee, reason, version: task.version })
      : reassignTaskSchema.safeParse({ assignee: assignee || undefined, reason, version: task.version });
    if (!parsed.success) {
      // The forward schema names the colleague "to"; the field is the same select.
      const fe = issuesToErrors(parsed.error.issues);
      setErrors(fe.to ? { ...fe, assignee: fe.to } : fe);
      if (assignee) reasonRef.current?.focus();
      return;
    }
    const onDone = {
      onSuccess: (updated: TaskDto) => {
        announce(`${forward ? "Forwarded" : "Reassigned"} ${task.reference} to ${updated.assignee?.name ?? "the queue"}`);
        done?.(updated);
        close();
      },
      onError: (err: unknown) => {
        const fe = formErrorsOf(err);
        setErrors(fe.to ? { ...fe, assignee: fe.to } : fe);
      },
    };
    if (forward) forwardTask.mutate(parsed.data as Parameters<typeof forwardTask.mutate>[0], onDone);
    else reassignTask.mutate(parsed.data as Parameters<typeof reassignTask.mutate>[0], onDone);
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <Select label={forward ? "Colleague" : "New assignee"} name="assignee" value={assignee} error={errors.assignee ?? null} onChange={(e) => {
          setAssignee(e.target.value);
          setErrors(({ assignee: _fixed, ...rest }) => rest);
        }} data-autofocus>
        <option value="">Choose a person…</option>
        {choices.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </Select>
      <Textarea
        ref={reasonRef}
        label="Reason"
        hint="Kept in the audit log and shown in the task's history."
        name="reason"
        maxLength={2000}
        value={reason}
        error={errors.reason ?? null}
        onChange={(e) => {
          setReason(e.target.value);
          setErrors(({ reason: _fixed, ...rest }) => rest);
        }}
      />
      <FormError error={errors.form} />
      <DialogActions submitLabel={forward ? "Forward" : "Reassign"} busy={reassign.isPending} />
    </form>
  );
}
