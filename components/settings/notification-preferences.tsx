"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { MailX } from "lucide-react";
import type { PreferencesDto } from "@/lib/notifications/schemas";
import type { NotificationChannel, NotificationKind } from "@/lib/notifications/kinds";
import { api, ApiError } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";

const key = ["notification-preferences"] as const;
const CHANNEL_LABEL: Record<NotificationChannel, string> = { IN_APP: "In Baton", EMAIL: "E-mail" };

/** Per kind and channel: what reaches you. Each switch saves at once (PUT, audited). */
export function NotificationPreferences() {
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const [error, setError] = useState<string | null>(null);
  const prefs = useQuery({ queryKey: key, queryFn: ({ signal }) => api<PreferencesDto>("/api/v1/me/notification-preferences", { signal }) });
  const save = useMutation({
    mutationFn: (p: { kind: NotificationKind; channel: NotificationChannel; enabled: boolean }) =>
      api<PreferencesDto>("/api/v1/me/notification-preferences", { method: "PUT", body: { preferences: [p] } }),
    onMutate: async (p) => {
      setError(null);
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<PreferencesDto>(key);
      if (before) {
        qc.setQueryData<PreferencesDto>(key, {
          ...before,
          kinds: before.kinds.map((k) => (k.kind === p.kind ? { ...k, channels: { ...k.channels, [p.channel]: p.enabled } } : k)),
        });
      }
      return { before };
    },
    onError: (err, _p, ctx) => {
      if (ctx?.before) qc.setQueryData(key, ctx.before);
      setError(err instanceof ApiError ? err.message : "Couldn't save. Try again.");
    },
    onSuccess: (data, p) => {
      qc.setQueryData(key, data);
      const label = data.kinds.find((k) => k.kind === p.kind)?.label ?? p.kind;
      announce(`${label}: ${CHANNEL_LABEL[p.channel]} ${p.enabled ? "on" : "off"}`);
    },
  });

  return (
    <main id="main" className="mx-auto w-full max-w-3xl space-y-5 px-3 py-6 sm:px-5">
      <header>
        <h1 className="text-xl font-semibold text-slate-900">Notifications</h1>
        <p className="mt-0.5 text-sm text-slate-600">Choose what reaches you, and where. Changes are saved as you make them.</p>
      </header>
      {prefs.isPending && <Skeleton className="h-80" />}
      {prefs.isError && <LoadError what="your notification settings" error={prefs.error} onRetry={() => prefs.refetch()} retrying={prefs.isFetching} />}
      {prefs.data && (
        <>
          {!prefs.data.email.available ? (
            <p className="flex items-start gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="email-off">
              <MailX aria-hidden className="mt-0.5 size-4 shrink-0" />
              <span>
                E-mail is off on this server (no SMTP server is configured: an administrator sets <code className="rounded bg-amber-100 px-1">SMTP_URL</code>). You
                get notifications in Baton only; your e-mail choices apply once it is on.
              </span>
            </p>
          ) : (
            <p className="text-sm text-slate-600">
              E-mails go to <span className="font-medium text-slate-900">{prefs.data.email.address}</span>.
            </p>
          )}
          <div className="overflow-x-auto rounded-xl bg-white ring-1 ring-slate-200">
            <table className="w-full text-sm">
              <caption className="sr-only">Notification preferences by kind and channel</caption>
              <thead className="bg-slate-50 text-left text-xs text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">
                    When
                  </th>
                  {(["IN_APP", "EMAIL"] as const).map((c) => (
                    <th key={c} scope="col" className="w-28 px-4 py-2 text-center font-medium">
                      {CHANNEL_LABEL[c]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {prefs.data.kinds.map((k) => (
                  <tr key={k.kind}>
                    <th scope="row" className="px-4 py-3 text-left font-normal">
                      <span className="block font-medium text-slate-900">{k.label}</span>
                      <span className="block text-xs text-slate-600">{k.description}</span>
                    </th>
                    {(["IN_APP", "EMAIL"] as const).map((c) => {
                      const disabled = c === "EMAIL" && !prefs.data.email.available;
                      return (
                        <td key={c} className="px-4 py-3 text-center">
                          <input
                            type="checkbox"
                            role="switch"
                            aria-label={`${k.label}: ${CHANNEL_LABEL[c]}`}
                            checked={k.channels[c]}
                            disabled={disabled}
                            onChange={(e) => save.mutate({ kind: k.kind, channel: c, enabled: e.target.checked })}
                            className="size-4 rounded border-slate-300 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-50"
                          />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {error && (
            <p role="alert" className="text-sm font-medium text-red-700">
              {error}
            </p>
          )}
        </>
      )}
    </main>
  );
}
