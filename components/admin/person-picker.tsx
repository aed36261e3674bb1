"use client";

import { useDeferredValue, useId, useState } from "react";
import type { UserDto } from "@/lib/people/schemas";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { usePersonSearch } from "./queries";

/**
 * Finds a person by name or e-mail and hands them over: a search field and the first matches as
 * buttons, because the directory may hold thousands (a select of everyone would not do).
 */
export function PersonPicker({ label, action, onPick, exclude = [], busy = false, name }: { label: string; action: string; onPick: (p: UserDto) => void; exclude?: string[]; busy?: boolean; name: string }) {
  const [q, setQ] = useState("");
  const deferred = useDeferredValue(q.trim());
  const found = usePersonSearch(deferred);
  const listId = useId();
  const matches = (found.data?.data ?? []).filter((p) => !exclude.includes(p.id));
  return (
    <div>
      <Input label={label} name={name} type="search" placeholder="Name or e-mail" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} aria-controls={listId} autoComplete="off" />
      <ul id={listId} aria-label={`${label}: matches`} aria-live="polite" className="mt-1 divide-y divide-slate-100 rounded-md ring-1 ring-slate-200 empty:hidden">
        {deferred &&
          matches.map((p) => (
            <li key={p.id} className="flex items-center justify-between gap-3 px-3 py-1.5 text-sm">
              <span className="min-w-0 truncate">
                <span className="font-medium text-slate-900">{p.name}</span> <span className="text-slate-500">{p.email}</span>
              </span>
              <Button
                size="sm"
                variant="secondary"
                loading={busy}
                onClick={() => {
                  onPick(p);
                  setQ("");
                }}
              >
                {action}
                <span className="sr-only"> {p.name}</span>
              </Button>
            </li>
          ))}
        {deferred && found.isSuccess && matches.length === 0 && <li className="px-3 py-1.5 text-sm text-slate-500">Nobody matches &ldquo;{deferred}&rdquo;.</li>}
      </ul>
    </div>
  );
}
