"use client";

import { forwardRef, useRef, useState, type ComponentPropsWithoutRef, type FormEvent } from "react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { decideTaskSchema } from "@/lib/tasks/schemas";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Textarea } from "@/components/ui/input";

interface RejectDialogProps {
  task: TaskDto | null;
  onCancel: () => void;
  /** Resolves when the decision request has finished (the dialog closes either way). */
  onSubmit: (task: TaskDto, reason: string) => void;
}

export function RejectDialog({ task, onCancel, onSubmit }: RejectDialogProps) {
  return (
    <Dialog
      open={!!task}
      onClose={onCancel}
      title={task ? `Reject ${task.reference}?` : "Reject"}
      description={task ? <span className="line-clamp-2">{task.title}</span> : null}
    >
      {task && <RejectForm key={task.id} task={task} onSubmit={onSubmit} />}
    </Dialog>
  );
}

function RejectForm({ task, onSubmit }: { task: TaskDto; onSubmit: RejectDialogProps["onSubmit"] }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = decideTaskSchema.safeParse({ outcome: "reject", reason, version: task.version });
    if (!parsed.success) {
      setError(parsed.error.issues.find((i) => i.path[0] === "reason")?.message ?? parsed.error.issues[0]?.message ?? "Check the reason");
      ref.current?.focus();
      return;
    }
    onSubmit(task, parsed.data.reason ?? reason);
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <RejectReasonField
        ref={ref}
        data-autofocus
        value={reason}
        error={error}
        onChange={(e) => {
          setReason(e.target.value);
          if (error) setError(null);
        }}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter submits, like most comment boxes.
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit(e);
        }}
      />
      <DialogActions submitLabel="Reject task" variant="destructive" />
    </form>
  );
}

/** The reason a rejection needs, asked the same way wherever a task is rejected (the inbox, the e-mail link's page). */
export const RejectReasonField = forwardRef<HTMLTextAreaElement, Omit<ComponentPropsWithoutRef<typeof Textarea>, "label" | "hint" | "name" | "required" | "maxLength">>(
  function RejectReasonField(props, ref) {
    return <Textarea ref={ref} label="Reason for rejecting" hint="The requester sees this, and it is kept in the audit log." name="reason" required maxLength={2000} {...props} />;
  },
);
