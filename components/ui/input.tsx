import { forwardRef, type InputHTMLAttributes, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import clsx from "clsx";
import { Field, type FieldProps } from "./field";

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 " +
  "focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none disabled:bg-slate-50 disabled:text-slate-500 aria-[invalid=true]:ring-red-500";

export const Input = forwardRef<HTMLInputElement, FieldProps & InputHTMLAttributes<HTMLInputElement>>(function Input({ label, hint, error, className, id, ...rest }, ref) {
  return (
    <Field label={label} hint={hint} error={error} className={className} id={id}>
      {(control) => <input ref={ref} {...control} className={CONTROL} {...rest} />}
    </Field>
  );
});

export const Textarea = forwardRef<HTMLTextAreaElement, FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>>(function Textarea(
  { label, hint, error, className, id, ...rest },
  ref,
) {
  return (
    <Field label={label} hint={hint} error={error} className={className} id={id}>
      {(control) => <textarea ref={ref} {...control} className={clsx(CONTROL, "min-h-24")} {...rest} />}
    </Field>
  );
});

export const Select = forwardRef<HTMLSelectElement, FieldProps & SelectHTMLAttributes<HTMLSelectElement>>(function Select(
  { label, hint, error, className, id, children, ...rest },
  ref,
) {
  return (
    <Field label={label} hint={hint} error={error} className={className} id={id}>
      {(control) => (
        <select ref={ref} {...control} className={clsx(CONTROL, "pr-8")} {...rest}>
          {children}
        </select>
      )}
    </Field>
  );
});
