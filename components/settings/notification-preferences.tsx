"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { MailX } from "lucide-react";
import type { PreferencesDto } from "@/lib/notifications/schemas";
import type { NotificationChannel } from "@/lib/notifications/kinds";
import { ApiError } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { FormError } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { useNotificationPreferences, useSavePreference, type PreferenceChange } from "./queries";

type Kind = PreferencesDto["kinds"][number];
const CHANNELS = ["IN_APP", "EMAIL"] as const;
const CHANNEL_LABEL: Record<NotificationChannel, string> = { IN_APP: "In Baton", EMAIL: "E-mail" };

/** Per kind and channel: what reaches you. Each switch saves at once (PUT, audited). */
export function NotificationPreferences() {
  const { announce } = useAnnouncer();
  const [error, setError] = useState<string | null>(null);
  const prefs = useNotificationPreferences();
  const save = useSavePreference();
  const emailOn = prefs.data?.email.available ?? false;
  const change = (p: PreferenceChange) => {
    setError(null);
    save.mutate(p, {
      onError: (err) => setError(err instanceof ApiError ? err.message : "Couldn't save. Try again."),
      onSuccess: (data) => {
        const label = data.kinds.find((k) => k.kind === p.kind)?.label ?? p.kind;
        announce(`${label}: ${CHANNEL_LABEL[p.channel]} ${p.enabled ? "on" : "off"}`);
      },
    });
  };
  const changeRef = useLatest(change);
  // The switches call the latest `change`; the columns follow only whether e-mail can be chosen.
  const columns = useMemo<DataColumn<Kind>[]>(
    () => [
      {
        id: "kind",
        header: "When",
        meta: { rowHeader: true },
        cell: ({ row: { original: k } }) => (
          <>
            <span className="block font-medium text-slate-900">{k.label}</span>
            <span className="block text-xs text-slate-600">{k.description}</span>
          </>
        ),
      },
      ...CHANNELS.map(
        (c): DataColumn<Kind> => ({
          id: c,
          header: CHANNEL_LABEL[c],
          meta: { align: "center", className: "w-28" },
          cell: ({ row: { original: k } }) =>
            !k.offered[c] ? (
              <span className="text-slate-500">
                <span aria-hidden>—</span>
                <span className="sr-only">{`${k.label}: not offered ${c === "IN_APP" ? "in Baton" : "by e-mail"}`}</span>
              </span>
            ) : (
            <input
              type="checkbox"
              role="switch"
              aria-label={`${k.label}: ${CHANNEL_LABEL[c]}`}
              checked={k.channels[c]}
              disabled={c === "EMAIL" && !emailOn}
              onChange={(e) => changeRef.current({ kind: k.kind, channel: c, enabled: e.target.checked })}
              className="size-4 rounded border-slate-300 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-50"
            />
            ),
        }),
      ),
    ],
    [emailOn, changeRef],
  );

  return (
    <main id="main" className="mx-auto w-full max-w-3xl space-y-5 px-3 py-6 sm:px-5">
      <header>
        <h1 className="text-xl font-semibold text-slate-900">Notifications</h1>
        <p className="mt-0.5 text-sm text-slate-600">Choose what reaches you, and where. Changes are saved as you make them.</p>
      </header>
      {prefs.isPending && <Skeleton className="h-80" />}
      {prefs.data &&
        (!prefs.data.email.available ? (
          <p className="flex items-start gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="email-off">
            <MailX aria-hidden className="mt-0.5 size-4 shrink-0" />
            <span>
              E-mail is off on this server (no SMTP server is configured: an administrator sets <code className="rounded bg-amber-100 px-1">SMTP_URL</code>). You get
              notifications in Baton only; your e-mail choices apply once it is on.
            </span>
          </p>
        ) : (
          <p className="text-sm text-slate-600">
            E-mails go to <span className="font-medium text-slate-900">{prefs.data.email.address}</span>.
          </p>
        ))}
      {!prefs.isPending && (
        <div className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
          <DataTable
            label="Notification preferences by kind and channel"
            columns={columns}
            data={prefs.data?.kinds}
            getRowId={(k) => k.kind}
            error={prefs.isError ? { what: "your notification settings", error: prefs.error, onRetry: () => prefs.refetch(), retrying: prefs.isFetching } : null}
            headerStyle="plain"
          />
        </div>
      )}
      <FormError error={error} />
    </main>
  );
}

/** A ref that always holds the latest value (for handlers inside memoised render functions). */
function useLatest<T>(value: T) {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}
