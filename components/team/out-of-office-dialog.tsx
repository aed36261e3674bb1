"use client";

import { useState, type FormEvent } from "react";
import { format } from "date-fns";
import type { TeamMember, TeamView } from "@/lib/team/schemas";
import { formErrorsOf } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Dialog, useDialogClose } from "@/components/ui/dialog";
import { Input, Select } from "@/components/ui/input";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { localDateTime } from "@/components/tasks/format";
import { useOutOfOffice } from "./queries";

/** The value a datetime-local input shows for an instant, in the browser's time zone. */
const toLocalInput = (d: Date) => format(d, "yyyy-MM-dd'T'HH:mm");

/** Set (or end) a member's out-of-office window and who covers their direct work meanwhile. */
export function OutOfOfficeDialog({ member, team, me, onClose }: { member: TeamMember | null; team: TeamView; me: { id: string; name: string }; onClose: () => void }) {
  return (
    <Dialog open={!!member} onClose={onClose} title={member ? `Out of office: ${member.name}` : ""} description="While away they get no new work; tasks routed to them go to the delegate.">
      {member && <OutOfOfficeForm key={member.id} member={member} team={team} me={me} />}
    </Dialog>
  );
}

function OutOfOfficeForm({ member, team, me }: { member: TeamMember; team: TeamView; me: { id: string; name: string } }) {
  const close = useDialogClose();
  const save = useOutOfOffice(member.id);
  const { announce } = useAnnouncer();
  const now = new Date();
  const [from, setFrom] = useState(toLocalInput(member.outOfOffice?.from ? new Date(member.outOfOffice.from) : now));
  const [until, setUntil] = useState(toLocalInput(member.outOfOffice?.until ? new Date(member.outOfOffice.until) : new Date(now.getTime() + 7 * 86_400_000)));
  const [delegate, setDelegate] = useState(member.delegate?.id ?? "");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [busy, setBusy] = useState<"save" | "end" | null>(null);
  const candidates = [{ id: me.id, name: `${me.name} (me)` }, ...team.members.filter((m) => m.id !== member.id && m.id !== me.id)];

  function send(method: "PUT" | "DELETE") {
    setBusy(method === "PUT" ? "save" : "end");
    const body =
      method === "PUT"
        ? { from: new Date(from).toISOString(), until: new Date(until).toISOString(), delegate: delegate || null, ...(reason.trim() ? { reason: reason.trim() } : {}) }
        : reason.trim()
          ? { reason: reason.trim() }
          : undefined;
    save.mutate(
      { method, body },
      {
        onSuccess: (result) => {
          announce(
            result.outOfOffice
              ? `${member.name} is out of office from ${localDateTime(result.outOfOffice.from ?? "")} until ${localDateTime(result.outOfOffice.until ?? "")}${result.delegate ? `; ${result.delegate.name} covers` : ""}`
              : `${member.name} is back`,
          );
          close();
        },
        onError: (err) => setErrors(formErrorsOf(err)),
        onSettled: () => setBusy(null),
      },
    );
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (!from || Number.isNaN(new Date(from).getTime())) next.from = "Choose when it starts";
    if (!until || Number.isNaN(new Date(until).getTime())) next.until = "Choose when it ends";
    else if (new Date(until) <= new Date(from)) next.until = "Must be after the start";
    else if (new Date(until) <= new Date()) next.until = "Must be in the future";
    setErrors(next);
    if (Object.keys(next).length === 0) send("PUT");
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {member.outOfOffice && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          {member.outOfOffice.activeNow ? "Away now" : "Away from " + localDateTime(member.outOfOffice.from ?? "")}, until {localDateTime(member.outOfOffice.until ?? "")}
          {member.delegate ? `; ${member.delegate.name} covers.` : "."}
        </p>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <Input label="From" type="datetime-local" name="from" value={from} error={errors.from ?? null} onChange={(e) => {
            setFrom(e.target.value);
            setErrors(({ from: _fixed, ...rest }) => rest);
          }} data-autofocus />
        <Input label="Until" type="datetime-local" name="until" value={until} error={errors.until ?? null} onChange={(e) => {
            setUntil(e.target.value);
            setErrors(({ until: _fixed, ...rest }) => rest);
          }} />
      </div>
      <Select label="Delegate" name="delegate" hint="Gets the work routed to them directly while they are away." value={delegate} error={errors.delegate ?? null} onChange={(e) => {
          setDelegate(e.target.value);
          setErrors(({ delegate: _fixed, ...rest }) => rest);
        }}>
        <option value="">Nobody: their work waits in the group queue</option>
        {candidates.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </Select>
      <Input label="Note (optional)" name="reason" hint="Kept in the audit log." maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      <FormError error={errors.form} />
      <div className="flex flex-wrap justify-end gap-2">
        {member.outOfOffice && (
          <Button variant="danger" className="mr-auto" loading={busy === "end"} disabled={!!busy} onClick={() => send("DELETE")}>
            End out of office now
          </Button>
        )}
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={busy === "save"} disabled={!!busy}>
          Save
        </Button>
      </div>
    </form>
  );
}
