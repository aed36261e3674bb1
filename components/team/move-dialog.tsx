"use client";

import { useRef, useState, type FormEvent } from "react";
import type { TeamTask, TeamView } from "@/lib/team/schemas";
import { formErrorsOf } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Dialog, useDialogClose } from "@/components/ui/dialog";
import { Select, Textarea } from "@/components/ui/input";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useBulkTaskAction } from "@/components/tasks/queries";

export interface MoveRequest {
  tasks: TeamTask[];
  /** "me": take them yourself (the person is preselected). */
  mode: "reassign" | "take";
}

/**
 * Reassign one or many tasks to a person or a group queue, with the reason the audit log keeps.
 * Goes through POST /api/v1/tasks/bulk: each task changes on its own, and failures are listed.
 */
export function MoveDialog({ request, team, me, onClose, onDone }: { request: MoveRequest | null; team: TeamView; me: { id: string; name: string }; onClose: () => void; onDone: (movedIds: string[]) => void }) {
  const count = request?.tasks.length ?? 0;
  const title = request?.mode === "take" ? (count === 1 ? `Take ${request.tasks[0]!.reference}` : `Take ${count} tasks`) : count === 1 ? `Reassign ${request!.tasks[0]!.reference}` : `Reassign ${count} tasks`;
  return (
    <Dialog
      open={!!request}
      onClose={onClose}
      title={request ? title : ""}
      description={request && count === 1 ? <span className="line-clamp-2">{request.tasks[0]!.title}</span> : request ? `${request.tasks.map((t) => t.reference).join(", ")}` : null}
    >
      {request && <MoveForm key={request.tasks.map((t) => t.id).join(",") + request.mode} request={request} team={team} me={me} onDone={onDone} />}
    </Dialog>
  );
}

function MoveForm({ request, team, me, onDone }: { request: MoveRequest; team: TeamView; me: { id: string; name: string }; onDone: (movedIds: string[]) => void }) {
  const close = useDialogClose();
  const bulk = useBulkTaskAction();
  const { announce } = useAnnouncer();
  const [target, setTarget] = useState(request.mode === "take" ? `user:${me.id}` : "");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [failures, setFailures] = useState<{ reference: string; detail: string }[]>([]);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const people = [{ id: me.id, name: `${me.name} (me)` }, ...team.members.filter((m) => m.id !== me.id).map((m) => ({ id: m.id, name: m.outOfOffice?.activeNow ? `${m.name} (away)` : m.name }))];

  function submit(e: FormEvent) {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (!target) next.target = "Choose a person or a group queue";
    if (!reason.trim()) next.reason = "Give a reason: it is kept in the audit log";
    setErrors(next);
    if (Object.keys(next).length) {
      if (next.reason && !next.target) reasonRef.current?.focus();
      return;
    }
    const [kind, id] = target.split(":") as ["user" | "group", string];
    const group = team.queues.find((q) => q.group.id === id)?.group;
    setFailures([]);
    bulk.mutate(
      { action: "reassign", taskIds: request.tasks.map((t) => t.id), reason: reason.trim(), ...(kind === "user" ? { assignee: id } : { candidateGroup: group?.key }) },
      {
        onSuccess: (result) => {
          const moved = result.data.filter((r) => r.ok).map((r) => r.taskId);
          const failed = result.data.filter((r) => !r.ok);
          const name = kind === "user" ? (id === me.id ? "you" : people.find((p) => p.id === id)?.name) : group?.name;
          if (moved.length) announce(`Moved ${moved.length} task${moved.length === 1 ? "" : "s"} to ${name}`);
          onDone(moved);
          if (failed.length === 0) close();
          else setFailures(failed.map((f) => ({ reference: request.tasks.find((t) => t.id === f.taskId)?.reference ?? f.taskId, detail: f.detail ?? f.code ?? "failed" })));
        },
        onError: (err) => setErrors(formErrorsOf(err)),
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <Select label="Move to" name="target" value={target} error={errors.target ?? errors.assignee ?? errors.candidateGroup ?? null} onChange={(e) => {
          setTarget(e.target.value);
          setErrors(({ target: _t, assignee: _a, candidateGroup: _g, ...rest }) => rest);
        }} data-autofocus>
        <option value="">Choose a person or a queue…</option>
        <optgroup label="People">
          {people.map((p) => (
            <option key={p.id} value={`user:${p.id}`}>
              {p.name}
            </option>
          ))}
        </optgroup>
        {team.queues.length > 0 && (
          <optgroup label="Group queues">
            {team.queues.map((q) => (
              <option key={q.group.id} value={`group:${q.group.id}`}>
                {q.group.name} queue
              </option>
            ))}
          </optgroup>
        )}
      </Select>
      <Textarea
        ref={reasonRef}
        label="Reason"
        hint="Kept in the audit log and shown in each task's history."
        name="reason"
        required
        maxLength={2000}
        value={reason}
        error={errors.reason ?? null}
        onChange={(e) => {
          setReason(e.target.value);
          setErrors(({ reason: _fixed, ...rest }) => rest);
        }}
      />
      {failures.length > 0 && (
        <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200">
          <p className="font-medium">{failures.length === 1 ? "One task was not moved:" : `${failures.length} tasks were not moved:`}</p>
          <ul className="mt-1 list-disc pl-5">
            {failures.map((f) => (
              <li key={f.reference}>
                {f.reference}: {f.detail}
              </li>
            ))}
          </ul>
        </div>
      )}
      <FormError error={errors.form} />
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={close}>
          {failures.length ? "Close" : "Cancel"}
        </Button>
        <Button type="submit" variant="primary" loading={bulk.isPending}>
          {request.mode === "take" ? "Take" : request.tasks.length === 1 ? "Reassign" : `Reassign ${request.tasks.length}`}
        </Button>
      </div>
    </form>
  );
}
