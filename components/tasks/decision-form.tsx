"use client";

import { useRef, useState, type FormEvent } from "react";
import { Check, ListChecks } from "lucide-react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { buildFormSchema, fieldVisible, formErrors, type FormField } from "@/lib/tasks/forms";
import { FieldInput } from "@/components/forms/field-input";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/input";
import { SubHeading } from "@/components/ui/heading-level";

interface DecisionSubmit {
  outcome: string;
  reason?: string;
  form?: Record<string, unknown>;
}

/**
 * The task's decision form and its outcomes (approve plus any custom ones). Values are checked
 * with the same zod schema the server uses (buildFormSchema); server field errors land on the
 * same fields.
 */
export function DecisionForm({
  task,
  busy,
  serverErrors,
  onSubmit,
}: {
  task: TaskDto;
  busy: boolean;
  serverErrors: Record<string, string>;
  onSubmit: (d: DecisionSubmit) => void;
}) {
  const fields = task.form ?? [];
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(fields.map((f) => [f.id, f.type === "boolean" ? false : ""])),
  );
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const shown = { ...prefixless(serverErrors), ...errors };

  function submitWith(outcome: string, requiresReason: boolean) {
    const next: Record<string, string> = {};
    let parsed: Record<string, unknown> | undefined;
    if (fields.length) {
      const r = buildFormSchema(fields).safeParse(values);
      if (r.success) parsed = r.data as Record<string, unknown>;
      else Object.assign(next, formErrors(r.error));
    }
    if (requiresReason && !reason.trim()) next.reason = "A reason is required";
    setErrors(next);
    if (Object.keys(next).length) {
      const first = Object.keys(next)[0]!;
      formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    onSubmit({ outcome, reason: reason.trim() || undefined, form: parsed });
  }

  function onFormSubmit(e: FormEvent) {
    e.preventDefault();
    submitWith("approve", false);
  }

  return (
    <form ref={formRef} onSubmit={onFormSubmit} noValidate data-testid="decision-form" aria-labelledby={`decision-form-${task.id}`} className="mt-4 space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <SubHeading id={`decision-form-${task.id}`} className="flex items-center gap-1.5 text-sm font-semibold text-slate-900">
        <ListChecks aria-hidden className="size-4 text-slate-500" /> Decision
      </SubHeading>
      {fields.filter((f) => fieldVisible(f, values)).map((f) => (
        <FieldInput key={f.id} field={f} value={values[f.id]} error={shown[f.id] ?? null} onChange={(v) => setValues((s) => ({ ...s, [f.id]: v }))} />
      ))}
      <Textarea label="Note (optional unless the outcome needs a reason)" name="reason" maxLength={2000} rows={2} value={reason} error={shown.reason ?? null} onChange={(e) => setReason(e.target.value)} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="success" loading={busy} disabled={busy}>
          {!busy && <Check aria-hidden className="size-4" />} Approve
        </Button>
        {task.outcomes.map((o) => (
          <Button key={o.id} type="button" disabled={busy} onClick={() => submitWith(o.id, o.requiresReason)} data-outcome={o.id}>
            {o.label}
          </Button>
        ))}
      </div>
    </form>
  );
}

function prefixless(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.replace(/^form\./, ""), v]));
}

/** "1 of 2 approvals — Dana Lee approved". */
export function approvalSummary(task: Pick<TaskDto, "approvals" | "approvalsRequired">): string {
  const approvals = task.approvals.filter((a) => a.outcome === "approve");
  const who = approvals.map((a) => a.approver.name).join(", ");
  return `${approvals.length} of ${task.approvalsRequired} approvals${who ? ` — ${who} approved` : ""}`;
}

/** The submitted form values with their labels, for the decision panel. */
export function FormValues({ task }: { task: TaskDto }) {
  if (!task.formValues || !task.form) return null;
  const values = task.formValues;
  return (
    <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm" data-testid="form-values">
      {task.form
        .filter((f) => values[f.id] !== undefined)
        .map((f) => (
          <div key={f.id} className="contents">
            <dt className="opacity-80">{f.label}</dt>
            <dd className="font-medium">{display(f, values[f.id])}</dd>
          </div>
        ))}
    </dl>
  );
}

function display(f: FormField, v: unknown): string {
  if (f.type === "boolean") return v ? "Yes" : "No";
  if (f.type === "select") return f.options?.find((o) => o.value === v)?.label ?? String(v);
  return String(v);
}
