"use client";

import { useState, type FormEvent } from "react";
import { Plus } from "lucide-react";
import { createTokenSchema, type CreatedTokenDto } from "@/lib/identity/schemas";
import { PERMISSIONS, ROLES, ROLE_LABELS, type Permission, type RoleName } from "@/lib/identity/permissions";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { FieldError, FormError, issuesToErrors } from "@/components/ui/field";
import { SecretOnce } from "@/components/ui/secret-once";
import { formErrorsOf } from "@/components/data/api";
import { useCreateToken, useServiceAccounts } from "./queries";

// The token admin's "Create a token" form and the one-time display of a new token's secret.

type FormErrors = Partial<Record<"name" | "role" | "scopes" | "owner" | "expiresInDays" | "form", string>>;

export function CreateTokenForm({ onCreated }: { onCreated: (t: CreatedTokenDto) => void }) {
  const create = useCreateToken();
  const [name, setName] = useState("");
  const [role, setRole] = useState<RoleName>("MEMBER");
  const [scopes, setScopes] = useState<Permission[]>([]);
  const [expires, setExpires] = useState("90");
  const [owner, setOwner] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const accounts = useServiceAccounts();

  function submit(e: FormEvent) {
    e.preventDefault();
    const input = { name, role, scopes, expiresInDays: expires.trim() ? Number(expires) : undefined, ...(owner ? { owner } : {}) };
    const parsed = createTokenSchema.safeParse(input);
    if (!parsed.success) {
      const fe = issuesToErrors<keyof FormErrors>(parsed.error.issues);
      if (fe.expiresInDays) fe.expiresInDays = "Enter a whole number of days between 1 and 365";
      setErrors(fe);
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (t) => {
        onCreated(t);
        setName("");
        setScopes([]);
      },
      onError: (err) => setErrors(formErrorsOf(err)),
    });
  }

  return (
    <section aria-labelledby="create-token" className="h-fit rounded-xl bg-white p-4 ring-1 ring-slate-200">
      <h2 id="create-token" className="mb-3 text-sm font-semibold text-slate-900">
        Create a token
      </h2>
      <form onSubmit={submit} noValidate className="space-y-4">
        <Input label="Name" name="name" placeholder="e.g. ERP production" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={80} />
        <Select label="Acts for" name="owner" value={owner} onChange={(e) => setOwner(e.target.value)} error={errors.owner}>
          <option value="">Me</option>
          {accounts.data?.data
            .filter((a) => a.active)
            .map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} (service account)
              </option>
            ))}
        </Select>
        <Select label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as RoleName)} error={errors.role}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </Select>
        <fieldset aria-describedby="token-scopes-hint">
          <legend className="text-sm font-medium text-slate-800">Scopes (optional)</legend>
          <p id="token-scopes-hint" className="mb-2 text-xs text-slate-500">
            Leave all unticked to give the token every permission of its role.
          </p>
          <div className="grid grid-cols-2 gap-1.5">
            {PERMISSIONS.map((p) => (
              <label key={p} className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  name="scopes"
                  value={p}
                  checked={scopes.includes(p)}
                  onChange={(e) => setScopes((s) => (e.target.checked ? [...s, p] : s.filter((x) => x !== p)))}
                  // 24 px: a touch target of its own (WCAG 2.5.8), as the rows sit close together.
                  className="size-6 shrink-0 rounded border-slate-300 accent-indigo-600 focus-visible:outline-indigo-600"
                />
                <code className="text-xs">{p}</code>
              </label>
            ))}
          </div>
          <FieldError error={errors.scopes} />
        </fieldset>
        <Input
          label="Expires after (days)"
          name="expiresInDays"
          type="number"
          inputMode="numeric"
          min={1}
          max={365}
          hint="90 days if left empty; at most 365."
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          error={errors.expiresInDays}
        />
        <FormError error={errors.form} />
        <Button type="submit" variant="primary" loading={create.isPending} className="w-full">
          <Plus aria-hidden className="size-4" /> Create token
        </Button>
      </form>
    </section>
  );
}

export function NewSecret({ token, onDone }: { token: CreatedTokenDto; onDone: () => void }) {
  return (
    <SecretOnce testId="new-token-secret" className="mb-6" title={<>Copy the secret for “{token.name}” now</>} secret={token.token} secretLabel="Token secret" onDone={onDone}>
      Baton stores only a hash of it. Once you leave or close this, it can&apos;t be shown again.
    </SecretOnce>
  );
}
