"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { KeyRound, LockKeyhole, Plus, RotateCw, TriangleAlert } from "lucide-react";
import { format } from "date-fns";
import { createSecretSchema, rotateSecretSchema, splitHosts, type SecretDto } from "@/lib/secrets/schemas";
import { formErrorsOf } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Input, Textarea } from "@/components/ui/input";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { relative } from "@/components/tasks/format";
import { AdminList } from "./admin-list";
import { useCreateSecret, useDeleteSecret, useRotateSecret, useSecrets } from "./queries";

type Errors = Partial<Record<"name" | "value" | "description" | "allowedHosts" | "form", string>>;

const COLUMNS: DataColumn<SecretDto>[] = [
  {
    id: "name",
    header: "Name",
    accessorFn: (s) => s.name,
    enableSorting: true,
    cell: ({ row: { original: s } }) => (
      <>
        <div className="flex items-center gap-1.5 font-medium text-slate-900">
          <LockKeyhole aria-hidden className="size-3.5 text-slate-500" />
          <code>{s.name}</code>
        </div>
        {s.description && <div className="text-xs text-slate-600">{s.description}</div>}
        <div className="text-xs text-slate-600">Sent only to: {s.allowedHosts.length ? s.allowedHosts.join(", ") : "no host yet (rotate it to name one)"}</div>
        <div className="font-mono text-xs text-slate-500" aria-label="Value hidden">
          ••••••••
        </div>
        {!s.readable && <Badge tone="danger">Encrypted with a key this server does not have</Badge>}
      </>
    ),
  },
  {
    id: "usedBy",
    header: "Used by",
    meta: { className: "text-xs" },
    cell: ({ row: { original: s } }) =>
      s.usedBy.length === 0 ? (
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
      ),
  },
  {
    id: "changed",
    header: "Changed",
    accessorFn: (s) => s.rotatedAt ?? s.createdAt,
    enableSorting: true,
    meta: { className: "whitespace-nowrap" },
    cell: ({ row: { original: s } }) => (
      <>
        <div>
          {format(new Date(s.rotatedAt ?? s.createdAt), "d MMM yyyy")} <span className="text-xs text-slate-500">rev. {s.revision}</span>
        </div>
        <div className="text-xs text-slate-500">{s.rotatedAt ? `rotated by ${s.rotatedByName ?? "?"}` : `created by ${s.createdByName}`}</div>
      </>
    ),
  },
  {
    id: "lastUsed",
    header: "Last used",
    accessorFn: (s) => s.lastUsedAt ?? "",
    enableSorting: true,
    meta: { className: "whitespace-nowrap" },
    cell: ({ row: { original: s } }) => (s.lastUsedAt ? relative(s.lastUsedAt) : <span className="text-slate-500">Never</span>),
  },
];

export function SecretsView() {
  const secrets = useSecrets();
  const del = useDeleteSecret();
  const { announce } = useAnnouncer();
  const [rotating, setRotating] = useState<SecretDto | null>(null);
  const [deleting, setDeleting] = useState<SecretDto | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
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
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <AdminList title="Named secrets" headingRef={heading}>
          <DataTable
            label="Named secrets"
            testId="secrets-table"
            columns={COLUMNS}
            data={secrets.data?.data}
            getRowId={(s) => s.name}
            {...queryState(secrets, "secrets")}
            empty={
              <EmptyState icon={<KeyRound aria-hidden className="size-6" />} title="No secrets yet">
                Create one for each credential a process sends, then refer to it by name in the step&apos;s headers.
              </EmptyState>
            }
            rowProps={(s) => ({ "data-testid": `secret-${s.name}` })}
            rowActions={(s) => (
              <>
                <Button size="sm" variant="ghost" onClick={() => setRotating(s)} disabled={!enabled}>
                  <RotateCw aria-hidden className="size-3.5" /> Rotate<span className="sr-only"> {s.name}</span>
                </Button>
                <Button size="sm" variant="danger" onClick={() => setDeleting(s)}>
                  Delete<span className="sr-only"> {s.name}</span>
                </Button>
              </>
            )}
            minWidth="min-w-[720px]"
          />
        </AdminList>
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
      <ConfirmDialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={deleting ? `Delete “${deleting.name}”?` : "Delete secret"}
        consequence="Steps that refer to it fail until a secret of that name exists again. A secret an active process version uses cannot be deleted."
        confirmLabel="Delete secret"
        onConfirm={() => del.mutateAsync(deleting!.name)}
        onDone={() => announce(`Secret ${deleting!.name} deleted`)}
        fallbackFocus={() => heading.current}
      />
    </main>
  );
}

