"use client";

import { useRef, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { TaskDto } from "@/lib/tasks/schemas";
import { reassignTaskSchema } from "@/lib/tasks/schemas";
import { api, ApiError } from "@/components/data/api";
import { queryKeys, usePeople } from "@/components/data/queries";
import { useAnnouncer } from "@/components/announcer";
import { Dialog, useDialogClose } from "@/components/ui/dialog";
import { Select, Textarea } from "@/components/ui/input";
import { Button } from "@/components/ui/button";

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
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const people = usePeople();
  const [assignee, setAssignee] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const choices = (people.data?.data ?? []).filter((p) => p.id !== task.assignee?.id && p.id !== task.requestedBy?.id);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = reassignTaskSchema.safeParse({ assignee: assignee || undefined, reason, version: task.version });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      if (assignee) reasonRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const updated = await api<TaskDto>(`/api/v1/tasks/${encodeURIComponent(task.id)}/reassign`, { method: "POST", body: parsed.data });
      qc.setQueryData(queryKeys.task(task.id), updated);
      void qc.invalidateQueries({ queryKey: queryKeys.tasks });
      announce(`Reassigned ${task.reference} to ${updated.assignee?.name ?? "the queue"}`);
      close();
    } catch (err) {
      setErrors(err instanceof ApiError ? { ...err.fieldErrors(), form: err.message } : { form: "Something went wrong. Try again." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <Select label="New assignee" name="assignee" value={assignee} error={errors.assignee ?? null} onChange={(e) => setAssignee(e.target.value)} data-autofocus>
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
        onChange={(e) => setReason(e.target.value)}
      />
      {errors.form && (
        <p role="alert" className="text-sm font-medium text-red-700">
          {errors.form}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={busy} disabled={busy}>
          Reassign
        </Button>
      </div>
    </form>
  );
}
