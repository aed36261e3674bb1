"use client";

import type { FormField } from "@/lib/processes/forms";
import { Input, Select, Textarea } from "@/components/ui/input";

/** One form field as its input (a start form, a decision form): label, help, required mark, error. */
export function FieldInput({ field, value, error, onChange }: { field: FormField; value: string | boolean | undefined; error: string | null; onChange: (v: string | boolean) => void }) {
  const label = (
    <>
      {field.label}
      {field.required && <span className="text-red-700"> *</span>}
      {field.required && <span className="sr-only"> (required)</span>}
    </>
  );
  const common = { name: field.id, label, hint: field.help, error, "aria-required": field.required || undefined };
  switch (field.type) {
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
