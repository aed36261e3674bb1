"use client";

import { createContext, useContext, useEffect, useId, useRef, type ReactNode } from "react";
import clsx from "clsx";
import { X } from "lucide-react";
import { Button, type ButtonProps } from "./button";

const CloseCtx = createContext<() => void>(() => undefined);

/** Closes the surrounding dialog as the person would (Esc): focus returns to the opener. */
export function useDialogClose(): () => void {
  return useContext(CloseCtx);
}

interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  className?: string;
  /** Element to focus when the dialog closes; defaults to whatever had focus when it opened. */
  returnFocusTo?: HTMLElement | null;
}

/**
 * Modal dialog on the native <dialog> element: showModal() makes the rest of the page inert
 * (focus stays inside), Esc closes, and focus returns to the opener.
 */
export function Dialog({ open, onClose, title, description, children, className, returnFocusTo }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const onCloseRef = useRef(onClose);
  const returnRef = useRef(returnFocusTo);
  const openRef = useRef(open);
  useEffect(() => {
    onCloseRef.current = onClose;
    returnRef.current = returnFocusTo;
    openRef.current = open;
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) {
      opener.current = document.activeElement;
      el.showModal();
      // showModal() focuses the first focusable element; a field marked data-autofocus wins.
      el.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    } else if (!open && el.open) {
      el.close();
    }
  }, [open]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const handleClose = () => {
      // Closed by the person (Esc, X, backdrop): put focus back where it was. When the parent
      // closed it (e.g. after a submit) the parent decides where focus goes next.
      if (!openRef.current) return;
      const target = returnRef.current ?? opener.current;
      if (target instanceof HTMLElement && target.isConnected) target.focus();
      onCloseRef.current();
    };
    el.addEventListener("close", handleClose);
    return () => el.removeEventListener("close", handleClose);
  }, []);

  const titleId = useId();
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className={clsx(
        "m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl bg-white p-0 text-slate-900 shadow-2xl ring-1 ring-slate-200 backdrop:bg-slate-900/40",
        className,
      )}
      onClick={(e) => {
        // A click on the backdrop lands on the dialog element itself.
        if (e.target === ref.current) ref.current?.close();
      }}
    >
      {open && (
        <div className="p-5">
          <div className="mb-4 flex items-start justify-between gap-4">
            <div>
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description && <div className="mt-1 text-sm text-slate-600">{description}</div>}
            </div>
            <button
              type="button"
              onClick={() => ref.current?.close()}
              className="-m-1 rounded p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              <X aria-hidden className="size-4" />
              <span className="sr-only">Close</span>
            </button>
          </div>
          <CloseCtx.Provider value={() => ref.current?.close()}>{children}</CloseCtx.Provider>
        </div>
      )}
    </dialog>
  );
}

/**
 * The footer of a dialog's form: Cancel (closes as Esc would) and the submit button, named for
 * what it does ("Reassign", "Delete secret").
 */
export function DialogActions({
  submitLabel,
  busy = false,
  variant = "primary",
  cancelLabel = "Cancel",
  onSubmit,
  autoFocusCancel = false,
}: {
  submitLabel: ReactNode;
  busy?: boolean;
  variant?: ButtonProps["variant"];
  cancelLabel?: string;
  /** Without it the button submits the surrounding form. */
  onSubmit?: () => void;
  /** Destructive confirmations start on Cancel, so Enter never destroys by accident. */
  autoFocusCancel?: boolean;
}) {
  const close = useDialogClose();
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Button variant="ghost" onClick={close} data-autofocus={autoFocusCancel || undefined}>
        {cancelLabel}
      </Button>
      <Button type={onSubmit ? "button" : "submit"} variant={variant} loading={busy} onClick={onSubmit}>
        {submitLabel}
      </Button>
    </div>
  );
}
