"use client";

import { useRef, useState, type FormEvent } from "react";
import { KeyRound, Plus } from "lucide-react";
import { format } from "date-fns";
import { createServiceAccountSchema, createTokenSchema, type CreatedTokenDto, type ServiceAccountDto, type TokenDto } from "@/lib/identity/schemas";
import { PERMISSIONS, ROLES, ROLE_LABELS, type Permission, type RoleName } from "@/lib/identity/permissions";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Input, Select, Textarea } from "@/components/ui/input";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { FieldError, FormError, issuesToErrors } from "@/components/ui/field";
import { SecretOnce } from "@/components/ui/secret-once";
import { relative } from "@/components/tasks/format";
import { formErrorsOf } from "@/components/data/api";
import { AdminList } from "./admin-list";
import { useCreateServiceAccount, useCreateToken, useRevokeToken, useServiceAccounts, useTokens } from "./queries";

const day = (iso: string) => format(new Date(iso), "d MMM yyyy");

const COLUMNS: DataColumn<TokenDto>[] = [
  {
    id: "name",
    header: "Name",
    accessorFn: (t) => t.name.toLowerCase(),
    enableSorting: true,
    cell: ({ row: { original: t } }) => (
      <>
        <div className="font-medium text-slate-900">{t.name}</div>
        <code className="text-xs text-slate-500">{t.prefix}…</code>
      </>
    ),
  },
  {
    id: "role",
    header: "Role & scopes",
    cell: ({ row: { original: t } }) => (
      <>
        <Badge tone="brand">{ROLE_LABELS[t.role]}</Badge>
        <div className="mt-1 text-xs text-slate-500">{t.scopes.length ? t.scopes.join(", ") : "All of the role's permissions"}</div>
      </>
    ),
  },
  {
    id: "owner",
    header: "Acts for",
    accessorFn: (t) => t.owner?.name.toLowerCase() ?? "",
    enableSorting: true,
    cell: ({ row: { original: t } }) =>
      t.owner ? (
        <>
          <div>{t.owner.name}</div>
          {t.owner.kind === "SERVICE" && <div className="text-xs text-slate-500">service account</div>}
        </>
      ) : (
        <span className="text-slate-500">Nobody (refused)</span>
      ),
  },
  {
    id: "created",
    header: "Created",
    accessorFn: (t) => t.createdAt,
    enableSorting: true,
    meta: { className: "whitespace-nowrap" },
    cell: ({ row: { original: t } }) => (
      <>
        <div>{day(t.createdAt)}</div>
        <div className="text-xs text-slate-500">{t.createdBy ? `by ${t.createdBy}` : ""}</div>
      </>
    ),
  },
  {
    id: "lastUsed",
    header: "Last used",
    accessorFn: (t) => t.lastUsedAt ?? "",
    enableSorting: true,
    meta: { className: "whitespace-nowrap" },
    cell: ({ row: { original: t } }) => (
      <>
        {t.lastUsedAt ? relative(t.lastUsedAt) : <span className="text-slate-500">Never</span>}
        {t.expiresAt && !t.revokedAt && <div className="text-xs text-slate-500">Expires {day(t.expiresAt)}</div>}
      </>
    ),
  },
];

export function TokensView() {
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const { announce } = useAnnouncer();
  const [created, setCreated] = useState<CreatedTokenDto | null>(null);
  const [revoking, setRevoking] = useState<TokenDto | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <h1 className="text-xl font-semibold text-slate-900">API tokens</h1>
      <p className="mb-5 text-sm text-slate-600">
        Machines (the ERP, the CRM, scripts) call Baton&apos;s API with these. A token acts for you or for a service account, with its role narrowed by its
        scopes, and never with more than its owner may do.
      </p>

      {created && <NewSecret token={created} onDone={() => setCreated(null)} />}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <AdminList title="Tokens" headingRef={heading}>
          <DataTable
            label="API tokens"
            testId="tokens-table"
            columns={COLUMNS}
            data={tokens.data?.data}
            getRowId={(t) => t.id}
            {...queryState(tokens, "tokens")}
            empty={
              <EmptyState icon={<KeyRound aria-hidden className="size-6" />} title="No API tokens yet">
                Create one for each system that calls Baton, so you can revoke them one at a time.
              </EmptyState>
            }
            rowProps={(t) => ({ className: t.revokedAt ? "bg-slate-50/60 text-slate-500" : undefined })}
            actionsLabel="Status and actions"
            rowActions={(t) =>
              t.revokedAt ? (
                <Badge tone="danger">Revoked {format(new Date(t.revokedAt), "d MMM")}</Badge>
              ) : t.expiresAt && new Date(t.expiresAt) < new Date() ? (
                <Badge tone="warning">Expired</Badge>
              ) : (
                <Button size="sm" variant="danger" onClick={() => setRevoking(t)}>
                  Revoke<span className="sr-only"> {t.name}</span>
                </Button>
              )
            }
            minWidth="min-w-[720px]"
          />
        </AdminList>
        <div className="space-y-6">
          <CreateTokenForm onCreated={setCreated} />
          <ServiceAccounts />
        </div>
      </div>
      <ConfirmDialog
        open={!!revoking}
        onClose={() => setRevoking(null)}
        title={revoking ? `Revoke “${revoking.name}”?` : "Revoke token"}
        consequence="Calls with this token fail from now on. This can't be undone; the token stays listed for the audit trail."
        confirmLabel="Revoke token"
        onConfirm={() => revoke.mutateAsync(revoking!.id)}
        onDone={() => announce(`Revoked ${revoking!.name}`)}
        fallbackFocus={() => heading.current}
      />
    </main>
  );
}

