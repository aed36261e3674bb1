"use client";

import type { FormField } from "@/lib/processes/forms";
import { Input, Select, Textarea } from "@/components/ui/input";
import { FileField, type UploadFile } from "./file-field";

/** What a form holds for a field while it is filled in: text, a checkbox, or uploaded files' ids. */
export type FieldValue = string | boolean | string[];

/** A form's starting values: empty text, unticked boxes, no files. */
export function emptyValues(fields: readonly FormField[]): Record<string, FieldValue> {
  return Object.fromEntries(fields.map((f) => [f.id, f.type === "boolean" ? false : f.type === "file" ? [] : ""]));
}

/**
 * One form field as its input (a start form, a decision form): label, help, required mark, error.
 * A file field uploads through `upload` as files are chosen (ADR 052).
 */
export function FieldInput({
  field,
  value,
  error,
  onChange,
  upload,
}: {
  field: FormField;
  value: FieldValue | undefined;
  error: string | null;
  onChange: (v: FieldValue) => void;
  upload?: UploadFile;
}) {
  const label = (
    <>
      {field.label}
      {field.required && <span className="text-red-700"> *</span>}
      {field.required && <span className="sr-only"> (required)</span>}
    </>
  );
  const common = { name: field.id, label, hint: field.help, error, "aria-required": field.required || undefined };
  switch (field.type) {
    case "file":
      return <FileField field={field} label={label} value={Array.isArray(value) ? value : []} error={error} onChange={onChange} upload={upload} />;
    case "select":
      return (
        <Select {...common} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose…</option>
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
      );
    case "boolean":
      return (
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input type="checkbox" name={field.id} checked={value === true} onChange={(e) => onChange(e.target.checked)} className="size-4 rounded border-slate-300" />
          {field.label}
          {error && <span className="text-xs font-medium text-red-700">{error}</span>}
        </label>
      );
    case "textarea":
      return <Textarea {...common} rows={3} maxLength={field.max} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />;
    case "money":
      return <Input {...common} hint={[field.currency, field.help].filter(Boolean).join(" · ") || undefined} type="number" inputMode="decimal" min={field.min} max={field.max} step="0.01" value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />;
    case "number":
      return <Input {...common} type="number" inputMode="decimal" min={field.min} max={field.max} step="any" value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />;
    case "date":
      return <Input {...common} type="date" value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />;
    default:
      return <Input {...common} type="text" maxLength={field.max} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />;
  }
}
