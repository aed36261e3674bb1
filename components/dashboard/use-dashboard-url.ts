"use client";

import { useCallback, useMemo } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { Scope } from "./links";

const DAY = 86_400_000;
export const todayUtc = () => new Date().toISOString().slice(0, 10);
export const daysBefore = (d: string, n: number) => new Date(new Date(`${d}T00:00:00Z`).getTime() - n * DAY).toISOString().slice(0, 10);

/**
 * The dashboard's period and process, as they live in the URL (the last 30 days by default), and
 * `set` to change them. `scope` stays the same object until one of them changes.
 */
export function useDashboardUrl() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const to = params.get("to") ?? todayUtc();
  const from = params.get("from") ?? daysBefore(to, 29);
  const process = params.get("process") ?? "";
  const set = useCallback(
    (patch: Record<string, string>) => {
      const q = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(patch)) {
        if (v) q.set(k, v);
        else q.delete(k);
      }
      router.replace(`${pathname}?${q}`, { scroll: false });
    },
    [params, router, pathname],
  );
  const scope = useMemo<Scope>(() => ({ from, to, process: process || undefined }), [from, to, process]);
  const selectProcess = useCallback((key: string) => set({ process: key }), [set]);
  const days = Math.round((new Date(`${to}T00:00:00Z`).getTime() - new Date(`${from}T00:00:00Z`).getTime()) / DAY) + 1;
  return { from, to, process, days, scope, set, selectProcess };
}
