"use client";

import { useRef, useState } from "react";
import { KeyRound } from "lucide-react";
import { format } from "date-fns";
import type { CreatedTokenDto, TokenDto } from "@/lib/identity/schemas";
import { ROLE_LABELS } from "@/lib/identity/permissions";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { relative } from "@/components/tasks/format";
import { AdminList } from "./admin-list";
import { useRevokeToken, useTokens } from "./queries";
import { CreateTokenForm, NewSecret } from "./token-create-form";
import { ServiceAccounts } from "./service-accounts";

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
          <div>
            {t.owner.name} {!t.owner.active && <Badge tone="danger">Deactivated</Badge>}
          </div>
          {t.owner.kind === "SERVICE" && <div className="text-xs text-slate-500">service account</div>}
          {t.owner.outOfOffice && (
            <div className="text-xs text-amber-800" data-testid="token-owner-away">
              Out of office{t.owner.outOfOffice.until ? ` until ${day(t.owner.outOfOffice.until)}` : ""}
              {t.owner.outOfOffice.delegate ? ` · delegate ${t.owner.outOfOffice.delegate}` : ""} — still acts for them
            </div>
          )}
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
