import { useId, type ReactNode } from "react";
import clsx from "clsx";

/** What a control needs to be tied to its label, hint and error. */
interface FieldControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

export interface FieldProps {
  label: ReactNode;
  /** Shown under the control while there is no error; linked with aria-describedby. */
  hint?: ReactNode;
  /** The field's error: replaces the hint, marks the control aria-invalid. */
  error?: string | null;
  className?: string;
  /** The control's id; generated when absent. */
  id?: string;
}

/**
 * A labelled form control: label, the control (rendered by `children` with the ids it needs),
 * hint and error. Input, Select and Textarea are built on it; use it directly for any other control.
 */
export function Field({ label, hint, error, className, id, children }: FieldProps & { children: (control: FieldControlProps) => ReactNode }) {
  const generated = useId();
  const controlId = id ?? generated;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const describedBy = error ? errorId : hint ? hintId : undefined;
  return (
    <div className={clsx("space-y-1", className)}>
      <label htmlFor={controlId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({ id: controlId, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {hint && !error && (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      <FieldError id={errorId} error={error} />
    </div>
  );
}

/** A field's own error line (also for a fieldset of checkboxes, which has no single control). */
export function FieldError({ id, error }: { id?: string; error?: string | null }) {
  if (!error) return null;
  return (
    <p id={id} className="text-xs font-medium text-red-700">
      {error}
    </p>
  );
}

/** The error of the whole form (what the server said), announced as it appears. */
export function FormError({ error, className }: { error?: string | null; className?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={clsx("text-sm font-medium text-red-700", className)}>
      {error}
    </p>
  );
}

/** Zod issues (or the server's field errors) as one message a field, the first one winning. */
export function issuesToErrors<K extends string = string>(issues: { path: readonly PropertyKey[]; message: string }[]): Partial<Record<K | "form", string>> {
  const out: Partial<Record<K | "form", string>> = {};
  for (const i of issues) {
    const k = String(i.path[0] ?? "form") as K | "form";
    out[k] ??= i.message;
  }
  return out;
}
