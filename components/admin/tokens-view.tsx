"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import { format } from "date-fns";
import { createTokenSchema, type CreatedTokenDto, type TokenDto } from "@/lib/identity/schemas";
import { PERMISSIONS, ROLES, ROLE_LABELS, type Permission, type RoleName } from "@/lib/identity/permissions";
import { api, ApiError } from "@/components/data/api";
import { queryKeys, useTokens } from "@/components/data/queries";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { Badge } from "@/components/ui/badge";
import { Dialog, useDialogClose } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { SecretOnce } from "@/components/ui/secret-once";
import { relative } from "@/components/tasks/format";

export function TokensView() {
  const tokens = useTokens();
  const [created, setCreated] = useState<CreatedTokenDto | null>(null);
  const [revoking, setRevoking] = useState<TokenDto | null>(null);
  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <h1 className="text-xl font-semibold text-slate-900">API tokens</h1>
      <p className="mb-5 text-sm text-slate-600">
        Machines (the ERP, the CRM, scripts) call Baton&apos;s API with these. A token acts with its role, narrowed by its scopes.
      </p>

      {created && <NewSecret token={created} onDone={() => setCreated(null)} />}

      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <section aria-labelledby="tokens-list" className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
          <h2 id="tokens-list" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
            Tokens
          </h2>
          {tokens.isPending && (
            <div className="space-y-3 p-4" aria-busy="true" aria-label="Loading tokens">
              <Skeleton className="h-6" />
              <Skeleton className="h-6" />
              <Skeleton className="h-6" />
            </div>
          )}
          {tokens.isError && (
            <LoadError what="tokens" error={tokens.error} onRetry={() => tokens.refetch()} />
          )}
          {tokens.data && tokens.data.data.length === 0 && (
            <EmptyState icon={<KeyRound aria-hidden className="size-6" />} title="No API tokens yet">
              Create one for each system that calls Baton, so you can revoke them one at a time.
            </EmptyState>
          )}
          {tokens.data && tokens.data.data.length > 0 && (
            <div className="overflow-x-auto">
              <table className="w-full min-w-[720px] text-left text-sm" data-testid="tokens-table">
                <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="px-4 py-2.5">Name</th>
                    <th scope="col" className="px-4 py-2.5">Role &amp; scopes</th>
                    <th scope="col" className="px-4 py-2.5">Created</th>
                    <th scope="col" className="px-4 py-2.5">Last used</th>
                    <th scope="col" className="px-4 py-2.5">
                      <span className="sr-only">Status and actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {tokens.data.data.map((t) => (
                    <tr key={t.id} className={t.revokedAt ? "bg-slate-50/60 text-slate-500" : undefined}>
                      <td className="px-4 py-2.5">
                        <div className="font-medium text-slate-900">{t.name}</div>
                        <code className="text-xs text-slate-500">{t.prefix}…</code>
                      </td>
                      <td className="px-4 py-2.5">
                        <Badge tone="brand">{ROLE_LABELS[t.role]}</Badge>
                        <div className="mt-1 text-xs text-slate-500">{t.scopes.length ? t.scopes.join(", ") : "All of the role's permissions"}</div>
                      </td>
                      <td className="px-4 py-2.5 whitespace-nowrap">
                        <div>{format(new Date(t.createdAt), "d MMM yyyy")}</div>
                        <div className="text-xs text-slate-500">{t.createdBy ? `by ${t.createdBy}` : ""}</div>
                      </td>
                      <td className="px-4 py-2.5 whitespace-nowrap">
                        {t.lastUsedAt ? relative(t.lastUsedAt) : <span className="text-slate-400">Never</span>}
                        {t.expiresAt && !t.revokedAt && <div className="text-xs text-slate-500">Expires {format(new Date(t.expiresAt), "d MMM yyyy")}</div>}
                      </td>
                      <td className="px-4 py-2.5 text-right">
                        {t.revokedAt ? (
                          <Badge tone="danger">Revoked {format(new Date(t.revokedAt), "d MMM")}</Badge>
                        ) : t.expiresAt && new Date(t.expiresAt) < new Date() ? (
                          <Badge tone="warning">Expired</Badge>
                        ) : (
                          <Button size="sm" variant="danger" onClick={() => setRevoking(t)}>
                            Revoke<span className="sr-only"> {t.name}</span>
                          </Button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <CreateTokenForm onCreated={setCreated} />
      </div>
      <RevokeDialog token={revoking} onClose={() => setRevoking(null)} />
    </main>
  );
}

type FormErrors = Partial<Record<"name" | "role" | "scopes" | "expiresInDays" | "form", string>>;

function CreateTokenForm({ onCreated }: { onCreated: (t: CreatedTokenDto) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<RoleName>("MEMBER");
  const [scopes, setScopes] = useState<Permission[]>([]);
  const [expires, setExpires] = useState("90");
  const [errors, setErrors] = useState<FormErrors>({});
  const create = useMutation({
    mutationFn: (body: unknown) => api<CreatedTokenDto>("/api/v1/tokens", { method: "POST", body }),
    onSuccess: (t) => {
      onCreated(t);
      setName("");
      setScopes([]);
      void qc.invalidateQueries({ queryKey: queryKeys.tokens });
    },
    onError: (e) => {
      const fe = e instanceof ApiError ? e.fieldErrors() : {};
      setErrors({ ...fe, form: Object.keys(fe).length ? undefined : e.message });
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const input = { name, role, scopes, expiresInDays: expires.trim() ? Number(expires) : undefined };
    const parsed = createTokenSchema.safeParse(input);
    if (!parsed.success) {
      const fe: FormErrors = {};
      for (const i of parsed.error.issues) {
        const k = String(i.path[0] ?? "form") as keyof FormErrors;
        fe[k] ??= k === "expiresInDays" ? "Enter a whole number of days between 1 and 3650" : i.message;
      }
      setErrors(fe);
      return;
    }
    setErrors({});
    create.mutate(parsed.data);
  }

  return (
    <section aria-labelledby="create-token" className="h-fit rounded-xl bg-white p-4 ring-1 ring-slate-200">
      <h2 id="create-token" className="mb-3 text-sm font-semibold text-slate-900">
        Create a token
      </h2>
      <form onSubmit={submit} noValidate className="space-y-4">
        <Input label="Name" name="name" placeholder="e.g. ERP production" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={80} />
        <Select label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as RoleName)} error={errors.role}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </Select>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Scopes (optional)</legend>
          <p className="mb-2 text-xs text-slate-500">Leave all unticked to give the token every permission of its role.</p>
          <div className="grid grid-cols-2 gap-1.5">
            {PERMISSIONS.map((p) => (
              <label key={p} className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  name="scopes"
                  value={p}
                  checked={scopes.includes(p)}
                  onChange={(e) => setScopes((s) => (e.target.checked ? [...s, p] : s.filter((x) => x !== p)))}
                  className="size-4 rounded border-slate-300 text-indigo-600 focus-visible:outline-indigo-600"
                />
                <code className="text-xs">{p}</code>
              </label>
            ))}
          </div>
          {errors.scopes && <p className="mt-1 text-xs font-medium text-red-700">{errors.scopes}</p>}
        </fieldset>
        <Input
          label="Expires after (days)"
          name="expiresInDays"
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          hint="Leave empty for a token that never expires."
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          error={errors.expiresInDays}
        />
        {errors.form && (
          <p role="alert" className="text-sm text-red-700">
            {errors.form}
          </p>
        )}
        <Button type="submit" variant="primary" loading={create.isPending} className="w-full">
          <Plus aria-hidden className="size-4" /> Create token
        </Button>
      </form>
    </section>
  );
}

function NewSecret({ token, onDone }: { token: CreatedTokenDto; onDone: () => void }) {
  return (
    <SecretOnce
      testId="new-token-secret"
      className="mb-6"
      title={<>Copy the secret for “{token.name}” now</>}
      secret={token.token}
      secretLabel="Token secret"
      onDone={onDone}
    >
      Baton stores only a hash of it. Once you leave or close this, it can&apos;t be shown again.
    </SecretOnce>
  );
}

function RevokeDialog({ token, onClose }: { token: TokenDto | null; onClose: () => void }) {
  return (
    <Dialog
      open={!!token}
      onClose={onClose}
      title={token ? `Revoke “${token.name}”?` : "Revoke token"}
      description="Calls with this token fail from now on. This can't be undone; the token stays listed for the audit trail."
    >
      {token && <RevokeActions token={token} onDone={onClose} />}
    </Dialog>
  );
}

function RevokeActions({ token, onDone }: { token: TokenDto; onDone: () => void }) {
  const qc = useQueryClient();
  const close = useDialogClose();
  const { announce } = useAnnouncer();
  const revoke = useMutation({
    mutationFn: () => api<TokenDto>(`/api/v1/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" }),
    onSuccess: () => {
      announce(`Revoked ${token.name}`);
      void qc.invalidateQueries({ queryKey: queryKeys.tokens });
      onDone();
    },
  });
  return (
    <div>
      {revoke.isError && (
        <p role="alert" className="mb-3 text-sm text-red-700">
          {revoke.error.message}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button variant="primary" className="bg-red-600 hover:bg-red-700" loading={revoke.isPending} onClick={() => revoke.mutate()}>
          Revoke token
        </Button>
      </div>
    </div>
  );
}
