"use client";

import { useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { Dialog, DialogActions } from "./dialog";
import { FormError } from "./field";
import type { ButtonProps } from "./button";

interface ConfirmDialogProps {
  open: boolean;
  /** Closed without confirming (Cancel, Esc, the backdrop). */
  onClose: () => void;
  title: string;
  /** What confirming does and what cannot be undone. */
  consequence: ReactNode;
  /** The action named on the button: "Delete secret", "Revoke token". */
  confirmLabel: string;
  /** Runs the action; a rejection keeps the dialog open with the error in place. */
  onConfirm: () => Promise<unknown>;
  /** Called after the action succeeded (the dialog is closing). */
  onDone?: () => void;
  variant?: ButtonProps["variant"];
  /** Where focus goes when the trigger is gone afterwards (the row it was in was deleted). */
  fallbackFocus?: () => HTMLElement | null | undefined;
  /** Extra fields (a reason); changing any of them clears the error. */
  children?: ReactNode;
}

/**
 * "Are you sure?" for destructive or far-reaching actions: the consequence in words, the action
 * named on the button, a pending state, the server's refusal shown in place (cleared as soon as
 * the person changes something) and focus back on the button that opened it.
 */
export function ConfirmDialog({ open, onClose, title, consequence, confirmLabel, onConfirm, onDone, variant = "destructive", fallbackFocus, children }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trigger = useRef<Element | null>(null);
  // Before the dialog's own effect moves focus inside it: remember the button that opened it.
  useLayoutEffect(() => {
    if (open) trigger.current = document.activeElement;
  }, [open]);

  const close = () => {
    setError(null);
    onClose();
  };

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (e) {
      setError(e instanceof Error ? e.message : "Something went wrong. Try again.");
      return;
    } finally {
      setBusy(false);
    }
    onDone?.();
    onClose();
    // After React has removed the dialog (and maybe the row that held the trigger).
    requestAnimationFrame(() => {
      const t = trigger.current;
      (t instanceof HTMLElement && t.isConnected ? t : fallbackFocus?.())?.focus();
    });
  }

  return (
    <Dialog open={open} onClose={close} title={title} description={consequence}>
      <form
        noValidate
        className="space-y-4"
        onChange={() => setError(null)}
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void confirm();
        }}
      >
        {children}
        <FormError error={error} />
        <DialogActions submitLabel={confirmLabel} busy={busy} variant={variant} autoFocusCancel={!children} />
      </form>
    </Dialog>
  );
}
