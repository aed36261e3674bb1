"use client";

import { useState, type FormEvent } from "react";
import { format } from "date-fns";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { myOutOfOfficeSchema, type MyOutOfOfficeDto, type OutOfOfficeDto } from "@/lib/team/schemas";
import { api, formErrorsOf } from "@/components/data/api";
import { queryKeys } from "@/components/data/keys";
import { usePeople } from "@/components/data/queries";
import { useAnnouncer } from "@/components/announcer";
import { Button } from "@/components/ui/button";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";

const PATH = "/api/v1/me/out-of-office";

function useMyOutOfOffice() {
  return useQuery({ queryKey: ["me", "out-of-office"], queryFn: ({ signal }) => api<OutOfOfficeDto>(PATH, { signal }) });
}

function useOutOfOfficeChange() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: unknown) => (body === null ? api<OutOfOfficeDto>(PATH, { method: "DELETE" }) : api<MyOutOfOfficeDto>(PATH, { method: "PUT", body })),
    onSuccess: (dto) => {
      qc.setQueryData(["me", "out-of-office"], dto);
      // Work that moved leaves my inbox.
      void qc.invalidateQueries({ queryKey: queryKeys.tasks });
      void qc.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

const today = () => format(new Date(), "yyyy-MM-dd");
/** Local midnight of a yyyy-mm-dd day, as an instant. */
const startOf = (day: string) => new Date(`${day}T00:00:00`).toISOString();
const shown = (iso: string | null) => (iso ? format(new Date(iso), "EEE d MMM yyyy") : "");

type Errors = Partial<Record<"from" | "until" | "delegate" | "reason" | "form", string>>;

/** My own out-of-office window and delegate (routing skips me meanwhile; direct work goes to the delegate). */
export function OutOfOfficeSection({ myId }: { myId: string }) {
  const current = useMyOutOfOffice();
  const change = useOutOfOfficeChange();
  const people = usePeople();
  const { announce } = useAnnouncer();
  const [from, setFrom] = useState(today());
  const [back, setBack] = useState("");
  const [delegate, setDelegate] = useState("");
  const [moveOpenWork, setMoveOpenWork] = useState(false);
  const [errors, setErrors] = useState<Errors>({});

  if (current.isPending) return <Skeleton className="h-40" />;
  if (current.isError) return <LoadError what="your out of office" error={current.error} onRetry={() => current.refetch()} retrying={current.isFetching} />;
  const away = current.data.outOfOffice;

  function submit(e: FormEvent) {
    e.preventDefault();
    const input = { from: from ? startOf(from) : "", until: back ? startOf(back) : "", delegate: delegate || null, moveOpenWork };
    const parsed = myOutOfOfficeSchema.safeParse(input);
    if (!parsed.success) {
      const fe = issuesToErrors<keyof Errors>(parsed.error.issues);
      if (!back) fe.until = "Choose the day you are back";
      return setErrors(fe);
    }
    setErrors({});
    change.mutate(parsed.data, {
      onSuccess: (dto) => {
        const moved = "movedTasks" in dto ? (dto as MyOutOfOfficeDto).movedTasks : 0;
        announce(`Out of office saved${moved ? `; ${moved} task(s) handed to your delegate` : ""}.`);
        setMoveOpenWork(false);
      },
      onError: (err) => setErrors(formErrorsOf(err)),
    });
  }

  return (
    <div className="space-y-4">
      {away ? (
        <div data-testid="my-out-of-office" className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          <span>
            {away.activeNow ? "You are out of office" : "You will be out of office"} from {shown(away.from)} until {shown(away.until)}
            {current.data.delegate ? `; ${current.data.delegate.name} takes your work.` : "; your direct work waits in its queue."}
          </span>
          <Button size="sm" variant="secondary" loading={change.isPending} onClick={() => change.mutate(null, { onSuccess: () => announce("Welcome back: out of office ended.") })}>
            End now
          </Button>
        </div>
      ) : (
        <p className="text-sm text-slate-600">You are not out of office.</p>
      )}
      <form onSubmit={submit} noValidate aria-label="Set my out of office" className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Input label="Away from" name="from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} error={errors.from} />
        <Input label="Back on" name="until" type="date" value={back} min={from || undefined} onChange={(e) => setBack(e.target.value)} error={errors.until} />
        <Select label="Delegate" name="delegate" className="sm:col-span-2" hint="Gets the work assigned to you directly while you are away." value={delegate} onChange={(e) => setDelegate(e.target.value)} error={errors.delegate}>
          <option value="">Nobody: leave it in the queue</option>
          {people.data?.data
            .filter((p) => p.id !== myId)
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
        </Select>
        <label className="flex items-center gap-2 text-sm text-slate-700 sm:col-span-2">
          <input
            type="checkbox"
            name="moveOpenWork"
            checked={moveOpenWork}
            onChange={(e) => setMoveOpenWork(e.target.checked)}
            className="size-4 rounded border-slate-300 accent-indigo-600 focus-visible:outline-indigo-600"
          />
          Also hand my current open tasks to my delegate now
        </label>
        <FormError error={errors.form} className="sm:col-span-2" />
        <div className="sm:col-span-2">
          <Button type="submit" variant="primary" loading={change.isPending}>
            Save out of office
          </Button>
        </div>
      </form>
    </div>
  );
}
