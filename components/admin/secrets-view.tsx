"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, LockKeyhole, Plus, RotateCw, TriangleAlert } from "lucide-react";
import { format } from "date-fns";
import { createSecretSchema, rotateSecretSchema, type SecretDto, type SecretList } from "@/lib/secrets/schemas";
import { api, ApiError } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Input, Textarea } from "@/components/ui/input";
import { Badge } from "@/components/ui/badge";
import { Dialog, useDialogClose } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { relative } from "@/components/tasks/format";

const secretsKey = ["secrets"] as const;

function useSecrets() {
  return useQuery({ queryKey: secretsKey, queryFn: ({ signal }) => api<SecretList>("/api/v1/secrets", { signal }) });
}

type Errors = Partial<Record<"name" | "value" | "description" | "form", string>>;

function issuesToErrors(issues: { path: PropertyKey[]; message: string }[]): Errors {
  const out: Errors = {};
  for (const i of issues) {
    const k = String(i.path[0] ?? "form") as keyof Errors;
    out[k] ??= i.message;
  }
  return out;
}

export function SecretsView() {
  const secrets = useSecrets();
  const [rotating, setRotating] = useState<SecretDto | null>(null);
  const [deleting, setDeleting] = useState<SecretDto | null>(null);
  const enabled = secrets.data?.enabled ?? true;
  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <h1 className="text-xl font-semibold text-slate-900">Secrets</h1>
      <p className="mb-5 max-w-3xl text-sm text-slate-600">
        Credentials that HTTP steps send, e.g. <code className="text-xs">Authorization: &quot;Bearer {"{{secrets.erp_token}}"}&quot;</code> in a step&apos;s
        headers. Values are encrypted at rest, used only by the worker when it calls, and never shown again — not here, not in the API, not in logs.
      </p>
      {!enabled && (
        <div role="status" className="mb-5 flex gap-2 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-300">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <p>
            Named secrets are off on this server: set <code>BATON_SECRETS_KEY</code> (32 random bytes, <code>openssl rand -base64 32</code>) for the web app and the worker, then restart them.
          </p>
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <section aria-labelledby="secrets-list" className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
          <h2 id="secrets-list" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
            Named secrets
          </h2>
          {secrets.isPending && (
            <div className="space-y-3 p-4" aria-busy="true" aria-label="Loading secrets">
              <Skeleton className="h-6" />
              <Skeleton className="h-6" />
            </div>
          )}
          {secrets.isError && <LoadError what="secrets" error={secrets.error} onRetry={() => secrets.refetch()} />}
          {secrets.data && secrets.data.data.length === 0 && (
            <EmptyState icon={<KeyRound aria-hidden className="size-6" />} title="No secrets yet">
              Create one for each credential a process sends, then refer to it by name in the step&apos;s headers.
            </EmptyState>
          )}
          {secrets.data && secrets.data.data.length > 0 && (
            <div className="overflow-x-auto">
              <table className="w-full min-w-[720px] text-left text-sm" data-testid="secrets-table">
                <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="px-4 py-2.5">Name</th>
                    <th scope="col" className="px-4 py-2.5">Used by</th>
                    <th scope="col" className="px-4 py-2.5">Changed</th>
                    <th scope="col" className="px-4 py-2.5">Last used</th>
                    <th scope="col" className="px-4 py-2.5">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {secrets.data.data.map((s) => (
                    <tr key={s.name} data-testid={`secret-${s.name}`}>
                      <td className="px-4 py-2.5">
                        <div className="flex items-center gap-1.5 font-medium text-slate-900">
                          <LockKeyhole aria-hidden className="size-3.5 text-slate-500" />
                          <code>{s.name}</code>
                        </div>
                        {s.description && <div className="text-xs text-slate-600">{s.description}</div>}
                        <div className="font-mono text-xs text-slate-500" aria-label="Value hidden">
                          ••••••••
                        </div>
                        {!s.readable && (
                          <Badge tone="danger">Encrypted with a key this server does not have</Badge>
                        )}
                      </td>
                      <td className="px-4 py-2.5 text-xs">
                        {s.usedBy.length === 0 ? (
                          <span className="text-slate-500">No active process</span>
                        ) : (
                          <ul>
                            {s.usedBy.map((u) => (
                              <li key={`${u.key}-${u.version}`}>
                                <Link className="text-indigo-700 hover:underline" href={`/processes/${encodeURIComponent(u.key)}?version=${u.version}`}>
                                  {u.key} v{u.version}
                                </Link>
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td className="px-4 py-2.5 whitespace-nowrap">
                        <div>
                          {format(new Date(s.rotatedAt ?? s.createdAt), "d MMM yyyy")} <span className="text-xs text-slate-500">rev. {s.revision}</span>
                        </div>
                        <div className="text-xs text-slate-500">{s.rotatedAt ? `rotated by ${s.rotatedByName ?? "?"}` : `created by ${s.createdByName}`}</div>
                      </td>
                      <td className="px-4 py-2.5 whitespace-nowrap">{s.lastUsedAt ? relative(s.lastUsedAt) : <span className="text-slate-500">Never</span>}</td>
                      <td className="px-4 py-2.5 text-right whitespace-nowrap">
                        <Button size="sm" variant="ghost" onClick={() => setRotating(s)} disabled={!enabled}>
                          <RotateCw aria-hidden className="size-3.5" /> Rotate<span className="sr-only"> {s.name}</span>
                        </Button>
                        <Button size="sm" variant="danger" onClick={() => setDeleting(s)}>
                          Delete<span className="sr-only"> {s.name}</span>
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <CreateSecretForm disabled={!enabled} />
      </div>
      <Dialog
        open={!!rotating}
        onClose={() => setRotating(null)}
        title={rotating ? `Rotate “${rotating.name}”` : "Rotate secret"}
        description="HTTP steps send the new value from their next call. The old value cannot be recovered."
      >
        {rotating && <RotateForm secret={rotating} onDone={() => setRotating(null)} />}
      </Dialog>
      <Dialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={deleting ? `Delete “${deleting.name}”?` : "Delete secret"}
        description="Steps that refer to it fail until a secret of that name exists again. A secret an active process version uses cannot be deleted."
      >
        {deleting && <DeleteActions secret={deleting} onDone={() => setDeleting(null)} />}
      </Dialog>
    </main>
  );
}

function CreateSecretForm({ disabled }: { disabled: boolean }) {
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [description, setDescription] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const create = useMutation({
    mutationFn: (body: unknown) => api<SecretDto>("/api/v1/secrets", { method: "POST", body }),
    onSuccess: (s) => {
      announce(`Secret ${s.name} created`);
      setName("");
      setValue("");
      setDescription("");
      void qc.invalidateQueries({ queryKey: secretsKey });
    },
    onError: (e) => {
      const fe = e instanceof ApiError ? e.fieldErrors() : {};
      setErrors({ ...fe, form: Object.keys(fe).length ? undefined : e.message });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = createSecretSchema.safeParse({ name, value, description });
    if (!parsed.success) return setErrors(issuesToErrors(parsed.error.issues));
    setErrors({});
    create.mutate(parsed.data);
  }
  return (
    <section aria-labelledby="create-secret" className="h-fit rounded-xl bg-white p-4 ring-1 ring-slate-200">
      <h2 id="create-secret" className="mb-3 text-sm font-semibold text-slate-900">
        Create a secret
      </h2>
      <form onSubmit={submit} noValidate className="space-y-4">
        <Input label="Name" name="name" placeholder="e.g. erp_token" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} hint="Lowercase letters, digits and _. Steps refer to it as {{secrets.name}}." autoComplete="off" />
        <Input label="Value" name="value" type="password" value={value} onChange={(e) => setValue(e.target.value)} error={errors.value} autoComplete="new-password" hint="Shown nowhere after you save it." />
        <Textarea label="Description (optional)" name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} />
        {errors.form && (
          <p role="alert" className="text-sm text-red-700">
            {errors.form}
          </p>
        )}
        <Button type="submit" variant="primary" loading={create.isPending} disabled={disabled} className="w-full">
          <Plus aria-hidden className="size-4" /> Create secret
        </Button>
      </form>
    </section>
  );
}

function RotateForm({ secret, onDone }: { secret: SecretDto; onDone: () => void }) {
  const qc = useQueryClient();
  const close = useDialogClose();
  const { announce } = useAnnouncer();
  const [value, setValue] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const rotate = useMutation({
    mutationFn: (body: unknown) => api<SecretDto>(`/api/v1/secrets/${encodeURIComponent(secret.name)}`, { method: "PUT", body }),
    onSuccess: (s) => {
      announce(`Secret ${s.name} rotated (revision ${s.revision})`);
      void qc.invalidateQueries({ queryKey: secretsKey });
      onDone();
    },
    onError: (e) => setErrors({ form: e.message }),
  });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = rotateSecretSchema.safeParse({ value });
        if (!parsed.success) return setErrors(issuesToErrors(parsed.error.issues));
        rotate.mutate(parsed.data);
      }}
      className="space-y-4"
    >
      <Input label="New value" type="password" autoComplete="new-password" value={value} onChange={(e) => setValue(e.target.value)} error={errors.value} autoFocus />
      {errors.form && (
        <p role="alert" className="text-sm text-red-700">
          {errors.form}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={rotate.isPending}>
          Rotate
        </Button>
      </div>
    </form>
  );
}

function DeleteActions({ secret, onDone }: { secret: SecretDto; onDone: () => void }) {
  const qc = useQueryClient();
  const close = useDialogClose();
  const { announce } = useAnnouncer();
  const del = useMutation({
    mutationFn: () => api(`/api/v1/secrets/${encodeURIComponent(secret.name)}`, { method: "DELETE" }),
    onSuccess: () => {
      announce(`Secret ${secret.name} deleted`);
      void qc.invalidateQueries({ queryKey: secretsKey });
      onDone();
    },
  });
  return (
    <div>
      {del.isError && (
        <p role="alert" className="mb-3 text-sm text-red-700">
          {del.error.message}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button variant="danger" loading={del.isPending} onClick={() => del.mutate()}>
          Delete secret
        </Button>
      </div>
    </div>
  );
}
