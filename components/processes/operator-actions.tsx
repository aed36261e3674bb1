"use client";

import { useRef, useState, type FormEvent } from "react";
import { Ban, RotateCcw, SkipForward } from "lucide-react";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Textarea } from "@/components/ui/input";
import { cancelInstanceSchema, skipStepSchema, type InstanceDto } from "@/lib/engine/schemas";
import { useInstanceAction, type OperatorAction as Action } from "./queries";

const COPY: Record<Action, { title: (i: InstanceDto) => string; label: string; hint: string; confirm: string; done: string; reasonRequired: boolean }> = {
  retry: {
    title: (i) => `Retry step "${i.failedStep?.stepId ?? ""}"?`,
    label: "Reason (optional)",
    hint: "A fresh run of the failed step starts; the reason is kept in the audit log.",
    confirm: "Retry step",
    done: "Retrying the failed step",
    reasonRequired: false,
  },
  skip: {
    title: (i) => `Skip step "${i.failedStep?.stepId ?? ""}"?`,
    label: "Why skip it?",
    hint: "The step is marked skipped and the instance continues at its next step. Kept in the audit log.",
    confirm: "Skip step",
    done: "Step skipped; the instance continues",
    reasonRequired: true,
  },
  cancel: {
    title: () => "Cancel this instance?",
    label: "Why cancel it?",
    hint: "Pending steps stop and open tasks are withdrawn from people's inboxes. This cannot be undone.",
    confirm: "Cancel instance",
    done: "Instance cancelled",
    reasonRequired: true,
  },
};

/** Retry / skip the failed step and cancel the instance, each behind a confirm dialog with a reason. */
export function OperatorActions({ instance }: { instance: InstanceDto }) {
  const [open, setOpen] = useState<Action | null>(null);
  const can = instance.can;
  if (!can.retry && !can.skip && !can.cancel) return null;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="operator-actions">
      {can.retry && (
        <Button variant="secondary" onClick={() => setOpen("retry")}>
          <RotateCcw aria-hidden className="size-4" /> Retry step
        </Button>
      )}
      {can.skip && (
        <Button variant="secondary" onClick={() => setOpen("skip")}>
          <SkipForward aria-hidden className="size-4" /> Skip step
        </Button>
      )}
      {can.cancel && (
        <Button variant="danger" onClick={() => setOpen("cancel")}>
          <Ban aria-hidden className="size-4" /> Cancel instance
        </Button>
      )}
      <Dialog
        open={open !== null}
        onClose={() => setOpen(null)}
        title={open ? COPY[open].title(instance) : ""}
        description={open === "skip" && instance.failedStep?.skipTo ? <>Continues at <code>{instance.failedStep.skipTo}</code>.</> : open === "skip" ? "Moves on to the next compensation." : null}
      >
        {open && <ReasonForm key={open} action={open} instance={instance} onDone={() => setOpen(null)} />}
      </Dialog>
    </div>
  );
}

function ReasonForm({ action, instance, onDone }: { action: Action; instance: InstanceDto; onDone: () => void }) {
  const run = useInstanceAction(instance.id, action);
  const { announce } = useAnnouncer();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  const copy = COPY[action];

  function submit(e: FormEvent) {
    e.preventDefault();
    const schema = action === "skip" ? skipStepSchema : action === "cancel" ? cancelInstanceSchema : null;
    if (schema) {
      const parsed = schema.safeParse({ reason });
      if (!parsed.success) {
        setError(parsed.error.issues[0]?.message === "say why" ? "Say why, for the audit log." : (parsed.error.issues[0]?.message ?? "Check the reason"));
        ref.current?.focus();
        return;
      }
    }
    run.mutate(reason.trim() ? { reason: reason.trim() } : {}, {
      onSuccess: () => {
        announce(copy.done);
        onDone();
      },
      onError: (err) => {
        setError(err.message);
        ref.current?.focus();
      },
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <Textarea
        ref={ref}
        data-autofocus
        label={copy.label}
        hint={copy.hint}
        name="reason"
        required={copy.reasonRequired}
        maxLength={2000}
        value={reason}
        error={error}
        onChange={(e) => {
          setReason(e.target.value);
          if (error) setError(null);
        }}
      />
      <DialogActions submitLabel={copy.confirm} cancelLabel="Back" variant={action === "cancel" ? "destructive" : "primary"} busy={run.isPending} />
    </form>
  );
}
