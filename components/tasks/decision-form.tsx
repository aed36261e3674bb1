"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Check, ListChecks } from "lucide-react";
import type { TaskDto } from "@/lib/tasks/schemas";
import { FileLinks } from "@/components/forms/file-links";
import { buildFormSchema, fieldVisible, formErrors, formForOutcome, outcomeStyle, type FormField, type OutcomeDefinition, type OutcomeStyle } from "@/lib/tasks/forms";
import { useMe } from "@/components/data/queries";
import { emptyValues, FieldInput, type FieldValue } from "@/components/forms/field-input";
import { useTaskAttachments, useTaskFileUpload } from "./case-queries";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/input";
import { SubHeading } from "@/components/ui/heading-level";

interface DecisionSubmit {
  outcome: string;
  reason?: string;
  form?: Record<string, unknown>;
}

const STYLE_VARIANT: Record<OutcomeStyle, "primary" | "danger" | "secondary"> = { primary: "primary", danger: "danger", neutral: "secondary" };

/** Number keys choose an outcome: 1 approves, 2… the custom outcomes in declared order (at most 9). */
export function outcomeKey(index: number): string | undefined {
  return index < 9 ? String(index + 1) : undefined;
}

/**
 * The task's decision form and its outcomes (approve plus any custom ones, each in its style).
 * Values are checked with the same zod schema the server uses (buildFormSchema over the form as the
 * chosen outcome asks for it); server field errors land on the same fields. With keyboard shortcuts
 * on, 1–9 press the outcome buttons (ADR 052).
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
  const [values, setValues] = useState<Record<string, FieldValue>>(() => emptyValues(fields));
  const upload = useTaskFileUpload(task.id);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const shown = { ...prefixless(serverErrors), ...errors };
  const shortcuts = useMe().data?.settings.shortcutsEnabled === true;

  function submitWith(outcome: OutcomeDefinition | null) {
    const next: Record<string, string> = {};
    let parsed: Record<string, unknown> | undefined;
    if (fields.length) {
      const r = buildFormSchema(formForOutcome(fields, outcome ?? undefined)).safeParse(values);
      if (r.success) parsed = r.data as Record<string, unknown>;
      else Object.assign(next, formErrors(r.error));
    }
    if (outcome?.requiresReason && !reason.trim()) next.reason = `A reason is required to ${outcome.label.toLowerCase()}`;
    setErrors(next);
    if (Object.keys(next).length) {
      const first = Object.keys(next)[0]!;
      formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    onSubmit({ outcome: outcome?.id ?? "approve", reason: reason.trim() || undefined, form: parsed });
  }

  // 1–9: the outcome buttons, while focus is not in a field (WCAG 2.1.4: only for people who keep
  // single-key shortcuts on, and never while typing or in a dialog).
  const latest = useRef({ submitWith, busy });
  useEffect(() => {
    latest.current = { submitWith, busy };
  });
  const outcomes = task.outcomes;
  useEffect(() => {
    if (!shortcuts) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey || !/^[1-9]$/.test(e.key)) return;
      if (e.target instanceof HTMLElement && e.target.closest("input, textarea, select, [contenteditable], dialog")) return;
      if (document.querySelector("dialog[open]")) return;
      // As the inbox's keys: only while focus is in the page's main content (not the header or a toast).
      const focus = document.activeElement;
      if (focus && focus !== document.body && !focus.closest("main")) return;
      const i = Number(e.key) - 1;
      if (i > outcomes.length || latest.current.busy) return;
      e.preventDefault();
      latest.current.submitWith(i === 0 ? null : (outcomes[i - 1] ?? null));
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [shortcuts, outcomes]);

  function onFormSubmit(e: FormEvent) {
    e.preventDefault();
    submitWith(null);
  }

  // Which outcomes need a field the form itself leaves optional: said under the field.
  const neededFor = new Map<string, string[]>();
  for (const o of task.outcomes) for (const id of o.fields ?? []) neededFor.set(id, [...(neededFor.get(id) ?? []), o.label]);

  return (
    <form ref={formRef} onSubmit={onFormSubmit} noValidate data-testid="decision-form" aria-labelledby={`decision-form-${task.id}`} className="mt-4 space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <SubHeading id={`decision-form-${task.id}`} className="flex items-center gap-1.5 text-sm font-semibold text-slate-900">
        <ListChecks aria-hidden className="size-4 text-slate-500" /> Decision
      </SubHeading>
      {fields.filter((f) => fieldVisible(f, values)).map((f) => (
        <FieldInput key={f.id} field={withNeeds(f, neededFor.get(f.id))} value={values[f.id]} error={shown[f.id] ?? null} onChange={(v) => setValues((s) => ({ ...s, [f.id]: v }))} upload={upload} />
      ))}
      <Textarea label="Note (optional unless the outcome needs a reason)" name="reason" maxLength={2000} rows={2} value={reason} error={shown.reason ?? null} onChange={(e) => setReason(e.target.value)} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="success" loading={busy} disabled={busy} shortcut={shortcuts ? outcomeKey(0) : undefined} aria-keyshortcuts={shortcuts ? outcomeKey(0) : undefined} data-outcome="approve">
          {!busy && <Check aria-hidden className="size-4" />} Approve
        </Button>
        {task.outcomes.map((o, i) => {
          const key = shortcuts ? outcomeKey(i + 1) : undefined;
          return (
            <Button key={o.id} type="button" variant={STYLE_VARIANT[outcomeStyle(o)]} disabled={busy} onClick={() => submitWith(o)} data-outcome={o.id} shortcut={key} aria-keyshortcuts={key}>
              {o.label}
            </Button>
          );
        })}
      </div>
    </form>
  );
}

/** A field some outcomes need although the form leaves it optional: says which, under the field. */
function withNeeds(f: FormField, outcomes: string[] | undefined): FormField {
  if (!outcomes?.length || f.required) return f;
  const needs = `Needed to ${outcomes.map((o) => `“${o}”`).join(" or ")}`;
  return { ...f, help: f.help ? `${f.help} · ${needs}` : needs };
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

/** The submitted form values with their labels, for the decision panel (files by name, as links). */
export function FormValues({ task }: { task: TaskDto }) {
  const files = useTaskAttachments(task.id).data?.data;
  if (!task.formValues || !task.form) return null;
  const values = task.formValues;
  return (
    <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm" data-testid="form-values">
      {task.form
        .filter((f) => values[f.id] !== undefined)
        .map((f) => (
          <div key={f.id} className="contents">
            <dt className="opacity-80">{f.label}</dt>
            <dd className="font-medium">
              {f.type === "file" && Array.isArray(values[f.id]) ? (
                <FileLinks ids={values[f.id] as string[]} files={files} />
              ) : (
                display(f, values[f.id])
              )}
            </dd>
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
