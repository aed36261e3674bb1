"use client";

import { useState, type ReactNode } from "react";
import Link from "next/link";
import { Check, Globe, Keyboard, Plane, ShieldCheck } from "lucide-react";
import type { MeDto, UserSettings } from "@/lib/identity/schemas";
import { useMe } from "@/components/data/queries";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { LoadError } from "@/components/ui/load-error";
import { Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useSaveSettings } from "./queries";
import { OutOfOfficeSection } from "./out-of-office-section";

/**
 * The signed-in person's own preferences. One section a concern (each with its own heading and
 * save), so other features add theirs (e.g. notification preferences) without touching these.
 */
export function SettingsView() {
  const me = useMe();
  return (
    <main id="main" className="mx-auto w-full max-w-3xl flex-1 px-4 py-6 sm:px-6">
      <h1 className="text-xl font-semibold text-slate-900">Settings</h1>
      <p className="mt-1 text-sm text-slate-600">Your own preferences. They apply wherever you sign in.</p>
      <div className="mt-6 space-y-6">
        {me.isPending && <Skeleton className="h-40" />}
        {me.isError && <LoadError what="your settings" error={me.error} onRetry={() => me.refetch()} retrying={me.isFetching} />}
        {me.data && (
          <>
            <ShortcutsSection me={me.data} />
            <TimeZoneSection me={me.data} />
            <Section id="out-of-office" icon={<Plane aria-hidden className="size-4 text-slate-500" />} title="Out of office" description="While you are away, routing gives you no new work and what is assigned to you directly goes to your delegate.">
              <OutOfOfficeSection myId={me.data.id} />
            </Section>
            <Section id="security" icon={<ShieldCheck aria-hidden className="size-4 text-slate-500" />} title="Sign-in security" description="Two-step sign-in with an authenticator app, and your recovery codes.">
              <Link href="/settings/security" className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline">
                Manage two-step sign-in
              </Link>
            </Section>
          </>
        )}
      </div>
    </main>
  );
}

function Section({ id, icon, title, description, children }: { id: string; icon: ReactNode; title: string; description: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-xl bg-white p-5 shadow-xs ring-1 ring-slate-200 sm:p-6">
      <h2 id={id} className="flex items-center gap-2 text-base font-semibold text-slate-900">
        {icon}
        {title}
      </h2>
      <p className="mt-1 text-sm text-slate-600">{description}</p>
      <div className="mt-4">{children}</div>
    </section>
  );
}

/** Saves a settings change and says so (or why not). */
function useSave() {
  const save = useSaveSettings();
  const { announce, alert } = useAnnouncer();
  return {
    ...save,
    mutate: (patch: Partial<UserSettings>) => save.mutate(patch, { onSuccess: () => announce("Settings saved."), onError: (e) => alert(`Settings not saved: ${e.message}`) }),
  };
}

function ShortcutsSection({ me }: { me: MeDto }) {
  const save = useSave();
  const on = me.settings.shortcutsEnabled;
  return (
    <Section
      id="settings-shortcuts"
      icon={<Keyboard aria-hidden className="size-4 text-slate-500" />}
      title="Keyboard shortcuts"
      description="Single-letter keys in the inbox (j, k, a, r, i, c, x, z, ?) act on the task in focus. Switch them off if you use speech input or they get in your way; the command menu (Ctrl+K or ⌘K), arrow keys and Enter keep working."
    >
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-indigo-600"
          checked={on}
          disabled={save.isPending}
          onChange={(e) => save.mutate({ shortcutsEnabled: e.target.checked })}
        />
        <span>
          <span className="font-medium text-slate-900">Single-letter shortcuts</span>
          <span className="block text-slate-600">{on ? "On: press ? in the inbox to see them." : "Off: letters typed in the inbox do nothing."}</span>
        </span>
      </label>
    </Section>
  );
}

function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    return null;
  }
}

function TimeZoneSection({ me }: { me: MeDto }) {
  const save = useSave();
  const [zone, setZone] = useState(me.settings.timeZone);
  const [zones] = useState<string[]>(() => {
    const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    return [...new Set(["UTC", ...all, me.settings.timeZone])];
  });
  const [browser] = useState(browserTimeZone);
  const dirty = zone !== me.settings.timeZone;
  return (
    <Section
      id="settings-time-zone"
      icon={<Globe aria-hidden className="size-4 text-slate-500" />}
      title="Time zone"
      description="The inbox's due filters (“due today”, “due this week”) start and end at midnight in this zone."
    >
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ timeZone: zone });
        }}
      >
        <div className="min-w-64 flex-1">
          <Select label="Your time zone" name="timeZone" value={zone} onChange={(e) => setZone(e.target.value)}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, " ")}
              </option>
            ))}
          </Select>
        </div>
        <Button type="submit" variant="primary" disabled={!dirty} loading={save.isPending}>
          Save time zone
        </Button>
      </form>
      {browser && browser !== me.settings.timeZone && (
        <p className="mt-3 flex flex-wrap items-center gap-2 text-sm text-slate-700">
          This browser is set to <strong className="font-medium">{browser.replace(/_/g, " ")}</strong>.
          <Button
            size="sm"
            onClick={() => {
              setZone(browser);
              save.mutate({ timeZone: browser });
            }}
          >
            Use {browser.replace(/_/g, " ")}
          </Button>
        </p>
      )}
      {browser && browser === me.settings.timeZone && (
        <p className="mt-3 flex items-center gap-1.5 text-sm text-slate-600">
          <Check aria-hidden className="size-4 text-emerald-700" /> Matches this browser.
        </p>
      )}
    </Section>
  );
}
