"use client";

import { useRef, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { FilePlus2, Send } from "lucide-react";
import type { CatalogueEntry } from "@/lib/requests/schemas";
import { buildFormSchema, fieldVisible, formErrors } from "@/lib/processes/forms";
import { ApiError } from "@/components/data/api";
import { emptyValues, FieldInput, type FieldValue } from "@/components/forms/field-input";
import { uploadTo } from "@/components/forms/file-field";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/field";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { useRequestCatalogue, useSubmitRequest } from "./queries";

/** New request: the processes I may start, and the chosen one's start form. */
export function CatalogueView() {
  const catalogue = useRequestCatalogue();
  const [chosen, setChosen] = useState<string | null>(null);
  const entries = catalogue.data?.data ?? [];
  const entry = entries.find((e) => e.key === chosen) ?? null;
  return (
    <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6">
      <h1 className="text-xl font-semibold text-slate-900">New request</h1>
      <p className="mt-1 text-sm text-slate-600">Choose what you need; the form asks for what the people deciding it will want to know.</p>
      <div className="mt-5 grid gap-5 md:grid-cols-[minmax(0,18rem)_1fr]">
        <section aria-labelledby="catalogue-heading">
          <h2 id="catalogue-heading" className="sr-only">
            Processes you may request
          </h2>
          {catalogue.isPending ? (
            <div className="space-y-2">
              <Skeleton className="h-16" />
              <Skeleton className="h-16" />
            </div>
          ) : catalogue.isError ? (
            <LoadError what="the catalogue" error={catalogue.error} onRetry={() => catalogue.refetch()} retrying={catalogue.isFetching} />
          ) : entries.length === 0 ? (
            <EmptyState icon={<FilePlus2 aria-hidden className="size-5" />} title="Nothing to request yet">
              No process lists you or your groups as requesters. Ask an administrator.
            </EmptyState>
          ) : (
            <ul className="space-y-2">
              {entries.map((e) => (
                <li key={e.key}>
                  <button
                    type="button"
                    aria-pressed={chosen === e.key}
                    onClick={() => setChosen(e.key)}
                    className={`w-full rounded-lg p-3 text-left ring-1 focus-visible:outline-2 focus-visible:outline-indigo-600 ${chosen === e.key ? "bg-indigo-50 ring-indigo-400" : "bg-white ring-slate-200 hover:bg-slate-50"}`}
                  >
                    <span className="block font-medium text-slate-900">{e.name}</span>
                    {e.description && <span className="mt-0.5 block text-sm text-slate-600">{e.description}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-live="polite">
          {entry ? (
            <StartForm key={entry.key} entry={entry} />
          ) : (
            entries.length > 0 && (
              // The list is beside the form from md up, above it on a phone.
              <p className="text-sm text-slate-600">
                Choose a process <span className="md:hidden">above</span>
                <span className="hidden md:inline">on the left</span>.
              </p>
            )
          )}
        </section>
      </div>
    </main>
  );
}

/** A start form's files go up while the form is filled in; filing the request makes them its own (ADR 052). */
const uploadRequestFile = uploadTo("/api/v1/requests/files");

/** The start form, checked with the same schema the server uses; server field errors land on the same fields. */
function StartForm({ entry }: { entry: CatalogueEntry }) {
  const router = useRouter();
  const submit = useSubmitRequest();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<Record<string, FieldValue>>(() => emptyValues(entry.form));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const r = buildFormSchema(entry.form).safeParse(values);
    if (!r.success) {
      const next = formErrors(r.error);
      setErrors(next);
      formRef.current?.querySelector<HTMLElement>(`[name="${Object.keys(next)[0]}"]`)?.focus();
      return;
    }
    setErrors({});
    submit.mutate(
      { process: entry.key, answers: r.data },
      {
        onSuccess: (req) => router.push(`/requests?filed=${encodeURIComponent(req.id)}`),
        onError: (err) => {
          if (err instanceof ApiError) setErrors(Object.fromEntries(Object.entries(err.fieldErrors()).map(([k, v]) => [k.replace(/^answers\./, ""), v])));
          setFormError(err.message);
        },
      },
    );
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="start-form-heading" className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" data-testid="start-form">
      <h2 id="start-form-heading" className="text-base font-semibold text-slate-900">
        {entry.name}
      </h2>
      {entry.form.length === 0 && <p className="text-sm text-slate-600">This request needs no details.</p>}
      {entry.form
        .filter((f) => fieldVisible(f, values))
        .map((f) => (
          <FieldInput key={f.id} field={f} value={values[f.id]} error={errors[f.id] ?? null} onChange={(v) => setValues((s) => ({ ...s, [f.id]: v }))} upload={uploadRequestFile} />
        ))}
      <FormError error={formError} />
      <Button type="submit" variant="primary" loading={submit.isPending} disabled={submit.isPending}>
        {!submit.isPending && <Send aria-hidden className="size-4" />} Submit request
      </Button>
    </form>
  );
}
