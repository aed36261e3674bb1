import { forwardRef, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import clsx from "clsx";

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 " +
  "focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none disabled:bg-slate-50 disabled:text-slate-500 aria-[invalid=true]:ring-red-500";

interface FieldProps {
  label: ReactNode;
  /** Shown under the control; linked with aria-describedby. */
  hint?: ReactNode;
  error?: string | null;
  className?: string;
}

function useFieldIds(id?: string) {
  const generated = useId();
  const controlId = id ?? generated;
  return { controlId, hintId: `${controlId}-hint`, errorId: `${controlId}-error` };
}

function describedBy(hint: unknown, error: unknown, hintId: string, errorId: string): string | undefined {
  return [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
}

function FieldShell({ label, hint, error, className, controlId, hintId, errorId, children }: FieldProps & ReturnType<typeof useFieldIds> & { children: ReactNode }) {
  return (
    <div className={clsx("space-y-1", className)}>
      <label htmlFor={controlId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

export const Input = forwardRef<HTMLInputElement, FieldProps & InputHTMLAttributes<HTMLInputElement>>(function Input(
  { label, hint, error, className, id, ...rest },
  ref,
) {
  const ids = useFieldIds(id);
  return (
    <FieldShell label={label} hint={hint} error={error} className={className} {...ids}>
      <input
        ref={ref}
        id={ids.controlId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids.hintId, ids.errorId)}
        className={CONTROL}
        {...rest}
      />
    </FieldShell>
  );
});

export const Textarea = forwardRef<HTMLTextAreaElement, FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>>(function Textarea(
  { label, hint, error, className, id, ...rest },
  ref,
) {
  const ids = useFieldIds(id);
  return (
    <FieldShell label={label} hint={hint} error={error} className={className} {...ids}>
      <textarea
        ref={ref}
        id={ids.controlId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids.hintId, ids.errorId)}
        className={clsx(CONTROL, "min-h-24")}
        {...rest}
      />
    </FieldShell>
  );
});

export const Select = forwardRef<HTMLSelectElement, FieldProps & SelectHTMLAttributes<HTMLSelectElement>>(function Select(
  { label, hint, error, className, id, children, ...rest },
  ref,
) {
  const ids = useFieldIds(id);
  return (
    <FieldShell label={label} hint={hint} error={error} className={className} {...ids}>
      <select
        ref={ref}
        id={ids.controlId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids.hintId, ids.errorId)}
        className={clsx(CONTROL, "pr-8")}
        {...rest}
      >
        {children}
      </select>
    </FieldShell>
  );
});
