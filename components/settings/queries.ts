"use client";

// The signed-in person's settings and notification preferences; both save optimistically.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { MeDto, UserSettings } from "@/lib/identity/schemas";
import type { PreferencesDto } from "@/lib/notifications/schemas";
import type { NotificationChannel, NotificationKind } from "@/lib/notifications/kinds";
import { api } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";

/** The control shows the new value at once and goes back if the save fails. */
export function useSaveSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<UserSettings>) => api<UserSettings>("/api/v1/me/settings", { method: "PATCH", body: patch }),
    onMutate: (patch) => {
      const before = qc.getQueryData<MeDto>(queryKeys.me);
      if (before) qc.setQueryData<MeDto>(queryKeys.me, { ...before, settings: { ...before.settings, ...patch } });
      return { before };
    },
    onSuccess: (settings) => qc.setQueryData<MeDto>(queryKeys.me, (me) => (me ? { ...me, settings } : me)),
    onError: (_e, _patch, ctx) => {
      if (ctx?.before) qc.setQueryData(queryKeys.me, ctx.before);
    },
  });
}

export function useNotificationPreferences() {
  return useQuery({ queryKey: queryKeys.notificationPreferences, queryFn: ({ signal }) => api<PreferencesDto>("/api/v1/me/notification-preferences", { signal }) });
}

export type PreferenceChange = { kind: NotificationKind; channel: NotificationChannel; enabled: boolean };

/** One switch (PUT, audited): flipped in the cache at once, put back if the save fails. */
export function useSavePreference() {
  const qc = useQueryClient();
  const key = queryKeys.notificationPreferences;
  return useMutation({
    mutationFn: (p: PreferenceChange) => api<PreferencesDto>("/api/v1/me/notification-preferences", { method: "PUT", body: { preferences: [p] } }),
    onMutate: async (p) => {
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
    onError: (_err, _p, ctx) => {
      if (ctx?.before) qc.setQueryData(key, ctx.before);
    },
    onSuccess: (data) => qc.setQueryData(key, data),
  });
}