function CreateSecretForm({ disabled }: { disabled: boolean }) {
  const create = useCreateSecret();
  const { announce } = useAnnouncer();
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [description, setDescription] = useState("");
  const [hosts, setHosts] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = createSecretSchema.safeParse({ name, value, description, allowedHosts: splitHosts(hosts) });
    if (!parsed.success) return setErrors(issuesToErrors(parsed.error.issues));
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (s) => {
        announce(`Secret ${s.name} created`);
        setName("");
        setValue("");
        setDescription("");
        setHosts("");
      },
      onError: (err) => setErrors(formErrorsOf(err)),
    });
  }
  return (
    <section aria-labelledby="create-secret" className="h-fit rounded-xl bg-white p-4 ring-1 ring-slate-200">
      <h2 id="create-secret" className="mb-3 text-sm font-semibold text-slate-900">
        Create a secret
      </h2>
      <form onSubmit={submit} noValidate className="space-y-4">
        <Input label="Name" name="name" placeholder="e.g. erp_token" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} hint="Lowercase letters, digits and _. Steps refer to it as {{secrets.name}}." autoComplete="off" />
        <Input label="Value" name="value" type="password" value={value} onChange={(e) => setValue(e.target.value)} error={errors.value} autoComplete="new-password" hint="Shown nowhere after you save it." />
        <Input
          label="Hosts it may be sent to"
          name="allowedHosts"
          placeholder="e.g. erp.example.com"
          value={hosts}
          onChange={(e) => setHosts(e.target.value)}
          error={errors.allowedHosts}
          hint="Comma-separated host names. A process that would send it anywhere else cannot be published."
          autoComplete="off"
        />
        <Textarea label="Description (optional)" name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} />
        <FormError error={errors.form} />
        <Button type="submit" variant="primary" loading={create.isPending} disabled={disabled} className="w-full">
          <Plus aria-hidden className="size-4" /> Create secret
        </Button>
      </form>
    </section>
  );
}

function RotateForm({ secret, onDone }: { secret: SecretDto; onDone: () => void }) {
  const rotate = useRotateSecret();
  const { announce } = useAnnouncer();
  const [value, setValue] = useState("");
  const [hosts, setHosts] = useState(secret.allowedHosts.join(", "));
  const [errors, setErrors] = useState<Errors>({});
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = rotateSecretSchema.safeParse({ value, allowedHosts: splitHosts(hosts) });
    if (!parsed.success) return setErrors(issuesToErrors(parsed.error.issues));
    rotate.mutate(
      { name: secret.name, ...parsed.data },
      {
        onSuccess: (s) => {
          announce(`Secret ${s.name} rotated (revision ${s.revision})`);
          onDone();
        },
        onError: (err) => setErrors({ form: err.message }),
      },
    );
  }
  return (
    <form noValidate onSubmit={submit} className="space-y-4">
      <Input label="New value" type="password" autoComplete="new-password" value={value} onChange={(e) => setValue(e.target.value)} error={errors.value} data-autofocus />
      <Input label="Hosts it may be sent to" value={hosts} onChange={(e) => setHosts(e.target.value)} error={errors.allowedHosts} hint="Comma-separated host names." autoComplete="off" />
      <FormError error={errors.form} />
      <DialogActions submitLabel="Rotate" busy={rotate.isPending} />
    </form>
  );
}