type FormErrors = Partial<Record<"name" | "role" | "scopes" | "owner" | "expiresInDays" | "form", string>>;

function CreateTokenForm({ onCreated }: { onCreated: (t: CreatedTokenDto) => void }) {
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
                  className="size-4 rounded border-slate-300 accent-indigo-600 focus-visible:outline-indigo-600"
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

function NewSecret({ token, onDone }: { token: CreatedTokenDto; onDone: () => void }) {
  return (
    <SecretOnce testId="new-token-secret" className="mb-6" title={<>Copy the secret for “{token.name}” now</>} secret={token.token} secretLabel="Token secret" onDone={onDone}>
      Baton stores only a hash of it. Once you leave or close this, it can&apos;t be shown again.
    </SecretOnce>
  );
}

type AccountErrors = Partial<Record<"name" | "role" | "groups" | "mayStartProcesses" | "mayPostEvents" | "form", string>>;

const list = (text: string, sep: RegExp) =>
  text
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean);

/** Service accounts: owners of integration tokens that are not people, with explicit grants. */
function ServiceAccounts() {
  const accounts = useServiceAccounts();
  const create = useCreateServiceAccount();
  const { announce } = useAnnouncer();
  const [name, setName] = useState("");
  const [role, setRole] = useState<RoleName>("MEMBER");
  const [groups, setGroups] = useState("");
  const [processes, setProcesses] = useState("");
  const [events, setEvents] = useState("");
  const [errors, setErrors] = useState<AccountErrors>({});

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = createServiceAccountSchema.safeParse({ name, role, groups: list(groups, /[,\s]+/), mayStartProcesses: list(processes, /[,\s]+/), mayPostEvents: list(events, /\n/) });
    if (!parsed.success) return setErrors(issuesToErrors<keyof AccountErrors>(parsed.error.issues));
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (a) => {
        announce(`Created service account ${a.name}`);
        setName("");
        setGroups("");
        setProcesses("");
        setEvents("");
      },
      onError: (err) => setErrors(formErrorsOf(err)),
    });
  }

  return (
    <section aria-labelledby="service-accounts" className="h-fit rounded-xl bg-white p-4 ring-1 ring-slate-200">
      <h2 id="service-accounts" className="mb-1 text-sm font-semibold text-slate-900">
        Service accounts
      </h2>
      <p className="mb-3 text-xs text-slate-500">A named owner for an integration&apos;s tokens. It never signs in and is never given work; it may only do what it is granted.</p>
      <ul data-testid="service-accounts" className="mb-4 space-y-2 text-sm">
        {accounts.data?.data.map((a: ServiceAccountDto) => (
          <li key={a.id} className="rounded-md bg-slate-50 px-2 py-1.5">
            <div className="font-medium text-slate-900">
              {a.name} <Badge tone="brand">{ROLE_LABELS[a.role]}</Badge>
            </div>
            <div className="text-xs text-slate-600">
              Groups: {a.groups.join(", ") || "none"} · Starts: {a.mayStartProcesses.join(", ") || "nothing"} · Events: {a.mayPostEvents.join("; ") || "none"}
            </div>
          </li>
        ))}
        {accounts.data && accounts.data.data.length === 0 && <li className="text-slate-500">None yet.</li>}
      </ul>
      <form onSubmit={submit} noValidate className="space-y-3" aria-label="Create a service account">
        <Input label="Account name" name="serviceAccountName" placeholder="e.g. erp-bridge" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={60} />
        <Select label="Account role" name="serviceAccountRole" value={role} onChange={(e) => setRole(e.target.value as RoleName)} error={errors.role}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </Select>
        <Input label="Groups whose tasks it may see and decide" name="groups" hint="Group keys, separated by commas." value={groups} onChange={(e) => setGroups(e.target.value)} error={errors.groups} />
        <Input label="Processes it may start" name="mayStartProcesses" hint="Process keys, separated by commas; * for any." value={processes} onChange={(e) => setProcesses(e.target.value)} error={errors.mayStartProcesses} />
        <Textarea label="Events it may post" name="mayPostEvents" hint='One "source type" pair a line, e.g. /erp com.acme.invoice.received' rows={3} value={events} onChange={(e) => setEvents(e.target.value)} error={errors.mayPostEvents} />
        <FormError error={errors.form} />
        <Button type="submit" variant="secondary" loading={create.isPending} className="w-full">
          <Plus aria-hidden className="size-4" /> Create service account
        </Button>
      </form>
    </section>
  );
}
