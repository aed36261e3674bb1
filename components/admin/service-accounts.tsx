"use client";

import { useRef, useState } from "react";
import { Pencil, Plus } from "lucide-react";
import type { ServiceAccountDto } from "@/lib/identity/schemas";
import { ROLE_LABELS } from "@/lib/identity/permissions";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useCreateServiceAccount, useServiceAccounts, useUpdateServiceAccount } from "./queries";
import { ServiceAccountForm } from "./service-account-form";

/** Service accounts: owners of integration tokens that are not people, with explicit grants; edited and deactivated here. */
export function ServiceAccounts() {
  const accounts = useServiceAccounts();
  const create = useCreateServiceAccount();
  const update = useUpdateServiceAccount();
  const { announce } = useAnnouncer();
  const [editing, setEditing] = useState<string | null>(null);
  const [deactivating, setDeactivating] = useState<ServiceAccountDto | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  return (
    <section aria-labelledby="service-accounts" className="h-fit rounded-xl bg-white p-4 ring-1 ring-slate-200">
      <h2 id="service-accounts" ref={heading} tabIndex={-1} className="mb-1 text-sm font-semibold text-slate-900">
        Service accounts
      </h2>
      <p className="mb-3 text-xs text-slate-500">A named owner for an integration&apos;s tokens. It never signs in and is never given work; it may only do what it is granted.</p>
      {accounts.isPending && <p className="mb-4 text-sm text-slate-500">Loading service accounts…</p>}
      {accounts.isError && (
        <p role="alert" className="mb-4 text-sm text-red-700">
          Service accounts could not be loaded. Reload the page to try again.
        </p>
      )}
      <ul data-testid="service-accounts" className="mb-4 space-y-2 text-sm">
        {accounts.data?.data.map((a) =>
          editing === a.id ? (
            <li key={a.id} className="rounded-md bg-slate-50 p-2">
              <ServiceAccountForm
                account={a}
                label={`Edit ${a.name}`}
                submitLabel="Save changes"
                pending={update.isPending}
                onSubmit={async (input) => {
                  const saved = await update.mutateAsync({ id: a.id, ...input });
                  announce(`Saved service account ${saved.name}`);
                  setEditing(null);
                }}
                onCancel={() => setEditing(null)}
              />
            </li>
          ) : (
            <li key={a.id} className={`rounded-md px-2 py-1.5 ${a.active ? "bg-slate-50" : "bg-slate-50/60 text-slate-500"}`}>
              <div className="flex flex-wrap items-center gap-1.5 font-medium text-slate-900">
                {a.name} <Badge tone="brand">{ROLE_LABELS[a.role]}</Badge>
                {!a.active && <Badge tone="danger">Deactivated</Badge>}
              </div>
              <div className="text-xs text-slate-600">
                Groups: {a.groups.join(", ") || "none"} · Starts: {a.mayStartProcesses.join(", ") || "nothing"} · Events: {a.mayPostEvents.join("; ") || "none"}
              </div>
              <div className="mt-1.5 flex gap-2">
                <Button size="sm" variant="ghost" onClick={() => setEditing(a.id)}>
                  <Pencil aria-hidden className="size-3.5" /> Edit<span className="sr-only"> {a.name}</span>
                </Button>
                {a.active ? (
                  <Button size="sm" variant="danger" onClick={() => setDeactivating(a)}>
                    Deactivate<span className="sr-only"> {a.name}</span>
                  </Button>
                ) : (
                  <Button
                    size="sm"
                    variant="secondary"
                    loading={update.isPending && update.variables?.id === a.id}
                    onClick={() => update.mutate({ id: a.id, active: true }, { onSuccess: () => announce(`Reactivated ${a.name}`) })}
                  >
                    Reactivate<span className="sr-only"> {a.name}</span>
                  </Button>
                )}
              </div>
            </li>
          ),
        )}
        {accounts.data && accounts.data.data.length === 0 && <li className="text-slate-500">None yet.</li>}
      </ul>
      <ServiceAccountForm
        label="Create a service account"
        submitLabel={
          <>
            <Plus aria-hidden className="size-4" /> Create service account
          </>
        }
        pending={create.isPending}
        onSubmit={async (input) => announce(`Created service account ${(await create.mutateAsync(input)).name}`)}
      />
      <ConfirmDialog
        open={!!deactivating}
        onClose={() => setDeactivating(null)}
        title={deactivating ? `Deactivate “${deactivating.name}”?` : "Deactivate service account"}
        consequence="Every token acting for it stops working at once, and its open live streams close. You can reactivate it later; its tokens then work again unless revoked."
        confirmLabel="Deactivate"
        onConfirm={() => update.mutateAsync({ id: deactivating!.id, active: false })}
        onDone={() => announce(`Deactivated ${deactivating!.name}`)}
        fallbackFocus={() => heading.current}
      />
    </section>
  );
}
