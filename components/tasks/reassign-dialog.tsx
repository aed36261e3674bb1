"use client";

import { useRef, useState, type FormEvent } from "react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { reassignTaskSchema } from "@/lib/tasks/schemas";
import { formErrorsOf } from "@/components/data/api";
import { usePeople } from "@/components/data/queries";
import { useAnnouncer } from "@/components/announcer";
import { Dialog, DialogActions, useDialogClose } from "@/components/ui/dialog";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import { useReassignTask } from "./queries";

/** Reassign one task to a person, with the reason the audit log keeps (supervisors and admins). */
export function ReassignDialog({ task, open, onClose }: { task: TaskDto; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title={`Reassign ${task.reference}`} description={<span className="line-clamp-2">{task.title}</span>}>
      {open && <ReassignForm key={task.version} task={task} />}
    </Dialog>
  );
}

function ReassignForm({ task }: { task: TaskDto }) {
  const close = useDialogClose();
  const reassign = useReassignTask(task.id);
  const { announce } = useAnnouncer();
  const people = usePeople();
  const [assignee, setAssignee] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const choices = (people.data?.data ?? []).filter((p) => p.id !== task.assignee?.id && p.id !== task.requestedBy?.id);

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = reassignTaskSchema.safeParse({ assignee: assignee || undefined, reason, version: task.version });
    if (!parsed.success) {
      setErrors(issuesToErrors(parsed.error.issues));
      if (assignee) reasonRef.current?.focus();
      return;
    }
    reassign.mutate(parsed.data, {
      onSuccess: (updated) => {
        announce(`Reassigned ${task.reference} to ${updated.assignee?.name ?? "the queue"}`);
        close();
      },
      onError: (err) => setErrors(formErrorsOf(err)),
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <Select label="New assignee" name="assignee" value={assignee} error={errors.assignee ?? null} onChange={(e) => {
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
      <DialogActions submitLabel="Reassign" busy={reassign.isPending} />
    </form>
  );
}
